"""A signed consultation is corrected by a new version, with the reason asked for and kept
in the audit trail (the same service as every other front end)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from mesodesk.services import consultations, documents, records
from tests.conftest import EXAMPLES
from tests.gui.conftest import TIMEOUT, settle
from tests.services.test_consultations import SIGNATURES
from tests.store.helpers import example_document


def signed_consultation(db_path, kb):
    db = records.open_records(str(db_path))
    try:
        doc = example_document("format-example.json", kb, signatures=SIGNATURES,
                               photo_consent=True)
        imported = documents.import_file(db, kb, EXAMPLES / "format-example.json")
        return consultations.finalize_signed(db, kb, None, imported.patient.id, doc,
                                             imported.record.id).record
    finally:
        db.close()


def select_only_consultation(qtbot, window):
    window.search.setText("ελενη")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.history_model.rowCount() >= 1, timeout=TIMEOUT)
    settle(qtbot, window)
    window.history.selectRow(0)


def test_a_correction_without_a_reason_makes_nothing(qtbot, open_window, db_path, kb,
                                                     monkeypatch):
    final = signed_consultation(db_path, kb)
    window = open_window(db_path)
    select_only_consultation(qtbot, window)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *args, **kwargs: ("  ", True))
    window.main_actions.new_version()
    settle(qtbot, window)
    assert "say why" in window.statusBar().currentMessage()
    assert window.session.db.consultations.get(final.id).superseded_by is None


def test_a_correction_keeps_its_reason(qtbot, open_window, db_path, kb, monkeypatch):
    final = signed_consultation(db_path, kb)
    window = open_window(db_path)
    select_only_consultation(qtbot, window)
    reason = "Wrong area: <b>thighs</b> & not abdomen — Ελληνικά 🙂"
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *args, **kwargs: (reason, True))
    window.main_actions.new_version()
    qtbot.waitUntil(lambda: window.wizard is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    db = window.session.db
    newer = db.consultations.get(final.id).superseded_by
    assert newer is not None and db.consultations.get(newer).status == "draft"
    event = next(e for e in db.audit.events(table="consultations") if e.action == "new-version")
    assert event.details["reason"] == reason
    assert db.consultations.get(final.id).document.photo_consent is True
    assert db.consultations.get(newer).document.photo_consent is False  # asked again
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 2, timeout=TIMEOUT)
    rows = {window.history_model.record(r).id: r for r in range(2)}
    status = window.history_model.index(rows[newer], window.history_model.STATUS)
    assert f"corrects the version of {final.date.isoformat()}" in status.data()
    original = window.history_model.index(rows[final.id], window.history_model.STATUS)
    assert "corrected by a newer version" in original.data()
    window.wizard.close()


def test_a_workflow_error_is_a_message_not_a_crash(qtbot, open_window, db_path, monkeypatch):
    from mesodesk.services import ServiceError
    from mesodesk.ui.workers import Runner

    window = open_window(db_path)
    crashes = []
    monkeypatch.setattr(Runner, "default_error_handler", crashes.append)
    window.report_error(ServiceError("clinic.db is locked by another program; try again"))
    assert crashes == []
    assert window.problem_banner.isVisible()
    assert "locked by another program" in window.problem_banner.text()


def test_a_plan_leaving_the_app_is_audited_and_not_without_it(qtbot, open_window, db_path, kb,
                                                                tmp_path, monkeypatch):
    final = signed_consultation(db_path, kb)
    window = open_window(db_path)
    select_only_consultation(qtbot, window)
    window.open_selected_consultation()
    qtbot.waitUntil(lambda: len(window.previews) == 1, timeout=TIMEOUT)
    pane = window.previews[0].pane
    saved = tmp_path / "plan.pdf"
    assert pane.save_to(saved)
    qtbot.waitUntil(lambda: "Saved to" in pane.message.text(), timeout=TIMEOUT)
    db = window.session.db
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.record_id, event.details["to"]) == (
        "save-pdf", final.id, str(saved.absolute()))

    from mesodesk.store.base import DiskFull

    def full(*args, **kwargs):
        raise DiskFull("the disk is full")

    monkeypatch.setattr(db.audit, "note", full)
    refused = tmp_path / "refused.pdf"
    pane.save_to(refused)
    qtbot.waitUntil(lambda: "was not saved" in pane.message.text(), timeout=TIMEOUT)
    assert not refused.exists()  # not recorded: not disclosed
    window.previews[0].close()
