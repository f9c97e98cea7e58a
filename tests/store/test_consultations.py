"""Consultations: drafts, finalizing, not-treated, new versions, on every backend."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.store.helpers import example_document
from mesodesk.domain.records import ConsultationRecord, NewPatient
from mesodesk.store import ImmutableRecord, InvalidRecord, NotFound


def test_save_draft_stores_the_document_exactly(db, patient, doc) -> None:
    record = db.consultations.save_draft(patient.id, doc)
    assert isinstance(record, ConsultationRecord)
    assert record.status == "draft" and record.patient_id == patient.id
    assert record.date == doc.date and record.concerns == ("cellulite", "localized-fat")
    assert record.document == doc
    assert record.document.to_dict() == doc.to_dict()  # the fields given, no more, no less
    assert record.document.fingerprint() == doc.fingerprint()
    assert db.consultations.get(record.id) == record
    assert record.supersedes is None and record.superseded_by is None
    assert not record.has_signed_consent and record.finalized_at is None


def test_saving_a_draft_again_replaces_its_document(db, patient, doc) -> None:
    first = db.consultations.save_draft(patient.id, doc)
    edited = doc.with_changes(notes="Changed her mind about the abdomen.", areas=["thighs"])
    second = db.consultations.save_draft(patient.id, edited, first.id)
    assert second.id == first.id
    assert second.document == edited
    assert db.consultations.get(first.id).document.notes == "Changed her mind about the abdomen."
    assert second.created_at == first.created_at


def test_saving_an_unchanged_draft_writes_nothing(db, patient, doc) -> None:
    first = db.consultations.save_draft(patient.id, doc)
    events = len(db.audit.events(limit=1000))
    assert db.consultations.save_draft(patient.id, doc, first.id) == first
    assert len(db.audit.events(limit=1000)) == events


def test_a_draft_belongs_to_one_patient(db, patient, doc) -> None:
    other = db.patients.create(NewPatient(name="Other", date_of_birth=dt.date(1990, 1, 1)))
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(InvalidRecord, match=f"belongs to patient {patient.id}"):
        db.consultations.save_draft(other.id, doc, draft.id)
    with pytest.raises(NotFound, match="no patient 999"):
        db.consultations.save_draft(999, doc)
    with pytest.raises(NotFound, match="no consultation 999"):
        db.consultations.save_draft(patient.id, doc, 999)


def test_the_practitioner_named_in_the_document_is_recorded_once(db, patient, doc) -> None:
    db.consultations.save_draft(patient.id, doc)
    db.consultations.save_draft(patient.id, doc.with_changes(notes="second"))
    practitioners = db.practitioners.list()
    assert [(p.name, p.registration) for p in practitioners] == [("Dr Maria Ioannou", "12345")]


def test_finalize_makes_the_consultation_immutable(db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    final = db.consultations.finalize(draft.id, doc.with_changes(notes="Final notes."))
    assert final.status == "final" and final.finalized_at is not None
    assert final.document.notes == "Final notes."
    with pytest.raises(ImmutableRecord, match=f"consultation {draft.id} is finalized"):
        db.consultations.save_draft(patient.id, doc, draft.id)
    with pytest.raises(ImmutableRecord):
        db.consultations.finalize(draft.id, doc)
    with pytest.raises(ImmutableRecord):
        db.consultations.mark_not_treated(draft.id, doc)
    with pytest.raises(ImmutableRecord, match="cannot be deleted"):
        db.consultations.delete_draft(draft.id)
    assert db.consultations.get(draft.id) == final


def test_a_finalized_consultation_cannot_be_changed_by_raw_sql(backend, db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    final = db.consultations.finalize(draft.id, doc)
    with pytest.raises(Exception, match="finalized consultation cannot be changed"):
        backend.execute("UPDATE consultations SET document = '{}' WHERE id = ?", (draft.id,))
    with pytest.raises(Exception, match="finalized consultation cannot be changed"):
        backend.execute("UPDATE consultations SET status = 'draft' WHERE id = ?", (draft.id,))
    with pytest.raises(Exception, match="finalized consultation cannot be deleted"):
        backend.execute("DELETE FROM consultations WHERE id = ?", (draft.id,))
    assert db.consultations.get(draft.id) == final


def test_a_consultation_recorded_as_not_treated_never_changes(db, kb) -> None:
    blocked = example_document("pregnant.json", kb)
    patient = db.patients.find_or_create(blocked.patient)
    draft = db.consultations.save_draft(patient.id, blocked)
    closed = db.consultations.mark_not_treated(draft.id, blocked)
    assert closed.status == "not-treated" and closed.finalized_at is not None
    with pytest.raises(ImmutableRecord, match="recorded as not treated"):
        db.consultations.save_draft(patient.id, blocked, draft.id)


def test_a_new_version_supersedes_a_final_one(db, patient, kb) -> None:
    signed = example_document("format-example.json", kb, signatures={
        "patient": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        "signed_at": "2026-11-26T10:00:00"})
    draft = db.consultations.save_draft(patient.id, signed)
    final = db.consultations.finalize(draft.id, signed)
    version = db.consultations.new_version(final.id)
    assert version.status == "draft" and version.supersedes == final.id
    assert version.patient_id == patient.id
    assert version.document.signatures is None  # a signature belongs to the version signed
    assert version.document.with_changes(signatures=signed.signatures.model_dump(mode="json")) == signed
    assert db.consultations.get(final.id).superseded_by == version.id
    assert db.consultations.get(final.id).document == signed  # the old version is untouched
    with pytest.raises(ImmutableRecord, match=f"already has a newer version, consultation {version.id}"):
        db.consultations.new_version(final.id)
    with pytest.raises(InvalidRecord, match="is a draft"):
        db.consultations.new_version(version.id)
    # Abandoning the new draft frees the old version for another.
    db.consultations.delete_draft(version.id)
    again = db.consultations.new_version(final.id)
    assert again.supersedes == final.id and again.id != version.id


def test_for_patient_lists_newest_first(db, patient, doc) -> None:
    other = db.patients.create(NewPatient(name="Other", date_of_birth=dt.date(1990, 1, 1)))
    older = db.consultations.save_draft(patient.id, doc.with_changes(date="2025-01-10"))
    newest = db.consultations.save_draft(patient.id, doc.with_changes(date="2026-03-01"))
    same_day_later = db.consultations.save_draft(patient.id, doc.with_changes(date="2026-03-01",
                                                                              notes="later"))
    db.consultations.save_draft(other.id, doc)
    listed = db.consultations.for_patient(patient.id)
    assert [c.id for c in listed] == [same_day_later.id, newest.id, older.id]
    assert db.consultations.for_patient(other.id)[0].patient_id == other.id
    with pytest.raises(NotFound):
        db.consultations.for_patient(999)


def test_latest_draft_is_the_one_saved_last(db, patient, doc) -> None:
    assert db.consultations.latest_draft() is None
    first = db.consultations.save_draft(patient.id, doc)
    second = db.consultations.save_draft(patient.id, doc.with_changes(notes="second"))
    assert db.consultations.latest_draft().id == second.id
    db.consultations.save_draft(patient.id, doc.with_changes(notes="edited first"), first.id)
    assert db.consultations.latest_draft().id == first.id
    db.consultations.finalize(first.id, doc)
    assert db.consultations.latest_draft().id == second.id


def test_delete_draft(db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    db.consultations.delete_draft(draft.id)
    with pytest.raises(NotFound):
        db.consultations.get(draft.id)
    with pytest.raises(NotFound):
        db.consultations.delete_draft(draft.id)
    # ids are never reused, so the audit trail's record ids stay unambiguous
    assert db.consultations.save_draft(patient.id, doc).id > draft.id


def test_for_patient_with_a_thousand_consultations(db, patient, doc) -> None:
    ids = [db.consultations.save_draft(patient.id, doc.with_changes(notes=f"visit {i}")).id
           for i in range(1000)]
    listed = db.consultations.for_patient(patient.id)
    assert len(listed) == 1000
    assert [c.id for c in listed] == sorted(ids, reverse=True)  # same date: newest first
    assert listed[0].document.notes == "visit 999"
