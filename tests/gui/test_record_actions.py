"""Patients kept clean and records brought back, in the app: "Merge into…" shows both
records and merges into the one picked; "Delete patient…" deletes a record made by
mistake and says why one with consultations is kept; "Restore from backup…" shows what
the backup holds before anything is replaced."""

from __future__ import annotations

import datetime as dt

from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.paths import user_config_dir
from mesodesk.services import patients, records
from mesodesk.services.installation import FILE_NAME
from tests.conftest import example
from tests.gui.conftest import TIMEOUT, screenshot, settle


def fill(db_path, kb, *, signed: bool = True) -> dict[str, int]:
    """Two records of one person; the second has a finalized consultation."""
    from mesodesk.domain.document import parse_consultation

    db = records.open_records(str(db_path))
    try:
        kept = patients.create_patient(db, NewPatient(
            name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12), notes="<b>&"))
        second = patients.create_patient(db, NewPatient(
            name="ελενη παπαδοπουλου", date_of_birth=dt.date(1988, 4, 12), sex="female",
            phone="+30 210 000 0000", email="eleni@example.org"))
        doc = parse_consultation(example("format-example.json"), kb)
        draft = db.consultations.save_draft(second.id, doc)
        final = db.consultations.finalize(draft.id, doc) if signed else draft
        db.settings.save(ClinicSettings(name="Κλινική Αθηνών"))
        return {"kept": kept.id, "second": second.id, "consultation": final.id}
    finally:
        db.close()


def select_patient(qtbot, window, patient_id: int) -> None:
    window.show_patient(window.session.db.patients.get(patient_id))
    settle(qtbot, window)


def test_merge_into_shows_both_records_and_merges(qtbot, open_window, db_path, kb):
    ids = fill(db_path, kb)
    window = open_window(db_path)
    select_patient(qtbot, window, ids["second"])
    actions = window.main_actions.records
    assert actions.merge_action.isEnabled()
    actions.merge_action.trigger()
    dialog = actions.merge_dialog
    qtbot.waitUntil(lambda: dialog.kept is not None and dialog.kept.id == ids["kept"],
                    timeout=TIMEOUT)  # the same person is offered first
    qtbot.waitUntil(lambda: "1 consultation moves" in dialog.moving.text(), timeout=TIMEOUT)
    assert dialog.choices["phone"].button(1).isChecked()  # the richer value
    assert dialog.choices["name"].button(2).isChecked()
    assert dialog.keep_notes[1].text() == "<b>&&"  # shown as "<b>&": text, not markup
    screenshot(dialog, "merge-dialog")
    dialog.choices["name"].button(1).setChecked(True)  # the practitioner's choice
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: window.current_patient is not None
                    and window.current_patient.id == ids["kept"]
                    and window.current_patient.name == "ελενη παπαδοπουλου", timeout=TIMEOUT)
    settle(qtbot, window)
    db = window.session.db
    assert db.consultations.get(ids["consultation"]).patient_id == ids["kept"]
    assert db.patients.count() == 1 and db.audit.verify().ok
    assert window.current_patient.phone == "+30 210 000 0000"
    assert window.history_model.rowCount() == 1


def test_the_merge_dialog_finds_another_record_by_search(qtbot, open_window, db_path, kb):
    ids = fill(db_path, kb)
    db = records.open_records(str(db_path))
    other = patients.create_patient(db, NewPatient(name="José Núñez",
                                                   date_of_birth=dt.date(1975, 6, 30))).id
    db.close()
    window = open_window(db_path)
    select_patient(qtbot, window, ids["second"])
    window.main_actions.records.merge_patient()
    dialog = window.main_actions.records.merge_dialog
    dialog.search.setText("nunez")
    qtbot.waitUntil(lambda: dialog.kept is not None and dialog.kept.id == other,
                    timeout=TIMEOUT)
    dialog.reject()
    settle(qtbot, window)
    assert window.session.db.patients.count() == 3  # cancelled: nothing merged


