"""Patients: create and update (validated once, errors naming the field), the
duplicates a new patient may be, merging two records of one person, and deleting a
record made by mistake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


def merged_details(kept: PatientRecord, removed: PatientRecord) -> NewPatient:
    """What a merge keeps unless the practitioner chooses otherwise: the kept record's
    details, each empty one filled from the other record, and both records' notes."""
    from mesodesk.domain.records import NewPatient

    notes = [text for text in (kept.notes.strip(), removed.notes.strip()) if text]
    if len(notes) == 2 and notes[0] == notes[1]:
        notes = notes[:1]
    return NewPatient(name=kept.name, date_of_birth=kept.date_of_birth,
                      sex=kept.sex or removed.sex, phone=kept.phone or removed.phone,
                      email=kept.email or removed.email, notes="\n\n".join(notes))


@dataclass(frozen=True)
class MergeResult:
    patient: PatientRecord        # the record kept, with its chosen details
    removed_id: int
    moved: tuple[int, ...]        # the consultations that moved to it


def merge_patients(db: Database, removed_id: int, kept_id: int,
                   details: NewPatient | None = None, actor: str = "") -> MergeResult:
    """Merge the record ``removed_id`` into ``kept_id`` (two records of one person): its
    consultations move, unchanged, signed consents and their PDFs with them; the kept
    record takes ``details`` (by default ``merged_details``); the removed record's audit
    trail ends with the merge."""
    with store_errors():
        if details is None:
            details = merged_details(db.patients.get(kept_id), db.patients.get(removed_id))
        patient, moved = db.patients.merge(removed_id, kept_id, details, actor=actor)
    return MergeResult(patient, removed_id, tuple(moved))


def delete_patient(db: Database, patient_id: int, actor: str = "") -> None:
    """Delete a record with no consultation; one with records is refused while the
    retention period runs, saying how many and until when, and erased with all its records
    after it (``retention.erase_patient``)."""
    from mesodesk.services.retention import erase_patient

    erase_patient(db, patient_id, actor=actor)


def consultation_count(db: Database, patient_id: int) -> int:
    with store_errors():
        return db.patients.consultation_count(patient_id)
