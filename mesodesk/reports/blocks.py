"""Building blocks shared by the plan and the consent summary.

Each function returns flowables made with reportlab's public API: its own
Paragraph, KeepTogether, Spacer, CondPageBreak and Table, and two small Flowables
of ours (the callout box and the clinic header) that implement the Flowable
contract (``wrap`` and ``draw``). Text arguments are already escaped Paragraph
markup (see ``mesodesk.reports.text``); nothing here escapes again.
"""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mesodesk.reports.errors import ReportError
from mesodesk.reports.fonts import BOLD, REGULAR
from mesodesk.reports.styles import ACCENT, INK, RULE, TINT, WARN_RULE, WARN_TINT, Styles
from mesodesk.reports.words import _

LIST_END_SPACE = 4  # points between a bulleted list and what follows it


class Together:
    """Flowables to keep on one page, as an item of a story.

    Not a flowable itself: ``glue`` makes it reportlab's KeepTogether, with the
    heading or introduction before it (if any) inside. The story of the plan or of
    the consent summary is a list of flowables and of these.
    """

    def __init__(self, items: Sequence[StoryItem]):
        # (A group inside is kept together inside, as reportlab nests them.)
        self.flowables: list[Flowable] = [
            KeepTogether(item.flowables) if isinstance(item, Together) else item
            for item in items]


StoryItem = Flowable | Together


# Tables set a font for every cell (Helvetica unless told), even when every cell is a
# Paragraph with its own: without this, Helvetica would be referenced by the PDF.
_PLAIN = [("FONTNAME", (0, 0), (-1, -1), REGULAR)]


@dataclass(frozen=True)
class PngImage:
    """A PNG decoded and measured up front, so a bad image fails before layout."""

    data: bytes
    width: int
    height: int

    def flowable(self, max_width: float, max_height: float) -> Image:
        scale = min(max_width / self.width, max_height / self.height)
        image = Image(io.BytesIO(self.data), width=self.width * scale,
                      height=self.height * scale, mask="auto")
        image.hAlign = "LEFT"
        return image


def read_png(data: bytes, what: str) -> PngImage:
    try:
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception as error:  # Pillow raises many kinds for damaged images
        raise ReportError(f"{what} is not a readable image ({error})") from None
    if width <= 0 or height <= 0:
        raise ReportError(f"{what} is an empty image")
    return PngImage(data, width, height)


def read_png_base64(value: str, what: str) -> PngImage:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ReportError(f"{what} is not valid base64") from None
    return read_png(raw, what)


def heading(text: str, styles: Styles) -> list[StoryItem]:
    # A section heading near the bottom of a page starts a new page rather than
    # leaving a heading with one line under it.
    return [CondPageBreak(18 * mm), Paragraph(text, styles.h2)]


