"""Finalizing, not treating and correcting a consultation: screening decides above the store."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.services import Blocked, InvalidInput, consultations
from tests.store.helpers import example_document

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Erk"
       "Jggg==")
SIGNATURES = {"patient": PNG, "practitioner": PNG, "signed_at": "2026-11-26T10:00:00"}


def test_a_blocked_consultation_is_not_finalized_and_stays_a_draft(db, kb, patient) -> None:
    blocked = example_document("pregnant.json", kb, signatures=SIGNATURES)
    draft = consultations.save_draft(db, patient.id, blocked)
    with pytest.raises(Blocked, match="pregnancy") as raised:
        consultations.finalize_signed(db, kb, None, patient.id, blocked, draft.id)
    assert raised.value.exit_code == 3
    assert db.consultations.get(draft.id).status == "draft"
    assert db.consents.for_consultation(draft.id) is None
    closed = consultations.save_not_treated(db, patient.id, blocked, draft.id)
    assert closed.status == "not-treated"


def test_a_document_dated_in_the_future_is_not_finalized(db, kb, patient) -> None:
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    future = doc.with_changes(date=(dt.date.today() + dt.timedelta(days=3)).isoformat())
    with pytest.raises(InvalidInput, match=r"date: .* is in the future"):
        consultations.finalize_signed(db, kb, None, patient.id, future)
    assert db.consultations.for_patient(patient.id) == []


def test_finalizing_keeps_the_signed_pdf_and_a_retry_returns_it(db, kb, patient) -> None:
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    first = consultations.finalize_signed(db, kb, None, patient.id, doc)
    assert first.record.status == "final" and first.pdf.startswith(b"%PDF-")
    assert db.consents.pdf(first.consent.id) == first.pdf
    again = consultations.finalize_signed(db, kb, None, patient.id, doc, first.record.id)
    assert again.consent == first.consent and again.pdf == first.pdf


def test_finishing_without_signatures_names_the_field(db, kb, patient) -> None:
    doc = example_document("format-example.json", kb)
    with pytest.raises(InvalidInput) as raised:
        consultations.finalize_signed(db, kb, None, patient.id, doc)
    assert raised.value.field == "signatures"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_its_reason(db, kb, patient, reason) -> None:
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    final = consultations.finalize_signed(db, kb, None, patient.id, doc).record
    with pytest.raises(InvalidInput) as raised:
        consultations.correct(db, final.id, reason)
    assert raised.value.field == "reason"
    assert db.consultations.get(final.id).superseded_by is None


def test_a_correction_is_a_new_draft_with_its_reason_audited(db, kb, patient) -> None:
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    final = consultations.finalize_signed(db, kb, None, patient.id, doc).record
    reason = "Wrong area <b>&</b> — Ελληνικά 🙂"
    version = consultations.correct(db, final.id, reason, actor="Dr Test")
    assert version.status == "draft" and version.supersedes == final.id
    assert version.document.signatures is None
    event = db.audit.events(table="consultations")[0]
    assert event.action == "new-version" and event.details["reason"] == reason
    with pytest.raises(InvalidInput, match="already has a newer version"):
        consultations.correct(db, final.id, "again")


def test_signatures_without_both_images_are_refused(db, kb, patient) -> None:
    unsigned = example_document("format-example.json", kb, signatures={
        "patient": PNG, "signed_at": "2026-11-26T10:00:00"})
    with pytest.raises(InvalidInput) as raised:
        consultations.finalize_signed(db, kb, None, patient.id, unsigned)
    assert raised.value.field == "signatures"
    assert db.consultations.for_patient(patient.id) == []


def test_no_anonymous_consent(db, kb, patient) -> None:
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    anonymous = doc.with_changes(practitioner=None)
    with pytest.raises(InvalidInput) as raised:
        consultations.finalize_signed(db, kb, None, patient.id, anonymous)
    assert raised.value.field == "practitioner.name"
    assert db.consultations.for_patient(patient.id) == []
