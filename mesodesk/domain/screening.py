"""Screening: what a consultation suggests, forbids and warns about.

Every clinical decision of the app is made here, from the knowledge base's rules;
the GUI and the PDF only show a ``ScreeningResult``.

- A history item that contraindicates all mesotherapy blocks the consultation; no
  override lifts it.
- Each substance of the suggested classes gets ``ok``, ``caution`` or
  ``contraindicated`` with its reasons.
- A suggested substance that is contraindicated is not pre-selected, and the reason is
  kept so the plan can say why.
- A chosen contraindicated substance needs an override (a written reason) for every
  history item that contraindicates it; otherwise the consultation is blocked.
- A chosen substance whose choice needs a recorded reason (the knowledge base's
  ``requires_reason``: levothyroxine) is blocked (``reason-required``) until an override
  with ``history`` null gives one. It is a block, not a warning, on every path.
- Nothing to consent to: a consultation with no selected substance at all is blocked
  (``nothing-to-treat``; it can still be saved as not treated). A concern none of the
  selected substances is attributed to gets no course; its cautions stay in the result.
- Label limits are rules (``label_limits.toml``): a course of a chosen substance that
  breaks one (deoxycholic acid less than 28 days apart, or more than 6 sessions) is
  blocked (``label-limit``) until an override names the limit (``overrides[].limit``)
  with a written reason, which the consent prints. The dose ceiling (lidocaine) is
  computed in mg when the patient's weight is known.
- Area rules: a rule or adverse effect that names areas (deoxycholic acid's swallowing
  risk under the chin) holds only when one of them is treated, or when the treated
  areas are not all known yet (none recorded, or one typed as free text): an area that
  may still be the chin is not ruled out. A substance used outside the areas its label
  covers gets a caution that the consent prints (off-label).
- Order does not matter: the same concerns, substances and history in any order give
  the same result. Substances, reasons, blocks and warnings follow the knowledge base's
  order; only the courses keep the order in which the concerns were chosen. A substance
  that several chosen concerns offer (PRP, rutin, pentoxifylline, multivitamins) is
  attributed to the one that pre-selects it, else to the first of them in the knowledge
  base, never to whichever the document names first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from mesodesk.domain.courses import PlannedCourse, plan_courses
from mesodesk.domain.document import Consultation, Override
from mesodesk.domain.findings import Warning
from mesodesk.domain.translated import TranslatedText
from mesodesk.domain.knowledge import (
    ALL,
    COURSE_LIMITS,
    Interaction,
    KnowledgeBase,
    LabelLimit,
    default_knowledge,
)
from mesodesk.i18n import _

SCREENING_FORMAT = "mesodesk.screening/1"

Status = Literal["ok", "caution", "contraindicated"]


@dataclass(frozen=True)
class Reason:
    history: str
    effect: Literal["contraindicated", "caution"]
    text: str
    patient_text: str
    general: bool  # the rule applies to all mesotherapy

    def to_dict(self) -> dict[str, Any]:
        return {"history": self.history, "effect": self.effect, "text": self.text}


@dataclass(frozen=True)
class SubstanceResult:
    id: str
    name: str
    class_id: str
    concern: str
    status: Status
    selected: bool
    preselected: bool
    reasons: tuple[Reason, ...]
    overrides: tuple[Override, ...] = ()
    requires_reason: bool = False  # its choice needs a recorded reason (levothyroxine)
    # Every chosen concern whose classes offer it (knowledge-base order); ``concern`` is
    # the one it is attributed to.
    concerns: tuple[str, ...] = ()

    @property
    def overridable(self) -> tuple[Reason, ...]:
        """Contraindications an override with a written reason can lift (not general ones)."""
        return tuple(r for r in self.contraindications if not r.general)

    @property
    def needs_written_reason(self) -> bool:
        """Choosing this substance needs at least one written reason."""
        return bool(self.overridable) or self.requires_reason

    @property
    def missing_reasons(self) -> tuple[str | None, ...]:
        """History ids still without an override, and None for a required reason not yet
        recorded: what the practitioner must still write before choosing it."""
        given = {o.history for o in self.overrides}
        missing: list[str | None] = [r.history for r in self.overridable if r.history not in given]
        if self.requires_reason and None not in given:
            missing.append(None)
        return tuple(dict.fromkeys(missing))

    @property
    def contraindications(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == "contraindicated")

    @property
    def cautions(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == "caution")

    @property
    def excluded_by_screening(self) -> bool:
        """Suggested by default, but left out because screening found it contraindicated."""
        return self.preselected and not self.selected and self.status == "contraindicated"

    def to_dict(self) -> dict[str, Any]:
        override = self.overrides[0] if self.overrides else None
        return {
            "id": self.id, "name": self.name, "class": self.class_id, "concern": self.concern,
            "status": self.status, "selected": self.selected, "preselected": self.preselected,
            "reasons": [r.to_dict() for r in self.reasons],
            "override": override.model_dump(mode="json") if override else None,
        }


# Block codes: why a consultation cannot go ahead as it stands.
CONTRAINDICATED = "contraindicated"  # a history item, not overridden (or ruling out everything)
REASON_REQUIRED = "reason-required"  # a substance whose choice needs a recorded reason has none
NOTHING_TO_TREAT = "nothing-to-treat"  # no substance is selected at all
LABEL_LIMIT = "label-limit"  # a course breaks a label limit without a recorded reason
HISTORY_NOT_REVIEWED = "history-not-reviewed"  # a plan for signature, history not all answered


@dataclass(frozen=True)
class Block:
    """One cause of a blocked consultation.

    ``history`` is the history item that causes it; a block no history item causes
    (``reason-required``, ``nothing-to-treat``) carries its code there, so every cause has
    an id to print.
    ``general`` is true only when a history item rules out all mesotherapy (no override
    lifts it)."""

    history: str
    substance: str | None
    text: str
    code: str = CONTRAINDICATED
    general: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"history": self.history, "substance": self.substance, "text": self.text,
                "code": self.code}


@dataclass(frozen=True)
class Advice:
    lifestyle: str
    name: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"lifestyle": self.lifestyle, "text": self.text}


@dataclass(frozen=True)
class LimitFinding:
    """A label limit the plan goes beyond: blocked unless ``override`` gives a reason."""

    substance: str
    limit: LabelLimit
    found: str  # what the plan has, for the practitioner
    override: Override | None

    def to_dict(self) -> dict[str, Any]:
        return {"substance": self.substance, "limit": self.limit.kind, "text": self.found,
                "reason": self.override.reason if self.override else None}


@dataclass(frozen=True)
class DoseCeiling:
    """A substance's most per session for this patient (lidocaine: 4.5 mg/kg, at most
    300 mg), known when the weight is recorded."""

    substance: str
    amount: float  # in ``unit``
    unit: str
    weight_kg: float

    def to_dict(self) -> dict[str, Any]:
        return {"substance": self.substance, "amount": self.amount, "unit": self.unit,
                "weight_kg": self.weight_kg}


@dataclass(frozen=True)
class ScreeningResult:
    history: tuple[str, ...]  # as declared, plus the under-age item when the age says so
    blocked_by: tuple[Block, ...]
    substances: tuple[SubstanceResult, ...]
    warnings: tuple[Warning, ...]
    advice: tuple[Advice, ...]
    courses: tuple[PlannedCourse, ...]
    applied_overrides: tuple[Override, ...] = field(default=())
    limits_exceeded: tuple[LimitFinding, ...] = ()
    dose_ceilings: tuple[DoseCeiling, ...] = ()
    # The treated areas' ids, or None while they are not all known (see area rules).
    treated_areas: frozenset[str] | None = None

    def area_applies(self, areas: list[str]) -> bool:
        """Whether something that holds for ``areas`` only (empty: everywhere) applies."""
        return not areas or self.treated_areas is None or bool(self.treated_areas & set(areas))

    @property
    def status(self) -> Literal["ok", "blocked"]:
        return "blocked" if self.blocked_by else "ok"

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)

    @property
    def generally_contraindicated(self) -> bool:
        """Blocked by a history item that rules out all mesotherapy."""
        return any(block.general for block in self.blocked_by)

    @property
    def selected(self) -> tuple[SubstanceResult, ...]:
        return tuple(s for s in self.substances if s.selected)

    @property
    def excluded(self) -> tuple[SubstanceResult, ...]:
        return tuple(s for s in self.substances if s.excluded_by_screening)

    def substance(self, substance_id: str) -> SubstanceResult:
        return next(s for s in self.substances if s.id == substance_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SCREENING_FORMAT,
            "status": self.status,
            "blocked_by": [b.to_dict() for b in self.blocked_by],
            "history": list(self.history),
            "substances": [s.to_dict() for s in self.substances],
            "warnings": [w.to_dict() for w in self.warnings],
            "advice": [a.to_dict() for a in self.advice],
            "courses": [c.to_dict() for c in self.courses],
            "label_limits": [f.to_dict() for f in self.limits_exceeded],
            "dose_ceilings": [c.to_dict() for c in self.dose_ceilings],
        }


def treated_areas(doc: Consultation, kb: KnowledgeBase) -> frozenset[str] | None:
    """The vocabulary ids of the treated areas, or None while they are not all known:
    none recorded yet, or one typed as free text (it may be any area)."""
    ids = [kb.area_id(area) for area in doc.areas if area.strip()]
    if not ids or None in ids:
        return None
    return frozenset(i for i in ids if i is not None)


def _area_applies(rule_areas: list[str], areas: frozenset[str] | None) -> bool:
    return not rule_areas or areas is None or bool(areas & set(rule_areas))


def effective_history(doc: Consultation, kb: KnowledgeBase | None = None) -> tuple[str, ...]:
    """The declared history, plus the knowledge base's under-age item (``under-18``) when
    the patient is younger than its minimum age on the consultation date.
    ``kb`` defaults to the shipped base with the practitioner's overlay."""
    kb = kb if kb is not None else default_knowledge()
    history = tuple(doc.history)
    if kb.is_under_age(doc.age) and kb.under_age_history not in history:
        history += (kb.under_age_history,)
    return history


