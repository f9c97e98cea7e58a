"""The course as it happened, printed after a signed plan: the sessions done (date, areas,
each product with its lot and expiry, volumes, adverse events), corrections shown as such,
and the sessions still to come.

A signed plan is never rendered again: its PDF stays byte for byte what the patient signed
(``services.plans.signed_pdf``). This is a separate PDF, rendered now from the records and
printed with it (``services.plans.reprint``; docs/course-record.md says why). Its footer
carries the consultation's fingerprint, as the signed pages do, so the two papers are seen
to belong together. In the patient's language (the ``documents`` catalogue), like the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.session import SessionRecord, TreatmentSession
from mesodesk.domain.translated import MissingTranslation
from mesodesk.reports.errors import ReportError
from mesodesk.reports.fonts import register_fonts
from mesodesk.reports.layout import (
    LEFT_MARGIN,
    RIGHT_MARGIN,
    PageDecor,
    PartMarker,
    build_paper,
    page_size,
)
from mesodesk.reports.styles import RULE, TINT, WARN_RULE, WARN_TINT, Styles, make_styles
from mesodesk.reports.text import clean, esc, esc_lines, sentence
from mesodesk.reports.words import _, join_words, local, long_date, number, writing_in


@dataclass(frozen=True)
class PlannedSession:
    """A planned session not recorded yet."""

    concern: str
    number: int
    date: dt.date


def render_course_record(doc: Consultation, history: Sequence[SessionRecord],
                         to_come: Sequence[PlannedSession], kb: KnowledgeBase,
                         clinic: ClinicSettings | None, paper: str, printed_on: dt.date,
                         chain_head: str = "") -> bytes:
    """The course record of a consultation: ``history`` is every recorded session, the
    corrected ones too; ``to_come`` the planned sessions not recorded."""
    with writing_in(doc.language):
        try:
            return _build(doc, history, to_come, kb, clinic or ClinicSettings(), paper,
                          printed_on, chain_head)
        except MissingTranslation as missing:
            raise ReportError(
                f"the knowledge base has no '{missing.language}' text for “{missing.text}”, so a "
                f"course record in that language cannot be printed") from None


def _build(doc: Consultation, history: Sequence[SessionRecord],
           to_come: Sequence[PlannedSession], kb: KnowledgeBase, clinic: ClinicSettings,
           paper: str, printed_on: dt.date, chain_head: str) -> bytes:
    size = page_size(paper)
    register_fonts()
    styles = make_styles()
    width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
    names = _Names(kb)
    patient = clean(doc.patient.name).replace("\n", " ")
    story: list[Flowable] = [NextPageTemplate("later"), PartMarker("course"),
                             *_heading(doc, clinic, styles, printed_on)]
    heading = Paragraph(esc(_("Sessions done")), styles.h2)
    ordered = sorted(history, key=lambda r: (r.session.date, r.id))
    if not ordered:
        story += [heading, Paragraph(esc(_("No session has been recorded yet.")), styles.body)]
    for index, record in enumerate(ordered):
        # A session's heading, details and products stay on one page; its adverse events
        # and notes may run on. The section's heading goes with the first session (a
        # heading's keepWithNext does not reach into a KeepTogether).
        head, rest = _session_block(record, names, styles, width)
        story += [KeepTogether([heading, *head] if index == 0 else head), *rest]
    story.extend(_to_come(to_come, names, styles, width, printed_on))

    decor = PageDecor(
        date=long_date(printed_on), fingerprint=doc.fingerprint(), patient=patient,
        clinic=clean(clinic.name).strip() or clean(clinic.practitioner_name).strip(),
        clinic_details=" · ".join(clean(line).strip() for line in clinic.address.splitlines()
                                  if line.strip()),
        part_titles={"course": _("Course record")}, chain_head=chain_head)
    return build_paper(
        story, size=size, decor=decor, what="the course record",
        title=_("Course record: {patient}").format(patient=patient),
        author=clean(clinic.name).strip() or "mesodesk",
        subject=_("The treatment course as it happened, consultation of {date} (record "
                  "{fingerprint})").format(date=doc.date.isoformat(),
                                           fingerprint=doc.fingerprint()),
        lang=doc.language)


class _Names:
    """The knowledge base's names in the document's language; anything else as typed."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.effects = {effect.id: effect.text for effect in kb.adverse_effects}

    def concern(self, concern_id: str) -> str:
        found = self.kb.concerns.get(concern_id)
        return local(found.name) if found is not None else concern_id

    def substance(self, substance_id: str) -> str:
        found = self.kb.substances.get(substance_id)
        return local(found.name) if found is not None else substance_id

    def area(self, typed: str) -> str:
        area_id = self.kb.area_id(typed)
        return local(self.kb.areas[area_id].name) if area_id is not None else typed

    def effect(self, kind: str) -> str:
        return local(self.effects[kind]) if kind in self.effects else _("Other")


def _heading(doc: Consultation, clinic: ClinicSettings, styles: Styles,
             printed_on: dt.date) -> list[Flowable]:
    story: list[Flowable] = []
    if clinic.name.strip():
        story.append(Paragraph(esc(clinic.name), styles.clinic_name))
        details = [line for line in (*clinic.address.splitlines(), clinic.phone) if line.strip()]
        if details:
            story.append(Paragraph(esc(" · ".join(details)), styles.clinic_detail))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(esc(_("Course record")), styles.title))
    story.append(Paragraph(esc(_("{patient} · born {date_of_birth}").format(
        patient=doc.patient.name, date_of_birth=long_date(doc.patient.date_of_birth))),
        styles.subtitle))
    story.append(Paragraph(esc(_(
        "This record belongs to the signed treatment plan and consent of {date} (record "
        "{fingerprint}), which are unchanged. It shows the course as it happened, as "
        "recorded up to {printed}.").format(date=long_date(doc.date),
                                             fingerprint=doc.fingerprint(),
                                             printed=long_date(printed_on))), styles.body))
    return story


