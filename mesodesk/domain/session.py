"""A treatment session as it was performed, ``mesodesk.session/1`` (session-format.md).

The document is parsed like the consultation document (``domain.document``): immutable
pydantic models, unknown fields refused, every problem a ``DocumentIssue`` naming its JSON
path. ``check_session`` then applies the rules that need the signed consultation and the
sessions already recorded: what is wrong with the input (exit 2) and what the clinical
rules refuse (exit 3) come back as two separate lists.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictFloat, StrictInt, StrictStr, ValidationError

from mesodesk.domain.document import (
    Consultation,
    DocumentError,
    DocumentIssue,
    IsoDate,
    LongText,
    Practitioner,
    ShortText,
    _Model,
    _no_duplicate_keys,
    _structural_issues,
)
from mesodesk.domain.fields import one_line
from mesodesk.domain.knowledge import KnowledgeBase, LabelLimit
from mesodesk.i18n import _

FORMAT = "mesodesk.session/1"
MAX_PRODUCTS = 50
MAX_AREAS = 20
MAX_EVENTS = 50
EXTRA_SESSIONS = 5  # a course may run this many sessions past its plan

LIDOCAINE = "lidocaine"
DEOXYCHOLIC_ACID = "deoxycholic-acid"
# The label limits themselves (lidocaine's mg/kg and mg per session; deoxycholic acid's mL
# per session, days between sessions and sessions per course) are the knowledge base's
# (label_limits.toml, read through ``label_limit``): one source for the plan, the consent
# and these checks, so a label corrected there is checked as corrected.
OTHER_EVENT = "other"


def _expiry(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(_("must be a date written YYYY-MM or YYYY-MM-DD"))
    try:
        expiry_date(value)
    except ValueError:
        raise ValueError(_("'{value}' is not a date written YYYY-MM or YYYY-MM-DD")
                         .format(value=value)) from None
    return value


def expiry_date(text: str) -> dt.date:
    """The last day a lot may be used: ``YYYY-MM`` runs to the month's last day."""
    if len(text) == 7 and text[4] == "-":
        year, month = int(text[:4]), int(text[5:])
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    raise ValueError(text)


