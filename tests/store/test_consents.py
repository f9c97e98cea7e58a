"""Signed consents: recorded once for a finalized consultation, never changed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from mesodesk.domain.records import SignedConsent
from mesodesk.store import ImmutableRecord, IntegrityFailure, InvalidRecord, NotFound
from tests.store.helpers import MINIMAL_PDF

SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def final(db, patient, doc):
    draft = db.consultations.save_draft(patient.id, doc)
    return db.consultations.finalize(draft.id, doc)


def test_record_keeps_the_pdf_and_its_hash(db, final) -> None:
    consent = db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
    assert isinstance(consent, SignedConsent)
    assert consent.consultation_id == final.id
    assert consent.pdf_sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert consent.fingerprint == final.document.fingerprint()
    assert consent.signed_at == SIGNED_AT
    assert db.consents.for_consultation(final.id) == consent
    assert db.consents.get(consent.id) == consent
    assert db.consents.pdf(consent.id) == MINIMAL_PDF
    assert db.consultations.get(final.id).has_signed_consent


def test_a_naive_signing_time_is_local_time(db, final) -> None:
    local = dt.datetime(2026, 11, 26, 10, 30)
    consent = db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), local)
    assert consent.signed_at == local.astimezone(dt.timezone.utc)
    assert db.consents.for_consultation(final.id).signed_at == local.astimezone()


def test_only_a_finalized_consultation_can_be_consented(db, patient, doc, kb) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(InvalidRecord, match="is a draft: finalize it"):
        db.consents.record(draft.id, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    closed = db.consultations.mark_not_treated(
        db.consultations.save_draft(patient.id, doc).id, doc)
    with pytest.raises(InvalidRecord, match="not treated"):
        db.consents.record(closed.id, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    with pytest.raises(NotFound):
        db.consents.record(999, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    assert db.consents.for_consultation(draft.id) is None


def test_the_consent_must_come_from_the_final_document(db, final, doc) -> None:
    other = doc.with_changes(notes="not what was finalized")
    with pytest.raises(InvalidRecord, match="another version"):
        db.consents.record(final.id, MINIMAL_PDF, other.fingerprint(), SIGNED_AT)


@pytest.mark.parametrize(("pdf", "fingerprint", "signed_at", "field"), [
    (b"", "0b48076b81bf", SIGNED_AT, "pdf"),
    (b"<html>", "0b48076b81bf", SIGNED_AT, "pdf"),
    (MINIMAL_PDF, "XYZ", SIGNED_AT, "fingerprint"),
    (MINIMAL_PDF, "0b48076b81bf", "2026-11-26", "signed_at"),
])
def test_bad_consent_values_name_the_field(db, final, pdf, fingerprint, signed_at, field) -> None:
    with pytest.raises(InvalidRecord, match=f"^{field}: "):
        db.consents.record(final.id, pdf, fingerprint, signed_at)


def test_a_signed_consent_cannot_be_replaced_by_the_repository(db, final) -> None:
    first = db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
    with pytest.raises(ImmutableRecord, match=f"already has a signed consent \\({first.id}\\)"):
        db.consents.record(final.id, MINIMAL_PDF + b"%changed", final.document.fingerprint(),
                           SIGNED_AT + dt.timedelta(hours=1))
    assert db.consents.for_consultation(final.id) == first
    assert db.consents.pdf(first.id) == MINIMAL_PDF
    # and the consultation it signs is immutable too
    with pytest.raises(ImmutableRecord):
        db.consultations.finalize(final.id, final.document)


def test_a_signed_consent_cannot_be_changed_by_raw_sql(backend, db, final) -> None:
    consent = db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
    forged = MINIMAL_PDF.replace(b"1.4", b"1.7")
    with pytest.raises(Exception, match="signed consent cannot be changed"):
        backend.execute("UPDATE signed_consents SET pdf = ? WHERE id = ?", (forged, consent.id))
    with pytest.raises(Exception, match="signed consent cannot be changed"):
        backend.execute("UPDATE signed_consents SET fingerprint = 'ffffffffffff' WHERE id = ?",
                        (consent.id,))
    with pytest.raises(Exception, match="signed consent cannot be deleted"):
        backend.execute("DELETE FROM signed_consents WHERE id = ?", (consent.id,))
    with pytest.raises(Exception, match="finalized consultation"):
        backend.execute("DELETE FROM consultations WHERE id = ?", (final.id,))
    assert db.consents.pdf(consent.id) == MINIMAL_PDF
    assert db.consents.for_consultation(final.id) == consent
    assert db.audit.verify().ok


def test_raw_sql_cannot_attach_a_consent_to_a_draft(backend, db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(Exception, match="only be recorded for a finalized consultation"):
        backend.execute(
            "INSERT INTO signed_consents (consultation_id, pdf, pdf_sha256, fingerprint, "
            "signed_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            (draft.id, MINIMAL_PDF, "0" * 64, doc.fingerprint(), "2026-11-26 10:00:00",
             "2026-11-26 10:00:00"))
    assert db.consents.for_consultation(draft.id) is None


def test_a_pdf_altered_behind_the_triggers_is_detected(backend, db, final) -> None:
    consent = db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
    backend.drop_trigger("signed_consents_no_update", "signed_consents")
    backend.execute("UPDATE signed_consents SET pdf = ? WHERE id = ?",
                    (MINIMAL_PDF + b"%forged", consent.id))
    with pytest.raises(IntegrityFailure, match="no longer matches"):
        db.consents.pdf(consent.id)
    report = db.audit.verify()
    assert not report.ok
    assert f"signed consent {consent.id}: the PDF no longer matches its SHA-256" in report.problems


# -- finishing: finalize and record the signed consent in one transaction ------------------

def test_finalize_with_consent_stores_both_with_both_audit_events(db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    final, consent = db.consultations.finalize_with_consent(
        draft.id, doc, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT, actor="Dr Ioannou")
    assert final.status == "final" and final.has_signed_consent
    assert consent == db.consents.for_consultation(draft.id)
    assert consent.fingerprint == final.document.fingerprint() == doc.fingerprint()
    assert db.consents.pdf(consent.id) == MINIMAL_PDF
    events = db.audit.events(limit=2)  # newest first
    assert [(e.action, e.table, e.actor) for e in reversed(events)] == [
        ("finalize", "consultations", "Dr Ioannou"),
        ("record-consent", "signed_consents", "Dr Ioannou")]
    assert db.audit.verify().ok


def test_a_consent_that_fails_to_record_leaves_the_consultation_a_draft(db, patient, doc,
                                                                        monkeypatch) -> None:
    """The disk fills up as the consent is written: nothing of the finish is kept, so the
    consultation is still a draft (as the wizard then says) and finishing can be retried."""
    from mesodesk.store import DiskFull, audit

    draft = db.consultations.save_draft(patient.id, doc)
    before = db.audit.events(limit=1000)
    real_append = audit.append

    def disk_full_at_the_consent(connection, **event):
        if event["action"] == "record-consent":
            raise OSError(28, "No space left on device")
        return real_append(connection, **event)

    monkeypatch.setattr(audit, "append", disk_full_at_the_consent)
    with pytest.raises(DiskFull):
        db.consultations.finalize_with_consent(draft.id, doc, MINIMAL_PDF, doc.fingerprint(),
                                               SIGNED_AT)
    monkeypatch.undo()
    record = db.consultations.get(draft.id)
    assert record.status == "draft" and record.finalized_at is None
    assert not record.has_signed_consent and db.consents.for_consultation(draft.id) is None
    assert db.audit.events(limit=1000) == before
    # Trying again succeeds (no "already finalized").
    final, consent = db.consultations.finalize_with_consent(
        draft.id, doc, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    assert final.status == "final" and consent.consultation_id == draft.id
    assert db.audit.verify().ok


@pytest.mark.parametrize(("pdf", "fingerprint", "message"), [
    (b"<html>", None, "^pdf: "),
    (MINIMAL_PDF, "XYZ", "^fingerprint: "),
    (MINIMAL_PDF, "ffffffffffff", "another version"),
])
def test_finalize_with_a_bad_consent_changes_nothing(db, patient, doc, pdf, fingerprint,
                                                     message) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(InvalidRecord, match=message):
        db.consultations.finalize_with_consent(draft.id, doc, pdf, fingerprint or doc.fingerprint(),
                                               SIGNED_AT)
    assert db.consultations.get(draft.id).status == "draft"


def test_finalize_with_consent_refuses_a_final_consultation(db, final, doc) -> None:
    with pytest.raises(ImmutableRecord):
        db.consultations.finalize_with_consent(final.id, doc, MINIMAL_PDF, doc.fingerprint(),
                                               SIGNED_AT)
    assert db.consents.for_consultation(final.id) is None
