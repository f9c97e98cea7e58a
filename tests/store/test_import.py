"""``import_document``: the one import path of ``mesodesk import`` and the GUI."""

from __future__ import annotations

import base64

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import InvalidRecord, import_document
from tests.store.helpers import MINIMAL_PDF

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode("ascii")
SIGNATURES = {"patient": PNG, "practitioner": PNG, "signed_at": "2026-11-26T10:30:00"}


def test_a_new_patient_and_a_draft_in_one_transaction(db, doc) -> None:
    result = import_document(db, doc, actor="importer")
    assert result.added and result.new_patient
    assert result.record.status == "draft" and result.record.patient_id == result.patient.id
    assert result.record.document.to_dict() == doc.to_dict()
    assert result.patient.name == doc.patient.name
    assert [(e.action, e.table) for e in reversed(db.audit.events(limit=3))] == [
        ("create", "patients"), ("create", "practitioners"), ("import", "consultations")]
    assert db.audit.verify().ok


def test_an_existing_patient_is_matched_by_name_and_date_of_birth(db, doc) -> None:
    stored = db.patients.create(NewPatient(name=doc.patient.name.upper(),
                                           date_of_birth=doc.patient.date_of_birth))
    result = import_document(db, doc)
    assert result.added and not result.new_patient and result.patient.id == stored.id
    assert db.patients.count() == 1


def test_the_same_document_twice_adds_nothing(db, doc) -> None:
    first = import_document(db, doc)
    again = import_document(db, doc)
    assert not again.added and again.record.id == first.record.id
    assert not again.new_patient
    assert len(db.consultations.for_patient(first.patient.id)) == 1
    # a changed document is a new draft of the same patient
    other = import_document(db, doc.with_changes(notes="Second visit."))
    assert other.added and other.patient.id == first.patient.id
    assert len(db.consultations.for_patient(first.patient.id)) == 2


def test_signatures_are_not_carried_into_the_draft(db, doc) -> None:
    signed = doc.with_changes(signatures=SIGNATURES)
    result = import_document(db, signed)
    assert result.added
    stored = result.record.document
    assert stored.signatures is None and "signatures" not in stored.to_dict()
    assert stored.fingerprint() == doc.fingerprint()
    event = db.audit.events(limit=1)[0]
    assert event.action == "import" and event.details["signatures"] == "not carried over"
    # the signed file again, or the unsigned one, is the same consultation
    assert not import_document(db, signed).added
    assert not import_document(db, doc).added


def test_an_exported_signed_consultation_imported_again_adds_nothing(db, patient, doc) -> None:
    signed = doc.with_changes(signatures=SIGNATURES)
    draft = db.consultations.save_draft(patient.id, signed)
    final, _consent = db.consultations.finalize_with_consent(
        draft.id, signed, MINIMAL_PDF, signed.fingerprint(), signed.signatures.signed_at)
    result = import_document(db, final.document)
    assert not result.added and result.record.id == final.id and result.record.status == "final"


def test_an_invalid_patient_is_refused_and_nothing_is_stored(db, doc) -> None:
    future = doc.model_copy(update={"patient": doc.patient.model_copy(
        update={"date_of_birth": doc.date.replace(year=doc.date.year + 5)})})
    with pytest.raises(InvalidRecord, match="date_of_birth"):
        import_document(db, future)
    assert db.patients.count() == 0
