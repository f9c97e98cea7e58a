"""A broken knowledge file never leaves a dead window (issue 13): the app runs on the
bundled knowledge base and names the file, entry and field that is wrong."""

from __future__ import annotations

from mesodesk.domain import knowledge
from mesodesk.paths import overlay_knowledge_dir
from tests.gui.conftest import TIMEOUT, screenshot, settle


def test_an_invalid_overlay_file_names_itself_and_the_app_runs_on(qtbot, open_window, db_path,
                                                                  monkeypatch):
    overlay = overlay_knowledge_dir()
    overlay.mkdir(parents=True, exist_ok=True)
    (overlay / "substances.toml").write_text("[[substance]]\nid = 'clinic-peptide'\n",
                                             encoding="utf-8")
    monkeypatch.setattr(knowledge, "_default", None)  # loaded afresh, with the overlay
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.usable, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.new_consultation_action.isEnabled() and window.new_patient_action.isEnabled()
    assert window.status_parts.knowledge_label.isVisible()
    text = window.problem_banner.text()
    assert "bundled knowledge base" in text and "substances.toml" in text
    assert "clinic-peptide" in text
    assert "caffeine" in window.session.kb.substances  # the bundled base is in use
    screenshot(window, "main-window-broken-knowledge")
    monkeypatch.setattr(knowledge, "_default", None)
