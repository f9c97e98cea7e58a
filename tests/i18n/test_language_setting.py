"""The app's language: the override, the saved setting, the system's, English; chosen in
the settings dialog and used from the next start (an open window keeps what was typed)."""

from __future__ import annotations

import pytest

from mesodesk import i18n
from mesodesk.i18n import _, preferred_language, saved_language, set_language


@pytest.fixture
def no_override(monkeypatch):
    monkeypatch.delenv("MESODESK_LANGUAGE", raising=False)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: (None, None))


def write_setting(text: str) -> None:
    path = i18n.user_config_dir() / "mesodesk.ini"
    path.write_text(text, encoding="utf-8")


def test_english_without_anything(no_override):
    assert preferred_language() == "en"


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("LANG", "el_GR.UTF-8", "el"), ("LC_ALL", "el_GR", "el"), ("LC_MESSAGES", "el", "el"),
    ("LANG", "de_DE.UTF-8", "en"), ("LANG", "C.UTF-8", "en"),
])
def test_the_systems_language_if_mesodesk_speaks_it(no_override, monkeypatch, variable, value,
                                                   expected):
    monkeypatch.setenv(variable, value)
    assert preferred_language() == expected


def test_the_saved_setting_wins_over_the_system(no_override, monkeypatch):
    monkeypatch.setenv("LANG", "el_GR.UTF-8")
    write_setting("[interface]\nlanguage=en\n")
    assert saved_language() == "en" and preferred_language() == "en"


def test_the_override_wins_over_everything(no_override, monkeypatch):
    write_setting("[interface]\nlanguage=en\n")
    monkeypatch.setenv("MESODESK_LANGUAGE", "el")
    assert preferred_language() == "el"


@pytest.mark.parametrize("text", ["[interface]\nlanguage=fr\n", "not an ini file at all [",
                                  "\udcff".encode("utf-8", "surrogateescape").decode("latin-1"),
                                  "[interface]\nlanguage=<b>&\n"])
def test_a_damaged_or_unknown_setting_falls_back(no_override, text):
    write_setting(text)
    assert preferred_language() == "en"


def test_greek_catalogue_is_used_after_set_language():
    set_language("el")
    try:
        assert _("Settings") == "Ρυθμίσεις"
        assert i18n.ngettext("{count} patient", "{count} patients", 3) == "{count} ασθενείς"
    finally:
        set_language("en")
    assert _("Settings") == "Settings"


def test_settings_dialog_saves_the_language_for_the_next_start(qtbot, no_override):
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ClinicSettings(), "clinic.db", None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.language == "en" and not dialog.language_note.isVisible()
    dialog.language_choice.setCurrentIndex(dialog.language_choice.findData("el"))
    assert dialog.language_choice.currentText() == "Ελληνικά"
    assert dialog.language_note.isVisible()  # "... the next time mesodesk starts"
    assert i18n.current_language() == "en"  # nothing changes in the open windows
    assert saved_language() is None  # nothing is saved before Save
    dialog.accept()
    assert preferred_language() == "el" and i18n.current_language() == "en"

