"""A one-page summary of a treatment session for the patient to take home: what was given
(product, lot, volume), what to watch for, the aftercare, and the next date.

Its wording goes through the ``documents`` catalogue of the consultation's language
(``mesodesk.i18n.documents``); the knowledge base's own sentences are printed as written.
Deterministic like the plan (reportlab's invariant mode; the only dates are the session's).
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mesodesk import __version__
from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import DELAYED_INFECTION, KnowledgeBase
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.session import TreatmentSession
from mesodesk.i18n import documents
from mesodesk.reports.fonts import REGULAR, register_fonts
from mesodesk.reports.layout import page_size
from mesodesk.reports.styles import ACCENT, BODY_SIZE, RULE, TINT, make_styles
from mesodesk.reports.text import esc, esc_lines

MAX_AFTERCARE = 6  # the page stays one page


def _applies(applies_to: list[str], concern: str) -> bool:
    return "*" in applies_to or concern in applies_to


def render_session_summary(session: TreatmentSession, doc: Consultation, kb: KnowledgeBase,
                           clinic: ClinicSettings | None, next_date: dt.date | None,
                           paper: str = "a4") -> bytes:
    _ = documents(doc.language).gettext  # the patient's language, not the app's
    register_fonts()
    styles = make_styles()
    size = page_size(paper)
    margin = 18 * mm
    width = size[0] - 2 * margin
    story: list = []
    if clinic is not None and clinic.name:
        story.append(Paragraph(esc(clinic.name), styles.clinic_name))
        details = [line for line in (*clinic.address.splitlines(), clinic.phone) if line.strip()]
        if details:
            story.append(Paragraph(esc(" · ".join(details)), styles.clinic_detail))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(esc(_("Your treatment session")), styles.title))
    concern = kb.concerns[session.concern].name if session.concern in kb.concerns \
        else session.concern
    story.append(Paragraph(esc(_("{patient} · {concern}, session {number} · {date}").format(
        patient=doc.patient.name, concern=concern, number=session.number,
        date=session.date.isoformat())), styles.subtitle))

    story.append(Paragraph(esc(_("What was given")), styles.h2))
    head = [_("Product"), _("Substance"), _("Lot"), _("Expiry"), _("Volume")]
    rows = [[Paragraph(esc(text), styles.cell_head) for text in head]]
    for product in session.products:
        name = kb.substances[product.substance].name if product.substance in kb.substances \
            else product.substance
        rows.append([Paragraph(esc(text), styles.cell) for text in (
            product.product or name, name, product.lot, product.expiry,
            _("{volume} mL").format(volume=f"{product.volume_ml:g}"))])
    table = Table(rows, colWidths=[width * f for f in (0.34, 0.24, 0.16, 0.13, 0.13)],
                  repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), TINT),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    if session.areas:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(esc(_("Areas treated: {areas}").format(
            areas=", ".join(session.areas))), styles.body))
    if session.adverse_events:
        story.append(Paragraph(esc(_("Noted during the session")), styles.h3))
        severity = {"mild": _("mild"), "moderate": _("moderate"), "severe": _("severe")}
        for event in session.adverse_events:
            text = (f"{event.kind.replace('-', ' ')} ({severity[event.severity]})"
                    + (f": {event.note}" if event.note else ""))
            story.append(Paragraph(esc(text), styles.bullet))

    story.append(Paragraph(esc(_("What to watch for")), styles.h2))
    serious = [e for e in kb.adverse_effects if e.id == DELAYED_INFECTION]
    story.append(Paragraph(esc(_("Redness, small bumps, bruising and some swelling are "
                                  "common and settle within days.")), styles.bullet))
    for effect in serious:
        story.append(Paragraph(esc(effect.text), styles.bullet))
    story.append(Paragraph(esc(_("Call the clinic if you have fever, spreading redness, "
                                  "severe pain or anything that worries you.")), styles.bullet))

    aftercare = [a for a in kb.aftercare if a.when == "after"
                 and _applies(a.applies_to, session.concern)][:MAX_AFTERCARE]
    if aftercare:
        story.append(Paragraph(esc(_("After the session")), styles.h2))
        for advice in aftercare:
            suffix = f" ({advice.default})" if advice.default and advice.default != "—" else ""
            story.append(Paragraph(esc(advice.text + suffix), styles.bullet))

    story.append(Paragraph(esc(_("Your next session")), styles.h2))
    story.append(Paragraph(esc(_("Planned for {date}.").format(date=next_date.isoformat())
                               if next_date else _("No further session is planned.")),
                           styles.body))
    if session.notes.strip():
        story.append(Paragraph(esc(_("Notes")), styles.h3))
        story.append(Paragraph(esc_lines(session.notes), styles.body))

    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin, title=_("Treatment session {date}").format(
            date=session.date.isoformat()),
        author=(clinic.name if clinic is not None else "") or "mesodesk",
        creator=f"mesodesk {__version__}", lang=doc.language, invariant=1,
        initialFontName=REGULAR, initialFontSize=BODY_SIZE)
    template.build(story, onFirstPage=_rule, onLaterPages=_rule)
    return buffer.getvalue()


def _rule(canvas, template) -> None:
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    top = template.pagesize[1] - template.topMargin + 4 * mm
    canvas.line(template.leftMargin, top, template.pagesize[0] - template.rightMargin, top)
    canvas.restoreState()
