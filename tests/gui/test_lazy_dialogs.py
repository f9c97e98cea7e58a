"""The dialogs load on first use (mesodesk/ui/lazy.py), not before the window's first paint."""

from __future__ import annotations

import sys
import textwrap

import pytest

from mesodesk.ui.lazy import lazy_module


def test_a_lazy_module_runs_its_code_when_a_name_is_first_used(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "lazy_probe.py").write_text(textwrap.dedent(f"""
        from pathlib import Path
        Path({str(marker)!r}).write_text("ran")
        ANSWER = 42
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lazy_probe", raising=False)
    module = lazy_module("lazy_probe")
    assert not marker.exists()
    assert module.ANSWER == 42 and marker.exists()
    assert lazy_module("lazy_probe") is module  # once


def test_an_unknown_module_is_named() -> None:
    with pytest.raises(ModuleNotFoundError, match="mesodesk.ui.no_such_dialog"):
        lazy_module("mesodesk.ui.no_such_dialog")


def test_the_settings_help_and_patient_dialogs_open_from_the_menus(qtbot, open_window) -> None:
    window = open_window()
    window.main_actions.open_settings()
    qtbot.waitUntil(lambda: window.main_actions.settings_dialog is not None
                    and window.main_actions.settings_dialog.isVisible())
    window.main_actions.settings_dialog.reject()
    window.main_actions.show_help()
    assert window.main_actions.help_dialog.isVisible()
    window.main_actions.help_dialog.close()
    window.main_actions.new_patient()
    assert window.main_actions.patient_dialog.isVisible()
    window.main_actions.patient_dialog.reject()
