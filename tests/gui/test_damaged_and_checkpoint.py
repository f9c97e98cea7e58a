"""The window with a damaged record (the other patients show; the damaged one is marked
and cannot be opened), and quitting, which ends the session with a signed checkpoint."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import text

from mesodesk.domain.records import NewPatient
from mesodesk.store import checkpoints, open_database

from .conftest import TIMEOUT, screenshot, settle


def test_a_damaged_patient_is_marked_and_the_others_show(qtbot, open_window, db_path):
    db = open_database(str(db_path))
    db.patients.create_many([NewPatient(name=name, date_of_birth=dt.date(1980, 5, 1))
                             for name in ("Άννα Αλεξίου", "Βασίλης Βλάχος", "Γιώργος Γεωργίου")])
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE patients SET date_of_birth = '1980-02-31' WHERE id = 2"))
    db.close()

    window = open_window(db_path)
    model = window.model
    assert model.rowCount() == 3
    assert [model.index(row, model.NAME).data() for row in range(3)] == [
        "Άννα Αλεξίου", "Βασίλης Βλάχος", "Γιώργος Γεωργίου"]
    assert model.index(0, model.BORN).data() == "1980-05-01"
    assert model.index(1, model.BORN).data() == "damaged"
    assert not model.index(1, model.NAME).data(Qt.ItemDataRole.DecorationRole).isNull()
    assert "date_of_birth cannot be read" in model.index(1, model.NAME).data(
        Qt.ItemDataRole.ToolTipRole)
    assert not model.flags(model.index(1, model.NAME)) & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(model.index(0, model.NAME)) & Qt.ItemFlag.ItemIsSelectable
    screenshot(window.patient_list, "patient-list-damaged-record")


def test_quitting_ends_the_session_with_a_signed_checkpoint(qtbot, open_window, db_path):
    window = open_window(db_path)
    db = window.session.db
    location = db.location
    window.session.db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1988, 4, 12)))
    settle(qtbot, window)
    assert checkpoints.load(location) is None  # written when the session ends, not before
    window.close()
    qtbot.waitUntil(lambda: checkpoints.load(location) is not None, timeout=TIMEOUT)
    saved = checkpoints.load(location)
    assert saved.events == 2 and saved.signature is not None and not saved.unconfirmed
