"""Paper, margins, and what is drawn on every page: the running header and the footer.

The footer says "Page X of Y", which is only known once every page is laid out, so
each page's footer is a form that the canvas draws when it is saved, with the total
(see ``NumberedCanvas``). Nothing is ever drawn within ``SAFE_MARGIN`` of the
paper's edge, where office printers cannot print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from mesodesk import __version__
from mesodesk.domain.translated import MissingTranslation

from mesodesk.reports.errors import ReportError
from mesodesk.reports.fonts import REGULAR
from mesodesk.reports.styles import BODY_SIZE, MUTED, RULE
from mesodesk.reports.words import _, number

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

SAFE_MARGIN = 12 * mm  # nothing at all is drawn closer than this to an edge
LEFT_MARGIN = RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 24 * mm  # the running header sits above the text frame
FIRST_TOP_MARGIN = 15 * mm  # the first page of each part has no running header
BOTTOM_MARGIN = 24 * mm  # the footer sits below it

HEADER_BASELINE = 16 * mm  # from the top edge
HEADER_DETAILS_BASELINE = 19.2 * mm  # the clinic's address and phone, under its name
HEADER_RULE = 20.6 * mm
FOOTER_BASELINE = 14 * mm  # from the bottom edge
FOOTER_RULE = 18 * mm
DECOR_SIZE = 7.8


def page_size(paper: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[paper]
    except KeyError:
        known = ", ".join(PAGE_SIZES)
        raise ReportError(f"unknown paper size '{paper}' (choose {known})") from None


@dataclass(frozen=True)
class PageDecor:
    """What the header and footer say; the same on every page but the page number."""

    date: str
    fingerprint: str
    patient: str
    clinic: str
    part_titles: dict[str, str]
    clinic_details: str = ""  # the address on one line, and the phone
    chain_head: str = ""  # the audit chain's head when printed (short hash), if from records


def fit(text: str, width: float, font: str = REGULAR, size: float = DECOR_SIZE) -> str:
    """The text, shortened with an ellipsis to fit ``width`` (header lines only)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class PartMarker(Flowable):
    """Zero-size flowable marking where the plan or the consent summary begins.

    The page it lands on gets no running header (it carries the full clinic header
    instead), and the following pages name the part in theirs.
    """

    def __init__(self, part: str):
        super().__init__()
        self.part = part
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.start_part(self.part)  # a NumberedCanvas


def footer_form(number: int) -> str:
    return f"mesodesk-footer-{number}"


class NumberedCanvas(Canvas):
    """A canvas that draws the running header on every page and the footer, "Page X
    of Y", once the number of pages is known.

    Each page refers to its footer as a form (a PDF XObject) when it is closed; the
    forms are drawn when the document is saved, with the total. (reportlab's
    ``doForm`` takes a form that is defined later, with ``beginForm``/``endForm``.)
    Its own attributes have public names, so that none can clash with the canvas's.
    """

    def __init__(self, *args: Any, decor: PageDecor, pagesize: tuple[float, float],
                 **kwargs: Any):
        super().__init__(*args, pagesize=pagesize, **kwargs)
        self.decor = decor
        self.page_width, self.page_height = pagesize
        self.pages_closed = 0
        self.part = ""
        self.part_starts = False  # on this page

    def start_part(self, part: str) -> None:
        self.part = part
        self.part_starts = True

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self.pages_closed += 1
        if not self.part_starts:
            self.draw_header()
        self.doForm(footer_form(self.pages_closed))
        super().showPage()
        self.part_starts = False

    def save(self) -> None:
        total = self.pages_closed
        for page in range(1, total + 1):
            self.beginForm(footer_form(page))
            self.draw_footer(page, total)
            self.endForm()
        super().save()

    def _decor_pen(self) -> None:
        """The running header's and footer's thin rule and muted small type."""
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, DECOR_SIZE)

    def draw_header(self) -> None:
        decor = self.decor
        inner = self.page_width - LEFT_MARGIN - RIGHT_MARGIN
        self._decor_pen()
        title = decor.part_titles.get(self.part, "")
        right = fit(decor.clinic, inner * 0.4)
        left_width = inner - stringWidth(right, REGULAR, DECOR_SIZE) - 6 * mm
        left = fit(f"{title} · {decor.patient}" if title else decor.patient, left_width)
        y = self.page_height - HEADER_BASELINE
        self.drawString(LEFT_MARGIN, y, left)
        if right:
            self.drawRightString(self.page_width - RIGHT_MARGIN, y, right)
        if decor.clinic_details:
            # How to reach the clinic, on every page: a page alone still says who to call.
            self.drawRightString(self.page_width - RIGHT_MARGIN,
                                 self.page_height - HEADER_DETAILS_BASELINE,
                                 fit(decor.clinic_details, inner))
        self.line(LEFT_MARGIN, self.page_height - HEADER_RULE,
                  self.page_width - RIGHT_MARGIN, self.page_height - HEADER_RULE)
        self.restoreState()

    def draw_footer(self, page: int, total: int) -> None:
        decor = self.decor
        inner = self.page_width - LEFT_MARGIN - RIGHT_MARGIN
        self._decor_pen()
        self.line(LEFT_MARGIN, FOOTER_RULE, self.page_width - RIGHT_MARGIN, FOOTER_RULE)
        footer = _("Page {page} of {pages} · {date} · {fingerprint}").format(
            page=number(page), pages=number(total), date=decor.date, fingerprint=decor.fingerprint)
        if decor.chain_head:
            footer += " · " + _("audit {head}").format(head=decor.chain_head)
        self.drawCentredString(self.page_width / 2, FOOTER_BASELINE, fit(footer, inner))
        self.restoreState()


# The first page leaves room for the clinic's letterhead; later pages only for the header.
PAGES = (("first", FIRST_TOP_MARGIN), ("later", TOP_MARGIN))


def build_paper(story: list[Flowable], *, size: tuple[float, float], decor: PageDecor,
                what: str, pages: tuple[tuple[str, float], ...] = PAGES, **metadata: Any
                ) -> bytes:
    """One of the patient's papers as PDF bytes: ``story`` laid out in a frame exactly the
    text width (no padding) on each of ``pages`` (template name, top margin), with the
    header, footer and "page X of Y" of ``decor``; ``metadata`` (title, author, subject,
    keywords, lang) goes into the PDF. Deterministic bytes, DejaVu from the first page on.
    A layout that fails is a ``ReportError`` naming ``what`` could not be laid out."""
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer, pagesize=size, leftMargin=LEFT_MARGIN, rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, creator=f"mesodesk {__version__}",
        # Without this the canvas starts every page in Helvetica, which would be
        # referenced (though unused) on every page.
        initialFontName=REGULAR, initialFontSize=BODY_SIZE,
        invariant=1, pageCompression=1, **metadata)
    width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
    template.addPageTemplates([
        PageTemplate(id=name, frames=[Frame(LEFT_MARGIN, BOTTOM_MARGIN, width,
                                            size[1] - top - BOTTOM_MARGIN, id=f"{name}-text",
                                            leftPadding=0, rightPadding=0, topPadding=0,
                                            bottomPadding=0)])
        for name, top in pages])
    try:
        template.build(story, canvasmaker=partial(NumberedCanvas, decor=decor))
    except (ReportError, MissingTranslation):
        raise
    except Exception as error:  # reportlab's LayoutError and friends
        raise ReportError(f"{what} could not be laid out: {error}") from error
    return buffer.getvalue()
