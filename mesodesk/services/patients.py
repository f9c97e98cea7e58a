"""Patients: create and update (validated once, errors naming the field), and the
duplicates a new patient may be."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from mesodesk.services.errors import store_errors

if TYPE_CHECKING:
    from mesodesk.domain.records import NewPatient, PatientRecord
    from mesodesk.store.database import Database


def create_patient(db: Database, new: NewPatient, actor: str = "") -> PatientRecord:
    with store_errors():
        return db.patients.create(new, actor=actor)


def update_patient(db: Database, patient_id: int, new: NewPatient, actor: str = ""
                   ) -> PatientRecord:
    with store_errors():
        return db.patients.update(patient_id, new, actor=actor)


def find_duplicates(db: Database, name: str, date_of_birth: dt.date,
                    exclude: int | None = None) -> list[PatientRecord]:
    """Stored patients who may be the same person: the same name (case, accents and script
    folded) and date of birth. ``exclude`` leaves out the patient being edited."""
    with store_errors():
        found = db.patients.same_person(name, date_of_birth)
    return [patient for patient in found if patient.id != exclude]