def _session_block(record: SessionRecord, names: _Names, styles: Styles, width: float
                   ) -> tuple[list[Flowable], list[Flowable]]:
    """The session's heading, corrections, details and products; then the rest."""
    session = record.session
    block: list[Flowable] = [Paragraph(esc(_("Session {number}, {concern} · {date}").format(
        number=number(session.number), concern=names.concern(session.concern),
        date=long_date(session.date))), styles.h3)]
    if record.corrects is not None:
        block.append(_note(_("Correction of record {id}: {reason}").format(
            id=record.corrects, reason=record.correction_reason), styles, width, WARN_TINT,
            WARN_RULE))
    if not record.in_force:
        block.append(_note(_("Replaced by the correction recorded as {id}: kept as it was "
                             "recorded, no longer part of the course.").format(
            id=record.corrected_by), styles, width, TINT, RULE))
    details = []
    if session.practitioner is not None:
        details.append(_("By {name}").format(name=session.practitioner.name))
    if session.areas:
        details.append(_("Areas: {areas}").format(
            areas=join_words([names.area(area) for area in session.areas])))
    technique = _technique(session)
    if technique:
        details.append(_("Technique: {technique}").format(technique=technique))
    if session.patient_weight_kg is not None:
        details.append(_("Weight: {weight} kg").format(weight=number(session.patient_weight_kg)))
    if details:
        block.append(Paragraph(esc(" · ".join(details)), styles.body))
    block.append(_products(session, names, styles, width))
    head, block = block, [Spacer(1, 2 * mm)]
    if session.adverse_events:
        block.append(Paragraph(esc(_("Noted after the injections:")), styles.intro))
        severity = {"mild": _("Mild"), "moderate": _("Moderate"), "severe": _("Severe")}
        for event in session.adverse_events:
            text = _("{severity}: {effect}").format(severity=severity[event.severity],
                                                    effect=sentence(names.effect(event.kind)))
            if event.note.strip():
                text += " " + _("Note: {note}").format(note=event.note)
            block.append(Paragraph(esc(text), styles.bullet))
    else:
        block.append(Paragraph(esc(_("No adverse event was noted.")), styles.body))
    if session.notes.strip():
        block.append(Paragraph(esc(_("Notes")), styles.label))
        block.append(Paragraph(esc_lines(session.notes), styles.body))
    return head, block


def _technique(session: TreatmentSession) -> str:
    technique = session.technique
    if technique is None:
        return ""
    depths = {"intradermal": _("intradermal"),
              "superficial-subcutaneous": _("superficial subcutaneous"),
              "subcutaneous": _("subcutaneous")}
    parts = [depths[technique.depth] if technique.depth else "", technique.needle or "",
             technique.method or ""]
    return ", ".join(part for part in parts if part.strip())


def _products(session: TreatmentSession, names: _Names, styles: Styles, width: float) -> Table:
    head = [_("Product"), _("Substance"), _("Lot"), _("Expiry"), _("Volume"),
            _("Concentration")]
    rows = [[Paragraph(esc(text), styles.cell_head) for text in head]]
    for product in session.products:
        substance = names.substance(product.substance)
        concentration = (_("{value} mg/mL").format(value=number(product.concentration_mg_per_ml))
                         if product.concentration_mg_per_ml is not None else "—")
        rows.append([Paragraph(esc(text), styles.cell) for text in (
            product.product or substance, substance, product.lot, product.expiry,
            _("{volume} mL").format(volume=number(product.volume_ml)), concentration)])
    table = Table(rows, colWidths=[width * f for f in (0.28, 0.18, 0.14, 0.11, 0.11, 0.18)],
                  repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TINT),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _note(text: str, styles: Styles, width: float, tint, rule) -> Table:
    box = Table([[Paragraph(esc(text), styles.callout)]], colWidths=[width])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), tint),
                             ("LINEBEFORE", (0, 0), (0, -1), 2, rule),
                             ("TOPPADDING", (0, 0), (-1, -1), 4),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return box


def _to_come(to_come: Sequence[PlannedSession], names: _Names, styles: Styles, width: float,
             printed_on: dt.date) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(esc(_("Sessions still to come")), styles.h2)]
    if not to_come:
        story.append(Paragraph(esc(_("No further session is planned.")), styles.body))
        return story
    head = [_("Session"), _("Concern"), _("Planned for")]
    rows = [[Paragraph(esc(text), styles.cell_head) for text in head]]
    for planned in sorted(to_come, key=lambda p: (p.date, p.concern, p.number)):
        when = long_date(planned.date)
        if planned.date < printed_on:
            when = _("{date} (passed, not recorded)").format(date=when)
        rows.append([Paragraph(esc(text), styles.cell) for text in (
            number(planned.number), names.concern(planned.concern), when)])
    table = Table(rows, colWidths=[width * f for f in (0.15, 0.3, 0.55)], repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TINT),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    return story
