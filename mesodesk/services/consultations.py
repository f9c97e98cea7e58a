"""A consultation's life: a draft saved as it is typed, then either finalized with its
signed consent or saved as not treated; a closed one is corrected by a new version.

Screening decides here whether a consultation may be finalized as treated; the store
below only keeps the record's rules (a closed consultation never changes, a consent
belongs to the document it was made from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesodesk.services.errors import Blocked, InvalidInput, ServiceError, store_errors
from mesodesk.services.plans import render_recorded, screen_checked

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord, SignedConsent
    from mesodesk.store.database import Database

MAX_REASON = 2000


def save_draft(db: Database, patient_id: int, doc: Consultation,
               consultation_id: int | None = None, actor: str = "") -> ConsultationRecord:
    """Create a draft, or replace an existing draft's document (nothing when unchanged)."""
    with store_errors():
        return db.consultations.save_draft(patient_id, doc, consultation_id=consultation_id,
                                           actor=actor)


def check_treatable(doc: Consultation, kb: KnowledgeBase) -> None:
    """May this document be finalized as treated? ``InvalidInput`` when it names what the
    knowledge base no longer has, ``Blocked`` (each cause named) when screening blocks it."""
    from mesodesk.domain.document import check_against_knowledge

    issues = check_against_knowledge(doc, kb)
    if issues:
        raise InvalidInput("the consultation cannot be finalized",
                           issues=tuple(str(issue) for issue in issues))
    try:
        screen_checked(doc, kb, for_plan=True)
    except Blocked as blocked:
        raise Blocked("the consultation is clinically blocked, so it cannot be finalized as "
                      "treated (record it as not treated instead)", issues=blocked.issues) from None


@dataclass(frozen=True)
class Finalized:
    record: ConsultationRecord
    consent: SignedConsent
    pdf: bytes  # the signed plan and consent, as stored


class Unfinished(ServiceError):
    """Finishing failed; ``status`` says what the consultation is now: ``unsaved`` (nothing
    was stored), ``draft`` (kept as a draft), a closed status, or None (not known).
    ``consultation_id`` is the draft's id once it was saved (a retry goes on with it)."""

    def __init__(self, error: BaseException, status: str | None,
                 consultation_id: int | None = None):
        super().__init__(str(error), cause=error)
        self.status = status
        self.consultation_id = consultation_id
        self.exit_code = getattr(error, "exit_code", ServiceError.exit_code)


def finalize_signed(db: Database, kb: KnowledgeBase, clinic: ClinicSettings | None,
                    patient_id: int, doc: Consultation, consultation_id: int | None = None,
                    actor: str = "", pdf: bytes | None = None) -> Finalized:
    """Finish a signed consultation: screen it, render its plan and consent (unless the
    caller rendered ``pdf`` from ``doc`` already), save the draft, then finalize it with its
    signed consent in one transaction. A retry after a first attempt that was in fact
    stored returns what was stored."""
    doc = doc.rewritten()  # stored as version 2: the consent carries that fingerprint
    signatures = doc.signatures
    if signatures is None or not signatures.patient or not signatures.practitioner:
        raise InvalidInput("signatures: both the patient and the practitioner sign to finish",
                           field="signatures")
    if doc.practitioner is None or not doc.practitioner.name.strip():
        raise InvalidInput("practitioner.name: a consent is signed by a named practitioner; "
                           "enter the practitioner's name (the wizard's first page, or "
                           "Settings)", field="practitioner.name")
    check_treatable(doc, kb)
    if pdf is None:
        pdf = render_recorded(db, doc, kb, clinic)
    try:
        if consultation_id is not None:
            earlier = _finished_already(db, consultation_id, doc)
            if earlier is not None:
                return earlier
        record = save_draft(db, patient_id, doc, consultation_id, actor)
        consultation_id = record.id
        with store_errors():
            final, consent = db.consultations.finalize_with_consent(
                record.id, doc, pdf, doc.fingerprint(), doc.signatures.signed_at, actor=actor)
    except ServiceError as error:
        if consultation_id is not None:
            try:  # committed after all (the error came after the commit): that is success
                stored = _finished_already(db, consultation_id, doc)
            except ServiceError:
                stored = None
            if stored is not None:
                return stored
        status = "unsaved" if consultation_id is None else _status_now(db, consultation_id)
        raise Unfinished(error.cause or error, status, consultation_id) from error
    return Finalized(final, consent, pdf)


def _finished_already(db: Database, consultation_id: int, doc: Consultation
                      ) -> Finalized | None:
    with store_errors():
        record = db.consultations.get(consultation_id)
        if record.status != "final" or not record.has_signed_consent:
            return None
        consent = db.consents.for_consultation(consultation_id)
        if consent is None or consent.fingerprint != doc.fingerprint():
            return None
        return Finalized(record, consent, db.consents.pdf(consent.id))


def _status_now(db: Database, consultation_id: int) -> str | None:
    try:
        return str(db.consultations.get(consultation_id).status)
    except Exception:  # noqa: BLE001 - the database may be what failed
        return None


def save_not_treated(db: Database, patient_id: int, doc: Consultation,
                     consultation_id: int | None = None, actor: str = "") -> ConsultationRecord:
    """Close the consultation without treatment (blocked, or the patient declined): the
    record keeps what was declared and why; it never changes afterwards."""
    record = save_draft(db, patient_id, doc, consultation_id, actor)
    with store_errors():
        return db.consultations.mark_not_treated(record.id, doc, actor=actor)


def correct(db: Database, consultation_id: int, reason: str, actor: str = ""
            ) -> ConsultationRecord:
    """A new draft that supersedes a closed consultation, with the reason for the
    correction in the audit trail; the closed one stays exactly as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason: say why the consultation is corrected", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"reason: must be at most {MAX_REASON} characters", field="reason")
    with store_errors():
        return db.consultations.new_version(consultation_id, actor=actor, reason=reason)


def delete_draft(db: Database, consultation_id: int, actor: str = "") -> None:
    with store_errors():
        db.consultations.delete_draft(consultation_id, actor=actor)


__all__ = ["Finalized", "Unfinished", "check_treatable", "correct", "delete_draft",
           "finalize_signed", "save_draft", "save_not_treated"]