def _lot(value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= 40:
        raise ValueError(_("must be 1 to 40 characters"))
    return one_line(value)


Positive = Annotated[StrictFloat | StrictInt, Field(gt=0, le=10_000)]
Expiry = Annotated[StrictStr, AfterValidator(_expiry)]


class Product(_Model):
    substance: StrictStr
    product: ShortText | None = None
    manufacturer: ShortText | None = None
    lot: Annotated[StrictStr, AfterValidator(_lot)]
    expiry: Expiry
    concentration_mg_per_ml: Positive | None = None
    volume_ml: Positive

    @property
    def expires(self) -> dt.date:
        return expiry_date(self.expiry)


class Technique(_Model):
    depth: Literal["intradermal", "superficial-subcutaneous", "subcutaneous"] | None = None
    needle: ShortText | None = None
    method: ShortText | None = None


class AdverseEvent(_Model):
    kind: StrictStr
    severity: Literal["mild", "moderate", "severe"]
    note: Annotated[StrictStr, Field(max_length=2000), AfterValidator(one_line)] = ""


def _reason(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError(_("must say why the session is corrected"))
    return value


class Correction(_Model):
    """The recorded session this one corrects, and why (a recorded session never changes).
    Our extension of mesodesk.session/1: docs/session-format-extensions.md."""

    session: Annotated[StrictInt, Field(ge=1)]
    reason: Annotated[StrictStr, Field(max_length=2000), AfterValidator(_reason)]


class TreatmentSession(_Model):
    format: Literal["mesodesk.session/1"]
    consultation: Annotated[StrictStr, Field(min_length=1, max_length=40)]
    concern: StrictStr
    number: Annotated[StrictInt, Field(ge=1, le=1000)]
    date: IsoDate
    practitioner: Practitioner | None = None
    areas: Annotated[tuple[ShortText, ...], Field(max_length=MAX_AREAS)] = ()
    products: Annotated[tuple[Product, ...], Field(min_length=1, max_length=MAX_PRODUCTS)]
    technique: Technique | None = None
    adverse_events: Annotated[tuple[AdverseEvent, ...], Field(max_length=MAX_EVENTS)] = ()
    notes: LongText = ""
    patient_weight_kg: Annotated[StrictFloat | StrictInt, Field(ge=20, le=400)] | None = None
    corrects: Correction | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def fingerprint(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), ensure_ascii=False,
                               sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def volume_of(self, substance: str) -> float:
        return sum(p.volume_ml for p in self.products if p.substance == substance)


def _load_json(data: Any) -> dict[str, Any]:
    """JSON text or bytes as an object, with the consultation document's rules (UTF-8, a
    byte-order mark allowed, no field twice in one object)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DocumentError([DocumentIssue("", _("not UTF-8 text; save the document as "
                                                     "UTF-8"))]) from None
    if isinstance(data, str):
        try:
            data = json.loads(data.removeprefix("\ufeff"), object_pairs_hook=_no_duplicate_keys)
        except (ValueError, RecursionError) as error:
            raise DocumentError([DocumentIssue("", _("not valid JSON: {error}").format(
                error=error))]) from None
    if not isinstance(data, dict):
        raise DocumentError([DocumentIssue("", _("the document must be a JSON object"))])
    return data


def parse_session_structure(data: Any) -> TreatmentSession:
    """Shape and types only. Raises ``DocumentError`` naming each problem by its path."""
    data = _load_json(data)
    if data.get("format") != FORMAT:
        raise DocumentError([DocumentIssue("format", _("must be exactly '{format}'")
                                           .format(format=FORMAT))])
    try:
        return TreatmentSession.model_validate(data)
    except ValidationError as error:
        raise DocumentError(_structural_issues(error)) from None
    except RecursionError:
        raise DocumentError([DocumentIssue("", _("the document is nested too deeply"))]) from None


# -- the rules that need the consultation ----------------------------------------------

@dataclass(frozen=True)
class PastSession:
    """A session already recorded for the patient (not one a correction replaced)."""

    id: int
    consultation_id: int
    session: TreatmentSession


@dataclass(frozen=True)
class SessionContext:
    """What the checks need besides the session: the signed consultation it belongs to."""

    consultation_id: int
    consultation: Consultation
    status: str                      # the consultation's status: only "final" takes sessions
    consented: frozenset[str]        # the substances the signed consent covers
    planned: dict[str, int]          # concern -> planned sessions
    past: tuple[PastSession, ...] = ()   # the patient's recorded sessions, every consultation
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class SessionCheck:
    invalid: tuple[DocumentIssue, ...]   # exit 2
    blocked: tuple[DocumentIssue, ...]   # exit 3

    @property
    def ok(self) -> bool:
        return not self.invalid and not self.blocked


def limit_override(doc: Consultation, substance: str, limit: str) -> str | None:
    """The reason the signed consent gives for exceeding a label limit of ``substance``
    (``interval-min``, ``sessions-max``, ``volume-max``: ``overrides[].limit`` of the
    version-2 consultation), or None: then the label limit holds."""
    for override in doc.overrides:
        if override.substance == substance and override.limit == limit:
            return override.reason
    return None


def label_limit(kb: KnowledgeBase, substance: str, kind: str) -> LabelLimit | None:
    """The knowledge base's label limit of ``kind`` for ``substance`` (at most one each:
    the loader refuses a second), or None: the label sets no such limit, nothing is checked."""
    for limit in kb.limits_of(substance):
        if limit.kind == kind and (limit.value is not None or kind == "areas"):
            return limit
    return None


def consultation_weight(doc: Consultation) -> float | None:
    """The patient's weight recorded with the consultation, if any."""
    return doc.patient.weight_kg


def _figure(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def check_session(session: TreatmentSession, context: SessionContext, kb: KnowledgeBase
                  ) -> SessionCheck:
    invalid = _check_record(session, context) + _check_vocabulary(session, kb)
    blocked = (_check_consent(session, context) + _check_expiry(session)
               + _check_lidocaine(session, context, kb, invalid)
               + _check_deoxycholic(session, context, kb))
    return SessionCheck(tuple(invalid), tuple(blocked))


def _check_record(session: TreatmentSession, context: SessionContext) -> list[DocumentIssue]:
    issues: list[DocumentIssue] = []
    doc = context.consultation
    if context.status != "final":
        state = {"draft": _("a draft"), "not-treated": _("recorded as not treated")}.get(
            context.status, context.status)
        issues.append(DocumentIssue("consultation", _(
            "consultation {id} is {state}: sessions are recorded only for a finalized, "
            "signed consultation").format(id=context.consultation_id, state=state)))
    if session.concern not in context.planned:
        issues.append(DocumentIssue("concern", _(
            "'{concern}' is not a concern with a course in consultation {id} ({courses})").format(
                concern=session.concern, id=context.consultation_id,
                courses=", ".join(context.planned) or _("none"))))
    else:
        most = context.planned[session.concern] + EXTRA_SESSIONS
        if session.number > most:
            issues.append(DocumentIssue("number", _(
                "{number} is past the course: {planned} sessions are planned, so the number "
                "is at most {most}").format(number=session.number,
                                            planned=context.planned[session.concern], most=most)))
    same = [p for p in context.past if p.consultation_id == context.consultation_id
            and p.session.concern == session.concern and p.session.number == session.number]
    corrected = session.corrects.session if session.corrects else None
    if any(p.id != corrected for p in same):
        issues.append(DocumentIssue("number", _(
            "session {number} of this course is already recorded (session {id}); to change it, "
            "record a correction that names it").format(number=session.number, id=same[0].id)))
    if corrected is not None and corrected not in {p.id for p in context.past
                                                   if p.consultation_id == context.consultation_id}:
        issues.append(DocumentIssue("corrects.session", _(
            "{id} is not a recorded session of consultation {consultation} that is still in "
            "force").format(id=corrected, consultation=context.consultation_id)))
    if session.date < doc.date:
        issues.append(DocumentIssue("date", _(
            "{date} is before the consultation ({consultation}): no session can be dated "
            "before the consultation").format(date=session.date.isoformat(),
                                              consultation=doc.date.isoformat())))
    if session.date > context.today:
        issues.append(DocumentIssue("date", _("{date} is in the future: record a session "
                                               "once it is done").format(
                                                   date=session.date.isoformat())))
    return issues


def _check_vocabulary(session: TreatmentSession, kb: KnowledgeBase) -> list[DocumentIssue]:
    issues: list[DocumentIssue] = []
    for index, product in enumerate(session.products):
        if product.substance not in kb.substances:
            issues.append(DocumentIssue(f"products[{index}].substance", _(
                "'{substance}' is not a known substance").format(substance=product.substance)))
        elif product.substance == LIDOCAINE and product.concentration_mg_per_ml is None:
            issues.append(DocumentIssue(f"products[{index}].concentration_mg_per_ml", _(
                "is required for lidocaine (mg per mL), so that the dose can be checked")))
    known = {effect.id for effect in kb.adverse_effects}
    for index, event in enumerate(session.adverse_events):
        if event.kind == OTHER_EVENT:
            if not event.note.strip():
                issues.append(DocumentIssue(f"adverse_events[{index}].note", _(
                    "is required for 'other': say what happened")))
        elif event.kind not in known:
            issues.append(DocumentIssue(f"adverse_events[{index}].kind", _(
                "'{kind}' is not a known adverse effect (use 'other' with a note)").format(
                    kind=event.kind)))
    return issues


def _check_consent(session: TreatmentSession, context: SessionContext) -> list[DocumentIssue]:
    return [DocumentIssue(f"products[{index}].substance", _(
        "'{substance}' is not covered by the signed consent of consultation {id} "
        "(it covers {covered})").format(substance=product.substance, id=context.consultation_id,
                                         covered=", ".join(sorted(context.consented)) or _("none")))
            for index, product in enumerate(session.products)
            if product.substance not in context.consented]


def _check_expiry(session: TreatmentSession) -> list[DocumentIssue]:
    return [DocumentIssue(f"products[{index}].expiry", _(
        "lot {lot} expired on {expiry}, before the session ({date}): an expired lot is not "
        "used").format(lot=product.lot, expiry=product.expires.isoformat(),
                       date=session.date.isoformat()))
            for index, product in enumerate(session.products)
            if product.expires < session.date]


def lidocaine_mg(session: TreatmentSession) -> float:
    """The session's lidocaine, all products and areas together (volume × concentration)."""
    return sum(p.volume_ml * (p.concentration_mg_per_ml or 0)
               for p in session.products if p.substance == LIDOCAINE)


def lidocaine_ceiling_mg(weight_kg: float, limit: LabelLimit) -> float:
    """The most lidocaine one session may give: ``per_kg`` mg/kg, at most ``value`` mg
    (the loader requires both of a ``dose-max`` limit)."""
    return min(limit.per_kg * weight_kg, limit.value)


def _check_lidocaine(session: TreatmentSession, context: SessionContext, kb: KnowledgeBase,
                     invalid: list[DocumentIssue]) -> list[DocumentIssue]:
    limit = label_limit(kb, LIDOCAINE, "dose-max")
    if limit is None or not any(p.substance == LIDOCAINE for p in session.products):
        return []
    per_kg, most = limit.per_kg, limit.value
    weight = session.patient_weight_kg or consultation_weight(context.consultation)
    if weight is None:
        invalid.append(DocumentIssue("patient_weight_kg", _(
            "is required when lidocaine is given: its ceiling is {per_kg} mg/kg (at most "
            "{most} mg)").format(per_kg=_figure(per_kg), most=_figure(most))))
        return []
    dose, ceiling = lidocaine_mg(session), lidocaine_ceiling_mg(weight, limit)
    if dose <= ceiling + 1e-9:
        return []
    return [DocumentIssue("products", _(
        "lidocaine {dose} mg in this session is over the ceiling of {ceiling} mg for "
        "{weight} kg ({per_kg} mg/kg, at most {most} mg, all products together)").format(
            dose=_figure(dose), ceiling=_figure(ceiling), weight=_figure(weight),
            per_kg=_figure(per_kg), most=_figure(most)))]


def _deoxycholic_sessions(context: SessionContext, replaced: int | None) -> list[PastSession]:
    return [p for p in context.past if p.id != replaced
            and any(x.substance == DEOXYCHOLIC_ACID for x in p.session.products)]


def _check_deoxycholic(session: TreatmentSession, context: SessionContext, kb: KnowledgeBase
                       ) -> list[DocumentIssue]:
    if not any(p.substance == DEOXYCHOLIC_ACID for p in session.products):
        return []
    doc, issues = context.consultation, []
    replaced = session.corrects.session if session.corrects else None
    volume = session.volume_of(DEOXYCHOLIC_ACID)
    most_ml = label_limit(kb, DEOXYCHOLIC_ACID, "volume-max")
    if (most_ml is not None and volume > most_ml.value + 1e-9
            and not limit_override(doc, DEOXYCHOLIC_ACID, "volume-max")):
        issues.append(DocumentIssue("products", _(
            "deoxycholic acid {volume} mL in this session is over the label's {most} mL per "
            "session, and the signed consent records no reason to exceed it").format(
                volume=_figure(volume), most=_figure(most_ml.value))))
    earlier = _deoxycholic_sessions(context, replaced)
    interval = label_limit(kb, DEOXYCHOLIC_ACID, "interval-min")
    least = int(interval.value) if interval is not None else 0
    close = [p for p in earlier if abs((session.date - p.session.date).days) < least]
    if close and not limit_override(doc, DEOXYCHOLIC_ACID, "interval-min"):
        days = abs((session.date - close[0].session.date).days)
        issues.append(DocumentIssue("date", _(
            "{date} is {days} days from the deoxycholic acid session of {other}: the label asks "
            "for at least {least} days between sessions, and the signed consent records no "
            "reason to shorten it").format(date=session.date.isoformat(), days=days,
                                           other=close[0].session.date.isoformat(),
                                           least=least)))
    in_course = [p for p in earlier if p.consultation_id == context.consultation_id]
    sessions_max = label_limit(kb, DEOXYCHOLIC_ACID, "sessions-max")
    if (sessions_max is not None and len(in_course) >= sessions_max.value
            and not limit_override(doc, DEOXYCHOLIC_ACID, "sessions-max")):
        issues.append(DocumentIssue("number", _(
            "this would be deoxycholic acid session {count} of the course: the label allows at "
            "most {most}, and the signed consent records no reason to exceed it").format(
                count=len(in_course) + 1, most=_figure(sessions_max.value))))
    return issues


def parse_session(data: Any, context: SessionContext, kb: KnowledgeBase) -> TreatmentSession:
    """Parse and check a session; ``SessionRefused`` carries what is invalid and blocked."""
    session = parse_session_structure(data)
    result = check_session(session, context, kb)
    if not result.ok:
        raise SessionRefused(result)
    return session


class SessionRefused(Exception):
    """A well-formed session that the rules refuse: ``check`` says what and why."""

    def __init__(self, check: SessionCheck):
        self.check = check
        super().__init__("\n".join(str(issue) for issue in check.invalid + check.blocked))


def next_sessions(planned_dates: Sequence[tuple[int, dt.date]], done: set[int], today: dt.date
                  ) -> list[tuple[int, dt.date]]:
    """The planned sessions still to come: not yet recorded, dated today or later."""
    return [(number, day) for number, day in planned_dates if number not in done and day >= today]


def context_for(consultation_id: int, doc: Consultation, status: str, kb: KnowledgeBase,
                past: Sequence[PastSession] = (), today: dt.date | None = None
                ) -> SessionContext:
    """The checks' context for a stored consultation: what its consent covers (the
    substances screening selected) and its planned courses."""
    from mesodesk.domain.screening import screen

    result = screen(doc, kb, today=doc.date)
    return SessionContext(
        consultation_id=consultation_id, consultation=doc, status=status,
        consented=frozenset(s.id for s in result.selected),
        planned={course.concern: len(course.sessions) for course in result.courses},
        past=tuple(past), today=today or dt.date.today())


@dataclass(frozen=True)
class SessionRecord:
    """A recorded session as the store keeps it."""

    id: int
    consultation_id: int
    patient_id: int
    session: TreatmentSession
    recorded_at: dt.datetime
    corrects: int | None = None
    correction_reason: str = ""
    corrected_by: int | None = None  # the correction that replaces this one, if any

    @property
    def in_force(self) -> bool:
        return self.corrected_by is None


@dataclass(frozen=True)
class RecallHit:
    """One use of a lot: who received it, when, and which product."""

    patient_id: int
    patient_name: str
    date_of_birth: dt.date
    phone: str | None
    session_id: int
    session_date: dt.date
    consultation_id: int
    substance: str
    product: str
    manufacturer: str
    lot: str
    expiry: str

    def to_dict(self) -> dict[str, Any]:
        return {"patient": self.patient_id, "name": self.patient_name,
                "date_of_birth": self.date_of_birth.isoformat(), "phone": self.phone,
                "session": self.session_id, "session_date": self.session_date.isoformat(),
                "consultation": self.consultation_id, "substance": self.substance,
                "product": self.product, "manufacturer": self.manufacturer, "lot": self.lot,
                "expiry": self.expiry}


def lot_key(lot: str) -> str:
    """How lots are compared for a recall: trimmed, case folded to upper case."""
    return lot.strip().upper()