def _reasons_for(substance_id: str, history: tuple[str, ...], kb: KnowledgeBase,
                 areas: frozenset[str] | None) -> tuple[Reason, ...]:
    declared = set(history)
    reasons = []
    for history_id in (h for h in kb.history if h in declared):  # the knowledge base's order
        for rule in kb.history[history_id].rules:
            general = ALL in rule.applies_to
            if (general or substance_id in rule.applies_to) and _area_applies(rule.areas, areas):
                reasons.append(Reason(history_id, rule.effect, rule.text, rule.patient_text, general))
    # Contraindications first, so the strongest reason reads first.
    return tuple(sorted(reasons, key=lambda r: r.effect != "contraindicated"))


def _status(reasons: tuple[Reason, ...]) -> Status:
    effects = {r.effect for r in reasons}
    if "contraindicated" in effects:
        return "contraindicated"
    return "caution" if "caution" in effects else "ok"


def _chosen_concerns(doc: Consultation, kb: KnowledgeBase) -> list[str]:
    """The chosen concerns in the knowledge base's order, not the document's."""
    chosen = set(doc.concerns)
    return [c for c in kb.concerns if c in chosen]


def _suggested(doc: Consultation, kb: KnowledgeBase) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(substance, class, concern, every offering concern) for every substance of the
    suggested classes, once each, in the knowledge base's order.

    A substance several chosen concerns offer is attributed to a concern that pre-selects
    it (PRP to hair loss, rutin to cellulite), else to the first that offers it in the
    knowledge base's order; the class is the one through which that concern offers it."""
    offers: dict[str, list[tuple[str, str]]] = {}  # substance -> [(class, concern)]
    for concern in _chosen_concerns(doc, kb):
        for class_id in kb.classes_of(concern):
            for substance in kb.classes[class_id].substances:
                offers.setdefault(substance, []).append((class_id, concern))
    suggested = []
    for substance, offered in offers.items():
        preselecting = [(k, c) for k, c in offered if substance in kb.concerns[c].preselected]
        class_id, concern = (preselecting or offered)[0]
        suggested.append((substance, class_id, concern, tuple(dict.fromkeys(c for _k, c in offered))))
    return suggested


