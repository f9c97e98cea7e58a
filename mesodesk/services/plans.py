"""The plan and consent PDF: rendered from a document, or, for a signed consultation,
the signed PDF exactly as it was stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesodesk.services.errors import Blocked, InvalidInput, ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord
    from mesodesk.domain.screening import ScreeningResult
    from mesodesk.store.database import Database


def blocked_causes(result: ScreeningResult) -> tuple[str, ...]:
    return tuple(f"{block.history}: {block.text}" for block in result.blocked_by)


def screen_checked(doc: Consultation, kb: KnowledgeBase, *, for_plan: bool = False
                   ) -> ScreeningResult:
    """Screen a document; a blocked one raises ``Blocked`` naming each cause. ``for_plan``:
    for a plan to be signed, which also needs the history reviewed (``history-not-reviewed``)."""
    from mesodesk.domain.screening import screen

    result = screen(doc, kb, for_plan=for_plan)
    if result.blocked:
        raise Blocked("clinically blocked", issues=blocked_causes(result))
    return result


def check_knowledge(doc: Consultation, kb: KnowledgeBase) -> None:
    """A stored document must still match the knowledge base (an item of the overlay may
    have been removed since it was stored); each mismatch is an issue naming its path."""
    from mesodesk.domain.document import check_against_knowledge

    issues = check_against_knowledge(doc, kb, today=doc.date)
    if issues:
        raise InvalidInput(
            "the stored consultation does not match the current knowledge base (was "
            "an item of your knowledge-base overlay removed?)",
            issues=tuple(str(issue) for issue in issues))


def render(doc: Consultation, kb: KnowledgeBase, clinic: ClinicSettings | None = None,
           paper: str | None = None, chain_head: str = "") -> bytes:
    """The treatment plan and consent summary of a document that screening does not block;
    ``chain_head`` (see ``recorded_head``) goes into the footer."""
    from mesodesk.reports import ReportError, render_plan

    result = screen_checked(doc, kb, for_plan=True)
    paper = paper or (clinic.default_paper if clinic is not None else "a4")
    try:
        return render_plan(doc, result, kb, clinic, paper, chain_head)
    except ReportError as error:
        raise InvalidInput(f"cannot make the plan: {error}") from None


def recorded_head(db: Database) -> str:
    """The audit chain's head as a PDF prints it (12 hex digits): which state of the
    records the paper was made from."""
    from mesodesk.store.checkpoints import head_hash

    with store_errors():
        with db.reading() as connection:
            return head_hash(connection)[:12]


def render_recorded(db: Database, doc: Consultation, kb: KnowledgeBase,
                    clinic: ClinicSettings | None = None, paper: str | None = None) -> bytes:
    """``render`` of a consultation of the records, with the chain's head in the footer."""
    return render(doc, kb, clinic, paper, recorded_head(db))


@dataclass(frozen=True)
class StoredPlan:
    record: ConsultationRecord
    pdf: bytes
    signed: bool  # the stored signed consent, byte for byte; else rendered now
    paper: str | None = None  # the paper it was rendered on (None: signed, as it was)


def signed_pdf(db: Database, record: ConsultationRecord) -> bytes | None:
    """The signed consent and plan of a consultation exactly as they were signed (checked
    against the SHA-256 recorded then), or None when it has no signed consent."""
    if not record.has_signed_consent:
        return None
    with store_errors():
        consent = db.consents.for_consultation(record.id)
        return db.consents.pdf(consent.id) if consent is not None else None


def stored_plan(db: Database, kb: KnowledgeBase, consultation_id: int,
                paper: str | None = None) -> StoredPlan:
    """A stored consultation's PDF: the signed consent as it was signed, or, for one not
    signed, the plan rendered now from the stored document and today's clinic settings."""
    with store_errors():
        record = db.consultations.get(consultation_id)
    pdf = signed_pdf(db, record)
    if pdf is not None:
        return StoredPlan(record, pdf, signed=True)
    with store_errors():
        clinic = db.settings.get()
    if record.status == "not-treated":
        raise Blocked(f"consultation {consultation_id} was recorded as not treated: "
                      "it has no plan to print")
    check_knowledge(record.document, kb)
    paper = paper or clinic.default_paper
    return StoredPlan(record, render_recorded(db, record.document, kb, clinic, paper), False,
                      paper)


def page_count(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type /Page[^s]", pdf))


__all__ = ["Blocked", "ServiceError", "StoredPlan", "check_knowledge", "page_count",
           "recorded_head", "render", "render_recorded", "screen_checked", "signed_pdf",
           "stored_plan"]
