"""The first run: with no database yet the app sets up the clinic and the practitioner
(encrypted by default, plain only with a warning), or opens the demo; Cancel makes nothing."""

from __future__ import annotations

import types

import keyring
from keyring.backends import fail
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from mesodesk.store import keystore, open_database
from mesodesk.store.engine import default_database_path
from mesodesk.store.keys import key_name
from mesodesk.ui.app import run_app
from mesodesk.ui.first_run import FirstRunDialog
from mesodesk.ui.session import StartOptions, needs_first_run

from .conftest import screenshot, type_text

HEADER = b"SQLite format 3\x00"


def _dialog(qtbot, tmp_path, key_store: bool = True) -> tuple[FirstRunDialog, StartOptions]:
    options = StartOptions(location=str(tmp_path / "clinic.db"))
    dialog = FirstRunDialog(options, key_store=key_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, options


def _fill(qtbot, dialog: FirstRunDialog, tmp_path) -> None:
    type_text(qtbot, dialog.name, "Κλινική <Αισθητικής> & Co")
    dialog.address.setPlainText("Λεωφόρος Κηφισίας 12\n115 26 Αθήνα")
    type_text(qtbot, dialog.phone, "+30 210 000 0000")
    dialog.member_state.setCurrentIndex(dialog.member_state.findData("CY"))
    assert dialog.member_state.currentText() == "Cyprus"
    dialog.language.setCurrentIndex(dialog.language.findData("el"))
    assert dialog.member_state.currentText() == "Κύπρος"  # named in the language chosen
    assert dialog.member_state.currentData() == "CY"
    logo = QImage(1200, 400, QImage.Format.Format_RGB32)
    logo.fill(QColor("#1565c0"))
    assert logo.save(str(tmp_path / "logo.png"))
    assert dialog.load_logo(str(tmp_path / "logo.png"))
    type_text(qtbot, dialog.practitioner, "Δρ Μαρία Ιωάννου")
    type_text(qtbot, dialog.registration, "ΙΣΑ 12345")


def test_the_first_run_sets_up_an_encrypted_clinic(qtbot, tmp_path):
    dialog, options = _dialog(qtbot, tmp_path)
    assert dialog.encrypted.isChecked() and not dialog.plain_warning.isVisible()
    assert not dialog.passphrase_form.isVisible()  # the key store keeps the key
    dialog.create_button.click()
    assert dialog.isVisible() and dialog.error.text() == "Clinic name: is required"
    _fill(qtbot, dialog, tmp_path)
    dialog.practitioner.clear()
    dialog.create_button.click()
    assert dialog.error.text() == "Practitioner name: is required"  # no anonymous consent
    assert not (tmp_path / "clinic.db").exists()
    type_text(qtbot, dialog.practitioner, "Δρ Μαρία Ιωάννου")
    screenshot(dialog, "first-run")
    dialog.create_button.click()
    assert dialog.choice == "created" and not dialog.isVisible()
    path = tmp_path / "clinic.db"
    assert path.read_bytes()[:16] != HEADER and keystore.get_secret(key_name(path))
    with open_database(options.location, options.passphrase) as db:
        settings = db.settings.get()
        assert db.location.key_in_key_store
        assert db.audit.verify().ok
    assert settings.name == "Κλινική <Αισθητικής> & Co"
    assert settings.address == "Λεωφόρος Κηφισίας 12\n115 26 Αθήνα"
    assert settings.phone == "+30 210 000 0000"
    assert (settings.jurisdiction, settings.member_state) == ("EU", "CY")
    assert settings.default_language == "el"
    assert settings.practitioner_name == "Δρ Μαρία Ιωάννου"
    assert settings.practitioner_registration == "ΙΣΑ 12345"
    assert QImage.fromData(settings.logo_png).width() == 800  # scaled down


def test_plain_records_only_with_the_warning_and_outside_the_eu(qtbot, tmp_path):
    dialog, options = _dialog(qtbot, tmp_path)
    _fill(qtbot, dialog, tmp_path)
    dialog.plain.click()
    assert dialog.plain_warning.isVisible() and "anyone" in dialog.plain_warning.text()
    dialog.jurisdiction.setCurrentIndex(dialog.jurisdiction.findData("UK"))
    assert not dialog.member_state.isEnabled()
    screenshot(dialog, "first-run-plain")
    dialog.create_button.click()
    assert dialog.choice == "created" and options.unencrypted
    path = tmp_path / "clinic.db"
    assert path.read_bytes()[:16] == HEADER
    with open_database(path) as db:
        settings = db.settings.get()
        assert not db.encrypted
    assert (settings.jurisdiction, settings.member_state) == ("UK", "")


def test_without_a_key_store_the_first_run_asks_for_a_passphrase(qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.set_keyring(fail.Keyring())
    dialog, options = _dialog(qtbot, tmp_path, key_store=keystore.available())
    assert dialog.passphrase_form.isVisible() and "no key store" in dialog.encrypted_hint.text()
    _fill(qtbot, dialog, tmp_path)
    type_text(qtbot, dialog.passphrase, "password")
    assert dialog.strength.text().startswith("Very weak")
    type_text(qtbot, dialog.again, "passw0rd")
    dialog.create_button.click()
    assert dialog.error.text() == "Passphrase again: is not the same passphrase"
    dialog.passphrase.setText("σιωπηλό λιμάνι στη Νάξο")
    dialog.again.setText("σιωπηλό λιμάνι στη Νάξο")
    dialog.create_button.click()
    assert dialog.choice == "created" and options.passphrase == "σιωπηλό λιμάνι στη Νάξο"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.db", "logo.png"]
    with open_database(tmp_path / "clinic.db", "σιωπηλό λιμάνι στη Νάξο") as db:
        assert db.settings.get().practitioner_name == "Δρ Μαρία Ιωάννου"


def test_the_demo_is_offered_and_cancel_makes_nothing(qtbot, tmp_path):
    dialog, options = _dialog(qtbot, tmp_path)
    _fill(qtbot, dialog, tmp_path)
    dialog.demo_button.click()
    assert dialog.choice == "demo" and options.demo
    dialog, options = _dialog(qtbot, tmp_path)
    _fill(qtbot, dialog, tmp_path)
    dialog.cancel_button.click()
    assert dialog.choice is None and not options.demo
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logo.png"]


def test_a_failed_set_up_leaves_nothing_half_made(qtbot, tmp_path, monkeypatch):
    from mesodesk.store.base import DiskFull
    from mesodesk.store.repositories import Settings

    dialog, _options = _dialog(qtbot, tmp_path)
    _fill(qtbot, dialog, tmp_path)

    def full(*_args, **_kwargs):
        raise DiskFull("the disk holding clinic.db is full")

    monkeypatch.setattr(Settings, "save", full)  # the database is made, the settings fail
    dialog.create_button.click()
    assert dialog.isVisible() and "disk" in dialog.error.text()
    assert dialog.name.text() == "Κλινική <Αισθητικής> & Co"  # nothing typed is lost
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logo.png"]


def test_which_starts_are_a_first_run(tmp_path, monkeypatch):
    assert needs_first_run(StartOptions())  # nothing in the user data directory yet
    assert needs_first_run(StartOptions(location=str(tmp_path / "new.db"), from_settings=True))
    assert not needs_first_run(StartOptions(demo=True))
    assert not needs_first_run(StartOptions(location=str(tmp_path / "new.db"), explicit=True))
    assert not needs_first_run(StartOptions(location="postgresql://u@h/clinic"))
    open_database(default_database_path()).close()
    assert not needs_first_run(StartOptions())


def test_the_app_starts_with_the_set_up_and_cancel_quits(qtbot, capsys):
    seen = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstRunDialog):
            QTimer.singleShot(50, answer)
            return
        seen["dialog"] = True
        dialog.cancel_button.click()

    QTimer.singleShot(50, answer)
    args = types.SimpleNamespace(db=None, passphrase_file=None, demo=False, unencrypted=False,
                                 no_crash_dialog=True)
    assert run_app(args) == 0
    assert seen == {"dialog": True}
    assert not default_database_path().exists()
