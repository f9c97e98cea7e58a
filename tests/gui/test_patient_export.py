"""The patient's data on request in the app: "Export patient's data…" writes the ZIP off
the GUI thread and says where; "Delete patient…" says until when the records are kept; the
retention period is set in Settings, with a note while the clinic has not confirmed it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile

from mesodesk.services import records
from tests.gui.conftest import TIMEOUT, screenshot, settle
from tests.services.export_records import fill_patient


def filled(db_path, kb, **changes) -> dict:
    db = records.open_records(str(db_path))
    try:
        ids = fill_patient(db, kb)
        if changes:
            db.settings.save(dataclasses.replace(db.settings.get(), **changes))
        return ids
    finally:
        db.close()


def select_patient(qtbot, window, patient_id: int) -> None:
    window.show_patient(window.session.db.patients.get(patient_id))
    settle(qtbot, window)


def test_export_patients_data_writes_the_zip_and_says_where(qtbot, open_window, db_path, kb,
                                                           tmp_path):
    ids = filled(db_path, kb)
    window = open_window(db_path)
    actions = window.main_actions.records
    assert not actions.export_action.isEnabled()  # no patient chosen yet
    select_patient(qtbot, window, ids["patient"])
    assert actions.export_action.isEnabled()
    assert actions.export_action in actions.patient_actions
    window.main_actions.show_patient_menu(window.mapToGlobal(window.rect().center()))
    menu = window.main_actions.patient_menu
    qtbot.waitUntil(menu.isVisible, timeout=TIMEOUT)
    assert actions.export_action in menu.actions()
    screenshot(menu, "patient-menu-export")
    menu.close()
    actions.export_to(window.current_patient, tmp_path / "Ελένη export")  # ".zip" is added
    out = tmp_path / "Ελένη export.zip"
    qtbot.waitUntil(lambda: "was exported to" in window.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    assert str(out) in window.statusBar().currentMessage()
    with zipfile.ZipFile(out) as archive:
        assert f"signed/{ids['signed']}.pdf" in archive.namelist()
    event = window.session.db.audit.events(limit=1)[0]
    assert (event.action, event.record_id) == ("patient.export", ids["patient"])


def test_export_to_an_unwritable_place_is_a_message(qtbot, open_window, db_path, kb, tmp_path):
    ids = filled(db_path, kb)
    window = open_window(db_path)
    select_patient(qtbot, window, ids["patient"])
    window.main_actions.records.export_to(window.current_patient,
                                          tmp_path / "missing" / "x.zip")
    qtbot.waitUntil(lambda: window.problem_banner.isVisible(), timeout=TIMEOUT)
    assert "does not exist" in window.problem_banner.text()


def test_delete_says_until_when_the_records_are_kept(qtbot, open_window, db_path, kb):
    ids = filled(db_path, kb, retention_years=20, retention_confirmed=True)
    window = open_window(db_path)
    select_patient(qtbot, window, ids["patient"])
    actions = window.main_actions.records
    actions.delete_action.trigger()
    qtbot.waitUntil(lambda: actions.box is not None and actions.box.isVisible(), timeout=TIMEOUT)
    text = actions.box.text()
    # the draft of 1 December 2026 is the last record
    assert "clinical records are kept for 20 years after the last one (1 December 2026)" in text
    assert "cannot be erased before 1 December 2046 has passed" in text
    assert "not confirmed" not in text
    screenshot(actions.box, "delete-patient-retention")
    actions.box.close()
    assert window.session.db.patients.get(ids["patient"]).id == ids["patient"]


def test_settings_show_the_retention_period_and_whether_it_is_confirmed(qtbot, open_window,
                                                                       db_path):
    window = open_window(db_path)
    window.settings_action.trigger()
    dialog = window.main_actions.settings_dialog
    assert dialog.retention.value() == 10
    assert not dialog.retention_confirmed.isChecked()
    assert dialog.retention_note.isVisible()
    assert "Not confirmed: 10 years after the last record" in dialog.retention_note.text()
    screenshot(dialog, "settings-retention-not-confirmed")
    dialog.retention.setValue(20)
    dialog.retention_confirmed.setChecked(True)
    assert not dialog.retention_note.isVisible()
    dialog.accept()
    settle(qtbot, window)
    saved = window.session.db.settings.get()
    assert (saved.retention_years, saved.retention_confirmed) == (20, True)
    window.settings_action.trigger()
    dialog = window.main_actions.settings_dialog
    assert dialog.retention.value() == 20 and not dialog.retention_note.isVisible()
    dialog.reject()


def test_delete_after_the_period_asks_then_erases(qtbot, open_window, db_path, kb):
    from mesodesk.domain.records import NewPatient
    from mesodesk.services import consultations
    from tests.services.export_records import SIGNATURES
    from tests.store.helpers import example_document

    db = records.open_records(str(db_path))
    try:  # a patient last seen in 2015: ten years have passed
        patient = db.patients.create(NewPatient(name="Παλαιά Ασθενής",
                                                date_of_birth=dt.date(1960, 5, 1)))
        doc = example_document("format-example.json", kb, date="2015-03-10",
                               signatures={**SIGNATURES, "signed_at": "2015-03-10T10:00:00"},
                               courses=[{"concern": "cellulite", "sessions": 10,
                                         "interval_days": 7, "start_date": "2015-03-10"}])
        consultations.finalize_signed(db, kb, None, patient.id, doc)
    finally:
        db.close()
    window = open_window(db_path)
    select_patient(qtbot, window, patient.id)
    actions = window.main_actions.records
    actions.delete_action.trigger()
    qtbot.waitUntil(lambda: actions.box is not None and actions.box.isVisible(), timeout=TIMEOUT)
    text = actions.box.text()
    assert "every record of theirs" in text and "kept until 10 March 2025" in text
    screenshot(actions.box, "erase-patient-after-retention")
    actions.box.delete_button.click()
    qtbot.waitUntil(lambda: window.session.db.patients.count() == 0, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.current_patient is None
    assert window.session.db.audit.events(limit=1)[0].action == "erase"
    assert "was deleted" in window.statusBar().currentMessage()
