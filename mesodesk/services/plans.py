"""The plan and consent PDF: rendered from a document, or, for a signed consultation,
the signed PDF exactly as it was stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.i18n import _
from mesodesk.services.errors import Blocked, InvalidInput, ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord
    from mesodesk.domain.screening import ScreeningResult
    from mesodesk.domain.session import SessionRecord
    from mesodesk.reports.course_record import PlannedSession
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
        raise Blocked(_("clinically blocked"), issues=blocked_causes(result))
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


__all__ = ["Blocked", "Reprint", "ServiceError", "StoredPlan", "check_knowledge",
           "CourseRecordParts", "course_record", "course_record_parts",
           "course_record_path", "page_count", "recorded_head", "render", "render_course_record",
           "render_recorded", "reprint", "screen_checked", "signed_pdf", "stored_plan"]


# -- a signed plan printed again, with the course as it happened ----------------------
#
# The signed PDF is what the patient signed and is never rewritten (its SHA-256 was
# recorded at signing). pypdf, which could join PDFs, is only a test dependency, and a
# joined file would no longer be the signed file anyway; so the course record is a PDF of
# its own, rendered now, printed and saved beside the signed one (docs/course-record.md).

@dataclass(frozen=True)
class Reprint:
    plan: StoredPlan            # the signed PDF byte for byte (or the unsigned plan)
    course_record: bytes | None  # the course as it happened; None: no session is recorded


@dataclass(frozen=True)
class CourseRecordParts:
    """What a course record is rendered from, read from the records (database thread);
    ``render_course_record`` then needs no database (a worker)."""

    record: ConsultationRecord
    history: tuple[SessionRecord, ...]   # every recorded session, corrected ones too
    to_come: tuple[PlannedSession, ...]  # planned and not recorded
    clinic: ClinicSettings
    paper: str
    printed_on: date
    chain_head: str


def course_record_parts(db: Database, kb: KnowledgeBase, consultation_id: int,
                        paper: str | None = None, today: date | None = None
                        ) -> CourseRecordParts | None:
    """None when no session of the consultation is recorded (then there is no record)."""
    from mesodesk.reports.course_record import PlannedSession
    from mesodesk.services.sessions import course_state

    state = course_state(db, kb, consultation_id)
    if not state.history:
        return None
    with store_errors():
        clinic = db.settings.get()
    to_come = tuple(PlannedSession(s.concern, s.number, s.planned) for s in state.sessions
                    if s.done is None and s.planned is not None)
    return CourseRecordParts(state.record, state.history, to_come, clinic,
                             paper or clinic.default_paper, today or date.today(),
                             recorded_head(db))


def render_course_record(parts: CourseRecordParts, kb: KnowledgeBase) -> bytes:
    """The course record's PDF, in the patient's language (the consultation's)."""
    from mesodesk.reports import ReportError
    from mesodesk.reports.course_record import render_course_record as render_pdf

    try:
        return render_pdf(parts.record.document, parts.history, parts.to_come, kb,
                          parts.clinic, parts.paper, parts.printed_on, parts.chain_head)
    except ReportError as error:
        raise InvalidInput(_("cannot make the course record: {error}").format(
            error=error)) from None


def course_record(db: Database, kb: KnowledgeBase, consultation_id: int,
                  paper: str | None = None, today: date | None = None) -> bytes | None:
    """The course record of a signed consultation (sessions done, corrections, sessions
    still to come), rendered now; None when no session of it is recorded."""
    parts = course_record_parts(db, kb, consultation_id, paper, today)
    return render_course_record(parts, kb) if parts is not None else None


def course_record_path(plan: Path) -> Path:
    """Where the course record goes beside a plan saved at ``plan``."""
    return plan.with_name(f"{plan.stem}-course-record.pdf")


def reprint(db: Database, kb: KnowledgeBase, consultation_id: int, paper: str | None = None,
            today: date | None = None) -> Reprint:
    """A stored consultation's plan printed again: ``stored_plan``, and for a signed one
    with recorded sessions its course record beside it."""
    plan = stored_plan(db, kb, consultation_id, paper)
    record = course_record(db, kb, consultation_id, paper, today) if plan.signed else None
    return Reprint(plan, record)