def test_delete_patient_deletes_a_record_with_no_consultation(qtbot, open_window, db_path, kb):
    ids = fill(db_path, kb)
    window = open_window(db_path)
    select_patient(qtbot, window, ids["kept"])
    actions = window.main_actions.records
    actions.delete_action.trigger()
    qtbot.waitUntil(lambda: actions.box is not None and actions.box.isVisible(), timeout=TIMEOUT)
    assert "Delete the record of Ελένη Παπαδοπούλου, born 1988-04-12" in actions.box.text()
    actions.box.delete_button.click()
    qtbot.waitUntil(lambda: window.session.db.patients.count() == 1, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.current_patient is None


def test_delete_patient_keeps_one_with_consultations_and_says_why(qtbot, open_window, db_path,
                                                                  kb):
    ids = fill(db_path, kb)
    window = open_window(db_path)
    select_patient(qtbot, window, ids["second"])
    actions = window.main_actions.records
    actions.delete_action.trigger()
    qtbot.waitUntil(lambda: actions.box is not None and actions.box.isVisible(), timeout=TIMEOUT)
    assert "has 1 consultation; clinical records are kept for 10 years" in actions.box.text()
    assert "cannot be erased before 26 November 2036 has passed" in actions.box.text()
    assert "merge it into the other one" in actions.box.text()
    assert "not confirmed yet" in actions.box.text()
    actions.box.close()
    assert window.session.db.patients.count() == 2


def backup_of(db_path, tmp_path):
    db = records.open_records(str(db_path))
    try:
        return records.backup(db, tmp_path / "backup.db").path
    finally:
        db.close()


def test_restore_shows_what_the_backup_holds_then_replaces(qtbot, open_window, db_path, kb,
                                                           tmp_path):
    ids = fill(db_path, kb)
    backup = backup_of(db_path, tmp_path)
    (user_config_dir() / FILE_NAME).unlink()  # the backup now comes from another installation
    window = open_window(db_path)
    db = window.session.db
    db.patients.create(NewPatient(name="After The Backup", date_of_birth=dt.date(2000, 1, 1)))
    actions = window.main_actions.records
    assert actions.restore_action.isEnabled()
    actions.restore_from(backup)
    qtbot.waitUntil(lambda: actions.question is not None and actions.question.isVisible(),
                    timeout=TIMEOUT)
    question = actions.question
    details = question.summary.text()
    for expected in ("Clinic: Κλινική Αθηνών", "Patients: 2, consultations: 1",
                     "Made by: ANOTHER installation", "chain head ", "Backed up: "):
        assert expected in details
    assert "made by another installation" in question.message.text() and question.elsewhere
    screenshot(question, "restore-confirmation")
    question.replace_button.click()
    qtbot.waitUntil(lambda: db.patients.count() == 2, timeout=TIMEOUT)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT)
    assert window.session.settings.name == "Κλινική Αθηνών"
    assert db.patients.get(ids["kept"]).name == "Ελένη Παπαδοπούλου"
    assert db.audit.events(limit=1)[0].action == "restore-backup"


def test_restore_cancelled_changes_nothing(qtbot, open_window, db_path, kb, tmp_path):
    fill(db_path, kb)
    backup = backup_of(db_path, tmp_path)
    window = open_window(db_path)
    db = window.session.db
    db.patients.create(NewPatient(name="After The Backup", date_of_birth=dt.date(2000, 1, 1)))
    actions = window.main_actions.records
    actions.restore_from(backup)
    qtbot.waitUntil(lambda: actions.question is not None and actions.question.isVisible(),
                    timeout=TIMEOUT)
    assert "Made by: this installation" in actions.question.summary.text()
    assert not actions.question.elsewhere and actions.question.cancel_button.isDefault()
    actions.question.cancel_button.click()
    settle(qtbot, window)
    assert db.patients.count() == 3
    assert list(db_path.parent.glob("*before-restore*")) == []