def _applicable_overrides(substance_id: str, reasons: tuple[Reason, ...],
                          overrides: tuple[Override, ...], kb: KnowledgeBase) -> tuple[Override, ...]:
    """The overrides that lift a specific contraindication, or record a required reason
    (an override of a label limit is matched to the limit, see ``_label_limits``)."""
    specific = {r.history for r in reasons if r.effect == "contraindicated" and not r.general}
    if kb.substances[substance_id].requires_reason:
        specific.add(None)
    return tuple(o for o in overrides if o.substance == substance_id and o.limit is None
                 and o.history in specific)


def _uncleared(reasons: tuple[Reason, ...], overrides: tuple[Override, ...]) -> list[Reason]:
    overridden = {o.history for o in overrides if o.limit is None}
    return [r for r in reasons
            if r.effect == "contraindicated" and not r.general and r.history not in overridden]


def _screen_substances(doc: Consultation, history: tuple[str, ...], kb: KnowledgeBase
                       ) -> tuple[list[SubstanceResult], list[Block]]:
    preselected = {s for c in doc.concerns for s in kb.concerns[c].preselected}
    areas = treated_areas(doc, kb)
    results, blocks = [], []
    for substance_id, class_id, concern, offering in _suggested(doc, kb):
        reasons = _reasons_for(substance_id, history, kb, areas)
        overrides = _applicable_overrides(substance_id, reasons, doc.overrides, kb)
        uncleared = _uncleared(reasons, overrides)
        generally_ruled_out = any(r.general and r.effect == "contraindicated" for r in reasons)
        if doc.substances is None:
            selected = substance_id in preselected and not uncleared and not generally_ruled_out
        else:
            selected = substance_id in doc.substances
        if selected:
            blocks += [Block(r.history, substance_id, _(
                "{substance}: {rule} Choosing it needs an override with a written reason.").format(
                    substance=kb.substance_name(substance_id), rule=r.text))
                for r in uncleared]
            if kb.substances[substance_id].requires_reason and None not in {
                    o.history for o in overrides if o.limit is None}:
                blocks.append(_reason_required(substance_id, kb))
        results.append(SubstanceResult(
            id=substance_id, name=kb.substance_name(substance_id), class_id=class_id,
            concern=concern, status=_status(reasons), selected=selected,
            preselected=substance_id in preselected, reasons=reasons, overrides=overrides,
            requires_reason=kb.substances[substance_id].requires_reason, concerns=offering))
    return results, blocks


