"""The review page's summary: everything the patient consents to, on one page.

Built as HTML for a QTextBrowser; every piece of text (the patient's and the knowledge
base's alike) is escaped, so a name like ``<b>&`` shows as typed.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QDate, QLocale

from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.screening import ScreeningResult
from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.labels import SCREENING_COLOURS, SEX



def long_date(day) -> str:
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd d MMM yyyy")


def _section(title: str) -> str:
    return (f'<h3 style="margin-top:14px; margin-bottom:4px; color:{colours.css("accent")};">'
            f'{escape(title)}</h3>')


def _list(items: list[str]) -> str:
    if not items:
        return ""
    return "<ul style='margin-top:2px; margin-bottom:2px;'>" + "".join(
        f"<li>{item}</li>" for item in items) + "</ul>"


def _para(text: str, colour: str | None = None) -> str:
    style = f" style='color:{colour};'" if colour else ""
    return f"<p{style}>{text}</p>"


def _escape(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def review_html(doc: Consultation, result: ScreeningResult, kb: KnowledgeBase) -> str:
    e = _escape
    parts: list[str] = []
    patient = doc.patient
    details = [_("born {date}, {age} years").format(date=doc.patient.date_of_birth.isoformat(),
                                                    age=doc.age)]
    if patient.sex:
        details.append(_(SEX.get(patient.sex, patient.sex)))
    contact = ", ".join(part for part in (patient.phone, patient.email) if part)
    parts.append(f"<h2 style='margin-bottom:2px;'>{e(patient.name)}</h2>")
    parts.append(_para(e(" · ".join(details)) + (f"<br>{e(contact)}" if contact else "")))
    who = doc.practitioner.name if doc.practitioner else _("no practitioner named (set one in Settings)")
    parts.append(_para(e(_("Consultation of {date} with {who}").format(
        date=long_date(doc.date), who=who))))

    if result.blocked:
        causes = "".join(f"<li>{e(block.text)}</li>" for block in result.blocked_by)
        parts.append(f"<p style='color:{colours.css('error')};'><b>{e(_('Blocked:'))}</b></p><ul>{causes}</ul>")

    parts.append(_section(_("Concerns and areas")))
    concerns = ", ".join(kb.concerns[c].name for c in doc.concerns)
    areas = ", ".join(doc.areas) or _("not given")
    parts.append(_para(e(concerns) + "<br>" + e(_("Areas: {areas}").format(areas=areas))))
    if doc.goals.strip():
        parts.append(_para(e(_("The patient's goals (printed): {goals}").format(goals=doc.goals))))
    facts = [_("Documents in {language}").format(
        language={"en": "English", "el": "Ελληνικά"}.get(doc.language, doc.language))]
    if doc.patient.weight_kg is not None:
        facts.insert(0, _("Weight {weight:g} kg").format(weight=doc.patient.weight_kg))
    parts.append(_para(e(" · ".join(facts))))

    parts.append(_section(_("Medical history")))
    history = [e(kb.history[h].label) for h in result.history if h in kb.history]
    parts.append(_list(history) if history else _para(e(_("Nothing declared."))))
    parts.append(_para(e(_("Every other question was answered no.") if doc.history_reviewed
                         else _("Not every question has been answered yet."))))
    if doc.history_notes.strip():
        parts.append(_para(e(_("Notes (printed on the consent summary): {notes}").format(
            notes=doc.history_notes))))

    parts.append(_section(_("Ingredients")))
    chosen = []
    for item in result.selected:
        status = {"ok": _("no concern found"), "caution": _("caution"),
                  "contraindicated": _("contraindicated, chosen with override")}[item.status]
        line = (f"<b>{e(item.name)}</b> <span style='color:{colours.muted()};'>"
                f"({e(kb.classes[item.class_id].name)})</span> "
                f"<span style='color:{colours.css(SCREENING_COLOURS[item.status])};'>{e(status)}</span>")
        notes = [e(reason.text) for reason in item.reasons]
        notes += [e(_("Override: {reason}").format(reason=o.reason)) for o in item.overrides]
        notes.append(e(kb.substances[item.id].regulatory))
        line += f"<br><span style='color:{colours.muted()};'>" + "<br>".join(notes) + "</span>"
        chosen.append(line)
    parts.append(_list(chosen) if chosen else _para(e(_("No substance chosen."))))
    if result.excluded:
        left_out = [f"{e(item.name)}: {e('; '.join(r.text for r in item.contraindications))}"
                    for item in result.excluded]
        parts.append(_para(e(_("Left out because of the medical history:"))) + _list(left_out))

    if result.warnings:
        parts.append(_section(_("Warnings")))
        parts.append(_list([f"<span style='color:{colours.css('caution')};'>{e(w.text)}</span>"
                            for w in result.warnings]))

    parts.append(_section(_("Lifestyle")))
    if result.advice:
        parts.append(_list([f"<b>{e(a.name)}</b>: {e(a.text)}" for a in result.advice]))
    else:
        parts.append(_para(e(_("No lifestyle risk factor noted."))))

    parts.append(_section(_("Course")))
    for course in result.courses:
        name = kb.concerns[course.concern].name
        dates = ", ".join(long_date(s.date) for s in course.sessions)
        parts.append(_para(
            f"<b>{e(name)}</b>: "
            + e(_("{count} sessions, every {days} days").format(count=len(course.sessions),
                                                                days=course.interval_days))
            + f"<br>{e(dates)}<br><span style='color:{colours.muted()};'>{e(course.maintenance)}</span>"))

    if doc.notes.strip():
        parts.append(_section(_("Notes for the patient's plan (printed)")))
        parts.append(_para(e(doc.notes)))
    if doc.clinical_notes.strip():
        parts.append(_section(_("Clinical notes (only you see this; never printed)")))
        parts.append(_para(e(doc.clinical_notes)))

    parts.append(_section(_("The consent summary covers")))
    parts.append(_list([e(section.title) for section in kb.consent_sections]))
    body = "".join(parts)
    return f"<div style='font-size:10pt;'>{body}</div>"
