"""The status bar never keeps a stale message: a failed backup does not leave "Backing up…"."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from tests.gui.conftest import TIMEOUT, settle


def test_a_failed_backup_clears_backing_up(qtbot, open_window, db_path, tmp_path, monkeypatch):
    window = open_window(db_path)
    settle(qtbot, window)
    target = tmp_path / "no such folder" / "backup.db"
    # The file dialog is the one thing a test cannot click: answer it with the path.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.main_actions.records.backup_database()
    qtbot.waitUntil(window.problem_banner.isVisible, timeout=TIMEOUT)
    assert window.statusBar().currentMessage() == ""
    assert "Backing up" not in window.statusBar().currentMessage()