def _reason_required(substance_id: str, kb: KnowledgeBase) -> Block:
    substance = kb.substances[substance_id]
    text = _("{substance} is chosen without a recorded reason, and its choice needs one.").format(
        substance=substance.name)
    if substance.reason_prompt:
        text += " " + substance.reason_prompt
    return Block(REASON_REQUIRED, substance_id, text, code=REASON_REQUIRED)


def _general_blocks(history: tuple[str, ...], kb: KnowledgeBase) -> list[Block]:
    declared = set(history)
    return [Block(history_id, None, rule.text, general=True)
            for history_id in kb.history if history_id in declared
            for rule in kb.history[history_id].rules
            if rule.effect == "contraindicated" and ALL in rule.applies_to]


def _involved(interaction: Interaction, selected: set[str], kb: KnowledgeBase) -> list[str]:
    """The chosen substances that make the interaction fire (knowledge-base order), or []."""
    if interaction.any_of:
        chosen = [s for s in kb.substances if s in selected and s in interaction.any_of]
        return chosen if len(chosen) >= interaction.at_least else []
    if interaction.substance not in selected:
        return []
    partners = ({s for c in interaction.with_classes for s in kb.classes[c].substances}
                | set(interaction.with_substances)) - {interaction.substance}
    if (interaction.with_classes or interaction.with_substances) and not partners & selected:
        return []
    return [interaction.substance] + [s for s in kb.substances if s in partners & selected]


def _interaction_warnings(selected: set[str], doc: Consultation, kb: KnowledgeBase) -> list[Warning]:
    warnings = []
    for interaction in kb.interactions.values():
        involved = _involved(interaction, selected, kb)
        if not involved:
            continue
        text = interaction.text
        if interaction.any_of:  # say which of the group are chosen
            text += " " + _("Chosen together: {names}.").format(
                names=", ".join(kb.substance_name(s) for s in involved))
        warnings.append(Warning(interaction.code, text, interaction.patient_text, interaction.effect))
    return warnings


