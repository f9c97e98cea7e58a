"""Patients kept clean (issue 13): registering a patient whose name (case and accents
aside) and date of birth match a registered one asks first, and offers to open them."""

from __future__ import annotations

import datetime as dt

from mesodesk.domain.records import NewPatient
from mesodesk.services import patients, records
from tests.gui.conftest import TIMEOUT, screenshot, settle


def registered(db_path) -> int:
    db = records.open_records(str(db_path))
    try:
        return patients.create_patient(db, NewPatient(
            name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12))).id
    finally:
        db.close()


def type_new_patient(qtbot, window, name: str, born: str):
    window.main_actions.new_patient()
    dialog = window.main_actions.patient_dialog
    dialog.form.name.setText(name)
    dialog.form.born.edit.setText(born)
    dialog.accept()
    qtbot.waitUntil(lambda: getattr(window.main_actions, "duplicate_box", None) is not None
                    or window.model.rowCount() == 2, timeout=TIMEOUT)
    return getattr(window.main_actions, "duplicate_box", None)


def test_the_same_person_typed_again_is_offered_the_registered_record(qtbot, open_window,
                                                                     db_path):
    existing = registered(db_path)
    window = open_window(db_path)
    box = type_new_patient(qtbot, window, "ελενη ΠΑΠΑΔΟΠΟΥΛΟΥ", "1988-04-12")
    assert box is not None and "registered already" in box.text()
    screenshot(box, "duplicate-warning")
    box.open_button.click()
    qtbot.waitUntil(lambda: window.current_patient is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.current_patient.id == existing
    assert window.session.db.patients.count() == 1  # no second record


def test_registering_anyway_makes_a_second_record(qtbot, open_window, db_path):
    registered(db_path)
    window = open_window(db_path)
    box = type_new_patient(qtbot, window, "Ελένη Παπαδοπούλου", "1988-04-12")
    box.new_button.click()
    qtbot.waitUntil(lambda: window.session.db.patients.count() == 2, timeout=TIMEOUT)


def test_another_person_is_registered_without_a_question(qtbot, open_window, db_path):
    registered(db_path)
    window = open_window(db_path)
    assert type_new_patient(qtbot, window, "Ελένη Παπαδοπούλου", "1990-01-01") is None
    qtbot.waitUntil(lambda: window.session.db.patients.count() == 2, timeout=TIMEOUT)
