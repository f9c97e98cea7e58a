"""Never the wrong patient (issue 13): the detail pane follows the list's current row, and
every action acts on the patient it shows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from mesodesk.domain.records import NewPatient
from mesodesk.services import patients, records
from tests.gui.conftest import TIMEOUT, settle


def clinic(db_path) -> None:
    db = records.open_records(str(db_path))
    try:
        for name, born in (("Anna Kowalska", dt.date(1992, 2, 14)),
                           ("Ελένη Παπαδοπούλου", dt.date(1988, 4, 12))):
            patients.create_patient(db, NewPatient(name=name, date_of_birth=born))
    finally:
        db.close()


def select(qtbot, window, name: str) -> None:
    row = next(r for r in range(window.model.rowCount()) if window.model.patient(r).name == name)
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: window.current_patient is not None
                    and window.current_patient.name == name, timeout=TIMEOUT)


def test_a_patient_filtered_away_leaves_the_detail_pane(qtbot, open_window, db_path):
    clinic(db_path)
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT)
    select(qtbot, window, "Anna Kowalska")
    window.search.setText("ελενη")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.current_patient is None  # Anna is no longer in the list: not shown
    assert window.detail.currentIndex() == 0
    assert not window.edit_patient_action.isEnabled()
    wizard = window.new_consultation()  # Ctrl+N: a new patient's consultation, not Anna's
    assert wizard is not None and wizard.state.patient_id is None
    wizard.close()


def test_the_patient_still_listed_stays_shown(qtbot, open_window, db_path):
    clinic(db_path)
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT)
    select(qtbot, window, "Ελένη Παπαδοπούλου")
    window.search.setText("ΕΛΕΝΗ")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.current_patient.name == "Ελένη Παπαδοπούλου"
    assert window.table.currentIndex().row() == 0


def test_enter_opens_the_patient_and_the_menu_acts_on_its_row(qtbot, open_window, db_path):
    clinic(db_path)
    window = open_window(db_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=TIMEOUT)
    settle(qtbot, window)
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(1, 0))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_patient is not None, timeout=TIMEOUT)
    assert window.current_patient.name == window.model.patient(1).name
    assert window.history.hasFocus() or window.focusWidget() is window.history

    rect = window.table.visualRect(window.model.index(0, 0))
    window.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: window.current_patient.name == window.model.patient(0).name,
                    timeout=TIMEOUT)
    menu = window.main_actions.patient_menu
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert window.new_consultation_action.text() in texts
    assert window.edit_patient_action.text() in texts
    menu.close()