def _override_warnings(doc: Consultation, applied: tuple[Override, ...], kb: KnowledgeBase
                       ) -> list[Warning]:
    used = {id(o) for o in applied}
    warnings = []
    for override in doc.overrides:
        if id(override) in used:
            continue
        name = kb.substance_name(override.substance)
        limit = override.limit
        if limit is not None:
            text = _("The override for {name} (label limit {limit}) does not apply: the substance "
                     "is not chosen, or the plan stays within that limit. It is kept but not "
                     "printed.").format(name=name, limit=limit)
        else:
            text = _("The override for {name} ({history}) does not apply: the substance is not "
                     "chosen, or that history item does not contraindicate it. It is kept but not "
                     "printed.").format(name=name, history=override.history or _("a reason"))
        warnings.append(Warning("override-not-needed", text))
    return warnings


def _limit_override(doc: Consultation, substance_id: str, kind: str) -> Override | None:
    return next((o for o in doc.overrides
                 if o.substance == substance_id and o.limit == kind), None)


def _course_breaks(limit: LabelLimit, course: PlannedCourse) -> str | None:
    """What the course has that goes beyond the limit (for the practitioner), or None."""
    value = limit.value or 0
    if limit.kind == "interval-min" and len(course.sessions) > 1 and course.interval_days < value:
        return _("sessions {days} days apart").format(days=course.interval_days)
    if limit.kind == "sessions-max" and len(course.sessions) > value:
        return _("{count} sessions").format(count=len(course.sessions))
    return None


def _label_limits(doc: Consultation, substances: list[SubstanceResult],
                  courses: list[PlannedCourse], kb: KnowledgeBase
                  ) -> tuple[list[LimitFinding], list[Block], list[Warning]]:
    """The label limits the plan goes beyond (blocked without a reason), and what the
    practitioner must know of the others: the volume, the dose, the areas covered."""
    by_concern = {course.concern: course for course in courses}
    areas = treated_areas(doc, kb)
    findings, blocks, warnings = [], [], []
    for item in (s for s in substances if s.selected):
        for limit in kb.limits_of(item.id):
            override = _limit_override(doc, item.id, limit.kind)
            course = by_concern.get(item.concern)
            found = (_course_breaks(limit, course)
                     if limit.kind in COURSE_LIMITS and course is not None else None)
            if found is None and limit.kind == "volume-max" and override is not None:
                found = _("more than {value:g} {unit} in a session").format(
                    value=limit.value, unit=limit.unit)
            if found is not None:
                findings.append(LimitFinding(item.id, limit, found, override))
                if override is None:
                    blocks.append(Block(LABEL_LIMIT, item.id, _(
                        "{substance}: the plan has {found}. {limit} Going beyond it needs an "
                        "override with a written reason.").format(
                            substance=item.name, found=found, limit=limit.text), code=LABEL_LIMIT))
            elif limit.kind == "areas" and areas is not None and areas - set(limit.areas):
                warnings.append(Warning("off-label-area", limit.text, limit.patient_text, "caution"))
            elif limit.kind in ("volume-max", "dose-max"):
                warnings.append(Warning(f"label-{limit.kind}", limit.text))
    return findings, blocks, warnings


def _dose_ceilings(doc: Consultation, substances: list[SubstanceResult], kb: KnowledgeBase
                   ) -> list[DoseCeiling]:
    weight = doc.patient.weight_kg
    if weight is None:
        return []
    ceilings = []
    for item in (s for s in substances if s.selected):
        for limit in kb.limits_of(item.id):
            if limit.kind == "dose-max" and limit.per_kg is not None and limit.value is not None:
                amount = min(limit.per_kg * float(weight), limit.value)
                ceilings.append(DoseCeiling(item.id, round(amount, 1), limit.unit, float(weight)))
    return ceilings


def _treated_concerns(doc: Consultation, substances: list[SubstanceResult], kb: KnowledgeBase
                      ) -> list[str]:
    """The chosen concerns at least one selected substance is attributed to, in the
    knowledge base's order."""
    attributed = {s.concern for s in substances if s.selected}
    return [c for c in _chosen_concerns(doc, kb) if c in attributed]


def _empty_concern_warnings(doc: Consultation, treated: list[str], kb: KnowledgeBase) -> list[Warning]:
    return [Warning("concern-without-substances", _(
                "No substance is selected for {concern}: it gets no course of sessions.").format(
                    concern=kb.concerns[concern].name.lower()))
            for concern in _chosen_concerns(doc, kb) if concern not in treated]


