"""A plain-text summary of a screening, for the terminal (``mesodesk screen``)."""

from __future__ import annotations

from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.screening import ScreeningResult
from mesodesk.i18n import _

_MARK = {"ok": "ok", "caution": "CAUTION", "contraindicated": "CONTRAINDICATED"}


def _substance_lines(result: ScreeningResult, kb: KnowledgeBase) -> list[str]:
    lines = []
    for item in result.substances:
        box = "[x]" if item.selected else "[ ]"
        lines.append(f"  {box} {item.name} ({kb.classes[item.class_id].name}): {_MARK[item.status]}")
        lines += [f"        - {reason.history}: {reason.text}" for reason in item.reasons]
        lines += [f"        override ({o.history or _('reason')}): {o.reason}" for o in item.overrides]
    return lines


def format_summary(doc: Consultation, result: ScreeningResult, kb: KnowledgeBase) -> str:
    concerns = ", ".join(kb.concerns[c].name for c in doc.concerns)
    lines = [
        f"{doc.patient.name}, {doc.age} {_('years')}, {_('consultation of')} {doc.date.isoformat()}",
        f"{_('Concerns')}: {concerns}",
        f"{_('History')}: {', '.join(result.history) or _('nothing declared')}",
        "",
        f"{_('Status')}: {result.status.upper()}",
    ]
    lines += [f"  {_('blocked by')} {b.history}: {b.text}" for b in result.blocked_by]
    lines += ["", _("Substances:")] + _substance_lines(result, kb)
    if result.warnings:
        lines += ["", _("Warnings:")] + [f"  ! {w.text}" for w in result.warnings]
    for finding in result.limits_exceeded:
        if finding.override is not None:
            lines.append("  ! " + _("{substance} beyond its label ({found}); reason: {reason}").format(
                substance=kb.substance_name(finding.substance), found=finding.found,
                reason=finding.override.reason))
    for ceiling in result.dose_ceilings:
        lines.append("  ! " + _("{substance} ceiling for {weight:g} kg: {amount:g} {unit} per "
                                "session, all areas together").format(
            substance=kb.substance_name(ceiling.substance), weight=ceiling.weight_kg,
            amount=ceiling.amount, unit=ceiling.unit))
    if result.advice:
        lines += ["", _("Advice:")] + [f"  - {a.name}: {a.text}" for a in result.advice]
    lines += ["", _("Courses:")]
    for course in result.courses:
        dates = ", ".join(s.date.isoformat() for s in course.sessions)
        lines.append(f"  {kb.concerns[course.concern].name}: {len(course.sessions)} "
                     f"{_('sessions every')} {course.interval_days} {_('days')}: {dates}")
        lines.append(f"    {course.maintenance}")
    return "\n".join(lines)