def bullets(items: Sequence[str | list[Flowable]], styles: Styles,
            tail: Sequence[Flowable] = ()) -> list[StoryItem]:
    """A bulleted list; an item is markup, or flowables (a line in the ``bullet``
    style, which draws the bullet, plus its notes).

    The items are plain paragraphs in the story (each draws its own bullet, see the
    ``bullet`` style), not a reportlab ListFlowable, so that a list breaks across
    pages between any two of its items.
    A first item with notes is kept together, so a heading before the list (which
    keeps with what follows) takes the whole first item to the next page, not the
    whole list; ``tail`` (a closing box) is kept with the last item.
    """
    groups = [[Paragraph(item, styles.bullet)] if isinstance(item, str) else list(item)
              for item in items]
    if not groups:
        return list(tail)
    # Between items each paragraph keeps its own space after; the list ends with a
    # little more before whatever follows it.
    groups[-1][-1].spaceAfter = LIST_END_SPACE
    story: list[StoryItem] = []
    for index, group in enumerate(groups):
        if index == len(groups) - 1 and tail:
            story.append(Together([*group, *tail]))
        elif index == 0 and len(group) > 1:
            story.append(Together(group))
        else:
            story += group
    return story


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell's content, ``text`` (markup) in ``style``, ``width`` wide inside
    its padding.

    Plain text that fits on one line is given to the table as a string, which the
    table draws itself: on the same baseline, one font size below the top, and with
    the same row height (one line's leading) as the one-line Paragraph it stands for,
    for a fraction of the cost. The table must then draw that cell in ``style``'s
    font (see ``_text_style``). Anything else is a Paragraph. Plain text here is
    what a Paragraph would print unchanged: no markup, printable characters, and
    single spaces between words only.
    """
    if (text and "<" not in text and "&" not in text and text.isprintable()
            and "  " not in text and text == text.strip()
            and stringWidth(text, style.fontName, style.fontSize) <= width):
        return text
    return Paragraph(text, style)


def _text_style(start: tuple[int, int], end: tuple[int, int], style: ParagraphStyle
                ) -> list[tuple]:
    """TableStyle commands that draw the string cells from start to end in ``style``."""
    return [("FONTNAME", start, end, style.fontName), ("FONTSIZE", start, end, style.fontSize),
            ("LEADING", start, end, style.leading), ("TEXTCOLOR", start, end, style.textColor)]


def info_table(rows: Sequence[tuple[str, str] | tuple[str, str, str, str]], width: float,
               styles: Styles) -> Table:
    """The patient box on a pale tint: a row is one label/value pair across the whole
    width (for long values such as a name), or two pairs side by side."""
    label_width = 27 * mm
    value_width = width / 2 - label_width
    padding = 7 + 5  # left and right

    def label(text: str) -> str | Paragraph:
        return _cell(text, styles.label, label_width - padding)

    def value(text: str, columns: float) -> str | Paragraph:
        return _cell(text, styles.cell_bold, columns - padding)

    data = []
    spans = []
    for index, row in enumerate(rows):
        if len(row) == 2:
            data.append([label(row[0]), value(row[1], width - label_width), "", ""])
            spans.append(("SPAN", (1, index), (3, index)))
        else:
            l1, v1, l2, v2 = row
            data.append([label(l1), value(v1, value_width), label(l2), value(v2, value_width)])
    table = Table(data, colWidths=[label_width, value_width, label_width, value_width],
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        *_PLAIN,
        *_text_style((0, 0), (0, -1), styles.label),
        *_text_style((2, 0), (2, -1), styles.label),
        *_text_style((1, 0), (1, -1), styles.cell_bold),
        *_text_style((3, 0), (3, -1), styles.cell_bold),
        ("BACKGROUND", (0, 0), (-1, -1), TINT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
        ("LINEABOVE", (0, 0), (-1, 0), 1.4, ACCENT),
        *spans,
    ]))
    return table


# The look shared by data tables: a tinted header row with an accent rule, thin rules
# between rows, and the same padding.
_DATA_FRAME = [
    ("BACKGROUND", (0, 0), (-1, 0), TINT),
    ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
    ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 2.3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.9),
    ("LEFTPADDING", (0, 0), (-1, -1), 6),
    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
]


def data_table(header: Sequence[str], rows: Sequence[Sequence[str]], col_widths: Sequence[float],
               styles: Styles, bold_first: bool = False) -> Table:
    """A table with a tinted header row that repeats when the table splits."""
    padding = 6 + 6  # left and right
    first = styles.cell_bold if bold_first else styles.cell
    head = [_cell(text, styles.cell_head, width - padding)
            for text, width in zip(header, col_widths, strict=True)]
    body = [[_cell(text, first if index == 0 else styles.cell, width - padding)
             for index, (text, width) in enumerate(zip(row, col_widths, strict=True))]
            for row in rows]
    table = Table([head, *body], colWidths=list(col_widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        *_PLAIN,
        *_text_style((0, 1), (-1, -1), styles.cell),
        *_text_style((0, 1), (0, -1), first),
        *_text_style((0, 0), (-1, 0), styles.cell_head),
        *_DATA_FRAME,
    ]))
    return table


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]], col_widths: Sequence[float],
                styles: Styles) -> Table:
    """Like ``data_table`` for short plain values that never wrap (session numbers and
    dates): drawn as strings, which lays out several times faster than Paragraphs.
    Values are plain text here, not markup."""
    cell = styles.cell
    table = Table([list(header), *[list(row) for row in rows]], colWidths=list(col_widths),
                  repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        *_PLAIN,
        ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), cell.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), cell.textColor),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        *_DATA_FRAME,
    ]))
    return table


class _Cell:
    """Flowables stacked as in one cell of a reportlab Table: each one's space before
    and after added (a table does not merge them), none above the first or below the
    last. The callout and the clinic header are drawn with these rather than as
    one-row Tables, which cost several times more to measure and draw."""

    def __init__(self, flowables: Sequence[Flowable]):
        self.flowables = list(flowables)
        self.heights: list[float] = []
        self.height = 0.0

    def wrap(self, canvas: object, width: float) -> float:
        self.heights = [flowable.wrapOn(canvas, width, 0xFFFFFFF)[1]
                        for flowable in self.flowables]
        spaces = sum(f.getSpaceBefore() + f.getSpaceAfter() for f in self.flowables)
        self.height = (sum(self.heights) + spaces - self.flowables[0].getSpaceBefore()
                       - self.flowables[-1].getSpaceAfter())
        return self.height

    def draw(self, canvas: object, x: float, top: float) -> None:
        y = top + self.flowables[0].getSpaceBefore()
        for flowable, height in zip(self.flowables, self.heights, strict=True):
            y -= flowable.getSpaceBefore() + height
            flowable.drawOn(canvas, x, y)
            y -= flowable.getSpaceAfter()


class Callout(Flowable):
    """A tinted box with a coloured bar on the left, for what must not be missed.

    The bar is a narrow filled strip inside the box, not a line: a line is centred on
    the box's edge and would stick out past the margin by half its width.
    """

    BAR = 2.6
    PADDING = (6, 8, 7, 9)  # top, right, bottom, left (of the text, from the tint's edge)

    def __init__(self, flowables: list[Flowable], width: float, bar: Color, tint: Color):
        super().__init__()
        self._cell = _Cell(flowables)
        self.width = width
        self._bar, self._tint = bar, tint

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        top, right, bottom, left = self.PADDING
        inner = self.width - self.BAR - left - right
        self.height = top + self._cell.wrap(self.canv, inner) + bottom
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        top, _right, _bottom, left = self.PADDING
        canvas.saveState()
        canvas.setFillColor(self._bar)
        canvas.rect(0, self.height, self.BAR, -self.height, stroke=0, fill=1)
        canvas.setFillColor(self._tint)
        canvas.rect(self.BAR, self.height, self.width - self.BAR, -self.height, stroke=0, fill=1)
        canvas.restoreState()
        self._cell.draw(canvas, self.BAR + left, self.height - top)


def callout(flowables: list[Flowable], width: float, warning: bool = False) -> Callout:
    if warning:
        return Callout(flowables, width, WARN_RULE, WARN_TINT)
    return Callout(flowables, width, ACCENT, TINT)


class _ClinicHeader(Flowable):
    """The clinic's lines on the left, the logo (if any) at the top right."""

    def __init__(self, lines: list[Flowable], logo: Image | None, width: float):
        super().__init__()
        self._lines = _Cell(lines or [Spacer(1, 1)])
        self._logo = logo
        self.width = width

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = self._lines.wrap(self.canv, self.width - (LOGO_WIDTH if self._logo else 0))
        if self._logo is not None:
            self.height = max(self.height, self._logo.wrapOn(self.canv, LOGO_WIDTH, 0xFFFFFFF)[1])
        return self.width, self.height

    def draw(self) -> None:
        self._lines.draw(self.canv, 0, self.height)
        if self._logo is not None:
            self._logo.drawOn(self.canv, self.width - self._logo.drawWidth,
                              self.height - self._logo.drawHeight)


LOGO_WIDTH = 45 * mm


def clinic_header(name: str, details: list[str], practitioner: str, logo: PngImage | None,
                  width: float, styles: Styles) -> list[Flowable]:
    """Clinic name, address and practitioner on the left; the logo on the right."""
    left: list[Flowable] = []
    if name:
        left.append(Paragraph(name, styles.clinic_name))
    left += [Paragraph(line, styles.clinic_detail) for line in details]
    if practitioner:
        left.append(Paragraph(practitioner, styles.clinic_detail if name else styles.clinic_name))
    image = logo.flowable(LOGO_WIDTH - 2 * mm, 22 * mm) if logo is not None else None
    return [_ClinicHeader(left, image, width), Spacer(1, 3 * mm),
            HRFlowable(width="100%", thickness=1.2, color=ACCENT, spaceBefore=0, spaceAfter=5 * mm)]


def tick_box(checked: bool, text: str, styles: Styles) -> Paragraph:
    """A printed tick box (☑ or ☐) followed by its statement."""
    box = "☑" if checked else "☐"
    return Paragraph(f'<font name="{BOLD}" size="13" color="{ACCENT.hexval()}">{box}</font>'
                     f"&nbsp;&nbsp;{text}", styles.choice)


@dataclass(frozen=True)
class SignatureField:
    role: str  # "Patient's signature", "Practitioner's signature" (translated, escaped)
    name: str  # escaped; may be empty
    image: PngImage | None
    date: str  # escaped; empty leaves a line to write on


def signature_block(fields: Sequence[SignatureField], width: float, styles: Styles) -> Flowable:
    """Side-by-side signature boxes: the signature (drawn if given) on a line, then the
    name and the date, the date on its own line when not yet signed."""
    gap = 10 * mm
    column = (width - gap * (len(fields) - 1)) / len(fields)
    sign_height = 20 * mm
    columns = []
    for field in fields:
        signature: Flowable = (field.image.flowable(column - 4 * mm, sign_height - 2 * mm)
                               if field.image else Spacer(column, sign_height))
        date = field.date or "_" * 18
        rows = [
            [_cell(field.role, styles.cell_head, column)],
            [signature],
            [_cell(_("Name: {name}").format(name=field.name) if field.name
                   else _("Name: {name}").format(name="_" * 18), styles.cell, column)],
            [_cell(_("Date: {date}").format(date=date), styles.cell, column)],
        ]
        cell = Table(rows, colWidths=[column], rowHeights=[None, sign_height, None, None])
        cell.setStyle(TableStyle([
            *_PLAIN,
            *_text_style((0, 0), (0, 0), styles.cell_head),
            *_text_style((0, 2), (0, 3), styles.cell),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("VALIGN", (0, 1), (0, 1), "BOTTOM"),
            ("LINEBELOW", (0, 1), (0, 1), 0.8, INK),
            ("TOPPADDING", (0, 2), (0, 2), 4),
        ]))
        columns.append(cell)
    row: list[object] = []
    widths: list[float] = []
    for index, cell in enumerate(columns):
        if index:
            row.append("")
            widths.append(gap)
        row.append(cell)
        widths.append(column)
    outer = Table([row], colWidths=widths, hAlign="LEFT")
    outer.setStyle(TableStyle([
        *_PLAIN,
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return outer


def glue(story: Sequence[StoryItem]) -> list[Flowable]:
    """The story as reportlab's flowables, headings and introductions kept with what
    follows them, lists and boxes included.

    reportlab's own ``keepWithNext`` does not reach a following KeepTogether (one
    of its "containers"), so a heading could end a page with its list on the next.
    Here every run of ``keepWithNext`` flowables goes, with the item after it, into
    one KeepTogether: with the flowable, or with the flowables of a ``Together``.
    """
    glued: list[Flowable] = []
    run: list[Flowable] = []
    for item in story:
        if isinstance(item, Together):
            glued.append(KeepTogether(run + item.flowables))
            run = []
        elif item.getKeepWithNext():
            run.append(item)
        elif run:
            glued.append(KeepTogether([*run, item]))
            run = []
        else:
            glued.append(item)
    glued += run
    return glued