def _nothing_to_treat() -> Block:
    return Block(NOTHING_TO_TREAT, None, _(
        "No substance is selected: there is nothing to treat or to consent to. Choose at least "
        "one substance, or save the consultation as not treated."), code=NOTHING_TO_TREAT)


def _advice(doc: Consultation, selected: set[str], kb: KnowledgeBase) -> list[Advice]:
    """The advice for each lifestyle risk declared, with what holds only for a chosen
    substance (smoking and PRP) added when it is chosen."""
    advice = []
    for risk_id in doc.lifestyle:
        risk = kb.lifestyle[risk_id]
        if ALL in risk.concerns or set(risk.concerns) & set(doc.concerns):
            extra = [e.advice for e in risk.when_chosen if selected & set(e.substances)]
            advice.append(Advice(risk_id, risk.name, _joined([risk.advice, *extra])))
    return advice


def _joined(texts: list[str]) -> str:
    """Sentences of the knowledge base as one text, in every language all of them have."""
    if len(texts) == 1:
        return texts[0]
    if not all(isinstance(text, TranslatedText) for text in texts):
        return " ".join(texts)
    languages = set.intersection(*(set(text.translations) for text in texts))  # type: ignore[attr-defined]
    return TranslatedText({language: " ".join(text.translations[language]  # type: ignore[attr-defined]
                                              for text in texts)
                           for language in languages})


def history_review_blocks(doc: Consultation) -> list[Block]:
    """A plan to be signed needs every history question answered (``history_reviewed``):
    the consent says every question not declared was answered no. Only a plan asks for it
    (``screen(..., for_plan=True)``); ``mesodesk screen`` does not."""
    if doc.history_reviewed:
        return []
    return [Block(HISTORY_NOT_REVIEWED, None, _(
        "The medical history has not been reviewed: answer every history question yes or no "
        "before the plan is printed for signature."), code=HISTORY_NOT_REVIEWED)]


def screen(doc: Consultation, kb: KnowledgeBase, today: dt.date | None = None, *,
           for_plan: bool = False) -> ScreeningResult:
    """Screen a valid consultation (see ``parse_consultation``) against the knowledge base.
    ``today`` (default: the real date) only decides whether planned sessions are past;
    ``for_plan`` adds what a plan for signature needs (``history_review_blocks``)."""
    history = effective_history(doc, kb)
    substances, substance_blocks = _screen_substances(doc, history, kb)
    general_blocks = _general_blocks(history, kb)
    blocks = general_blocks + substance_blocks
    if for_plan:
        blocks += history_review_blocks(doc)
    selected = {s.id for s in substances if s.selected}
    treated = _treated_concerns(doc, substances, kb)
    if not selected and not general_blocks:
        # Under a general contraindication nothing can be chosen anyway: it is the cause.
        blocks.append(_nothing_to_treat())
    courses, course_warnings = plan_courses(doc, kb, today, concerns=treated)
    courses.sort(key=lambda course: doc.concerns.index(course.concern))  # as they were chosen
    limits, limit_blocks, limit_warnings = _label_limits(doc, substances, courses, kb)
    blocks += limit_blocks
    applied = (tuple(o for s in substances if s.selected for o in s.overrides)
               + tuple(f.override for f in limits if f.override is not None))
    warnings = (_interaction_warnings(selected, doc, kb) + limit_warnings
                + _override_warnings(doc, applied, kb)
                + (_empty_concern_warnings(doc, treated, kb) if selected else [])
                + course_warnings)
    return ScreeningResult(
        history=history, blocked_by=tuple(blocks), substances=tuple(substances),
        warnings=tuple(warnings), advice=tuple(_advice(doc, selected, kb)),
        courses=tuple(courses), applied_overrides=applied, limits_exceeded=tuple(limits),
        dose_ceilings=tuple(_dose_ceilings(doc, substances, kb)),
        treated_areas=treated_areas(doc, kb))


def first_session(result: ScreeningResult) -> dt.date | None:
    dates = [c.sessions[0].date for c in result.courses if c.sessions]
    return min(dates) if dates else None
