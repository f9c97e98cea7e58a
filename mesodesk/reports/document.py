"""Assembles the one PDF: the treatment plan, a page break, the consent summary.

Output is deterministic: reportlab's invariant mode fixes the creation date and the
document id, and nothing here reads the clock; the only date printed is the
consultation's. The same consultation therefore gives the same bytes.
"""

from __future__ import annotations


from reportlab.platypus import NextPageTemplate, PageBreak

from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.screening import ScreeningResult
from mesodesk.domain.translated import MissingTranslation
from mesodesk.reports.blocks import glue
from mesodesk.reports.consent import consent_story
from mesodesk.reports.context import Context
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
from mesodesk.reports.plan import plan_story
from mesodesk.reports.styles import make_styles
from mesodesk.reports.text import clean
from mesodesk.reports.words import _, writing_in


def _clinic_details(ctx: Context) -> str:
    """The clinic's address on one line and its phone, for the running header."""
    lines = [clean(line).strip() for line in ctx.clinic.address.splitlines() if line.strip()]
    if ctx.clinic.phone.strip():
        lines.append(_("Phone: {phone}").format(phone=clean(ctx.clinic.phone).strip()))
    return " · ".join(lines)


def build_pdf(doc: Consultation, result: ScreeningResult, kb: KnowledgeBase,
              clinic: ClinicSettings | None, paper: str, chain_head: str = "") -> bytes:
    if result.blocked:
        causes = "; ".join(f"{block.history}: {block.text}" for block in result.blocked_by)
        raise ReportError(f"no plan is printed for a clinically blocked consultation ({causes})")
    # The patient's language, for every word on the paper (not the app's).
    with writing_in(doc.language):
        try:
            return _build(doc, result, kb, clinic, paper, chain_head)
        except MissingTranslation as missing:
            raise ReportError(
                f"the knowledge base has no '{missing.language}' text for “{missing.text}”, so a "
                f"paper in that language cannot be printed; run 'mesodesk knowledge check'"
            ) from None


def _build(doc: Consultation, result: ScreeningResult, kb: KnowledgeBase,
           clinic: ClinicSettings | None, paper: str, chain_head: str) -> bytes:
    size = page_size(paper)
    register_fonts()
    styles = make_styles()
    width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
    ctx = Context.create(doc, result, kb, clinic, styles, width)

    # Each part opens on a "first" page (clinic header, no running header, so its text
    # starts higher); the pages after it are "later" pages.
    story = [NextPageTemplate("later"), PartMarker("plan"), *glue(plan_story(ctx)),
             NextPageTemplate("first"), PageBreak(), NextPageTemplate("later"),
             PartMarker("consent"), *glue(consent_story(ctx))]

    patient = clean(doc.patient.name).replace("\n", " ")
    author = ctx.practitioner_name_raw or ctx.clinic_name_raw or "mesodesk"
    decor = PageDecor(
        date=ctx.date, fingerprint=doc.fingerprint(), patient=patient,
        clinic=ctx.clinic_name_raw or ctx.practitioner_name_raw,
        clinic_details=_clinic_details(ctx),
        part_titles={"plan": _("Treatment plan"), "consent": _("Consent summary")},
        chain_head=chain_head,
    )
    return build_paper(
        story, size=size, decor=decor, what="the document",
        title=_("Treatment plan and consent summary: {patient}").format(patient=patient),
        author=author,
        subject=_("Mesotherapy treatment plan and consent summary, consultation of {date} "
                  "(record {fingerprint})").format(date=doc.date.isoformat(),
                                                   fingerprint=doc.fingerprint()),
        keywords=[_("mesotherapy"), _("treatment plan"), _("consent"), doc.fingerprint()],
        lang=doc.language)
