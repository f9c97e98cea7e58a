"""Building blocks shared by the plan and the consent summary.

Each function returns flowables. Text arguments are already escaped Paragraph
markup (see ``mesodesk.reports.text``); nothing here escapes again.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.fonts import tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import CondPageBreak as _ReportlabCondPageBreak
from reportlab.platypus import Flowable, HRFlowable, Image, Table, TableStyle
from reportlab.platypus import KeepTogether as _ReportlabKeepTogether
from reportlab.platypus import Paragraph as _ReportlabParagraph
from reportlab.platypus import Spacer as _ReportlabSpacer
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.paragraph import (
    _handleBulletWidth,
    _hyphenateWord,
    _leftDrawParaLine,
    cleanBlockQuotedText,
    hyphenationMinWordLength,
)
from reportlab.platypus.paragraph import split as split_words
from reportlab.platypus.paragraph import strip as strip_text
from reportlab.platypus.paraparser import ParaFrag, ParaParser
from reportlab.rl_config import _FUZZ

from mesodesk.i18n import _
from mesodesk.reports.errors import ReportError
from mesodesk.reports.fonts import BOLD, REGULAR
from mesodesk.reports.styles import ACCENT, INK, RULE, TINT, WARN_RULE, WARN_TINT, Styles

LIST_END_SPACE = 4  # points between a bulleted list and what follows it


# A paragraph that opens with a bold lead-in and has no other markup:
# "<b>Caffeine</b>: the stimulant…", "<b>Cellulite.</b> Dimpled, uneven skin…".
_LEAD_IN = re.compile(r"<b>([^<&\s](?:[^<&]*[^<&\s])?)</b>([^<&]*\S[^<&]*)\Z")


class Paragraph(_ReportlabParagraph):
    """reportlab's Paragraph, laid out and drawn the same, in a fraction of the time.

    A plan has some 150 paragraphs, most of them short and in one font; reportlab's
    general machinery was most of the time a plan took. Where our paragraphs allow,
    this class takes shortcuts that give reportlab's own result (tests/reports
    checks each against reportlab's code), and leaves everything else to reportlab:

    - text without markup skips reportlab's HTML-based parser: it becomes the one
      fragment the parser would make (cloned from the parser's own for the style);
    - a bold lead-in ("<b>Caffeine</b>: the stimulant…") is drawn in the indent of
      the first line and the rest is text in one font (see ``_take_lead_in``):
      text in two fonts takes reportlab's general line breaking, five times slower;
    - text in one font is broken into lines by a lean copy of reportlab's loop
      (``_plain_lines``), and the lines are remembered per width: layout asks for a
      paragraph's size several times at the same width;
    - text in one font is drawn straight onto the page (``drawOn``).
    """

    _wrapped_at: tuple[float, float] | None = None
    # The lead-in: its text, its font, and the extra room its spaces give the first
    # line (see _take_lead_in). The first part of a split paragraph keeps it.
    _lead_in: tuple[str, str, float] | None = None
    # What reportlab would have been given, while the lead-in is drawn apart.
    _markup: tuple[str, ParagraphStyle, str | None] | None = None

    def __init__(self, text: str | None, style: ParagraphStyle, bulletText: str | None = None,
                 frags: list | None = None, **kwargs: object):
        if frags is None and text and not style.textTransform:
            text = _cleaned(text)
            font_style = style  # (the lead-in's style differs in its indent only)
            lead_in = _LEAD_IN.match(text)
            if lead_in and not style.firstLineIndent:
                self._markup = (text, style, bulletText)
                style, text = self._take_lead_in(style, *lead_in.groups())
            if text and "<" not in text and "&" not in text:
                frags = [_plain_fragment(font_style).clone(text=text)]
        super().__init__(text, style, bulletText, frags, **kwargs)

    def _take_lead_in(self, style: ParagraphStyle, lead: str, rest: str
                      ) -> tuple[ParagraphStyle, str]:
        """Set the lead-in apart; return the style and text for the rest.

        The rest starts after the lead-in on the first line (a first-line indent),
        where reportlab would start it: a space after the lead-in is one in the
        rest's font. reportlab lets a line's spaces shrink a little to fit one more
        word; the spaces within and after the lead-in count too, which the extra
        room on the first line gives back.
        """
        bold = tt2ps(style.fontName, 1, 0)
        size = style.fontSize
        indent = stringWidth(lead, bold, size)
        spaces = lead.count(" ") * stringWidth(" ", bold, size)
        if rest[0] == " ":
            space = stringWidth(" ", style.fontName, size)
            indent += space
            spaces += space
            lead += " "  # drawn too, so that the text read back from the page has it
        self._lead_in = (lead, bold, style.spaceShrinkage * spaces)
        return ParagraphStyle(style.name, parent=style, firstLineIndent=indent), rest.lstrip()

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # (reportlab's split drops blPara when it gives up on a page: wrap again then.)
        if (self._wrapped_at is not None and self._wrapped_at[0] == available_width
                and "blPara" in self.__dict__):
            return self.width, self.height
        size = super().wrap(available_width, available_height)
        if self._markup is not None and not self._lead_in_kept(available_width):
            text, style, bullet = self._markup
            self._markup = self._lead_in = None
            super().__init__(text, style, bullet)  # reportlab's own paragraph after all
            size = super().wrap(available_width, available_height)
        self._wrapped_at = (available_width, self.height)
        return size

    def _lead_in_kept(self, available_width: float) -> bool:
        """Whether the lines just broken are reportlab's own: the lead-in and the word
        after it fit on the first line, its spaces need no shrinking (reportlab would
        shrink the lead-in's too), and no word had to be split (reportlab would split
        against the whole first line)."""
        assert self._lead_in is not None
        if self._splitLongWordCount or self._hyphenations:
            return False
        style = self.style
        first_word = self.frags[0].text.split(" ", 1)[0]
        room = available_width - style.leftIndent - style.rightIndent - style.firstLineIndent
        if stringWidth(first_word, style.fontName, style.fontSize) > room:
            return False
        unused, _words = self.blPara.lines[0]  # in the first line's width, plus the extra room
        return unused - self._lead_in[2] > -1e-8

    def breakLines(self, width: list[float]) -> ParaFrag:  # noqa: N802 (reportlab's name)
        extra = 0.0
        if self._lead_in is not None:
            extra = self._lead_in[2]
            width = [width[0] + extra, *width[1:]]
        lines = self._plain_lines(width, extra)
        return lines if lines is not None else super().breakLines(width)

    def _plain_lines(self, widths: list[float], extra: float) -> ParaFrag | None:
        """reportlab's line breaking of text in one font, for the common case, in a
        fraction of the time; None where reportlab must decide (markup, soft hyphens,
        or a word that would be split or broken at a hyphen).

        Text that fits on its first line is that one line (``extra`` is room added to
        the first line for a lead-in's spaces, which only shrink: fitting without
        it, the line fits with it). Longer text is broken as reportlab breaks it:
        word by word, a line ending when the next word would not fit even with its
        spaces shrunk a little (style.spaceShrinkage).
        """
        style = self.style
        if (len(self.frags) != 1 or style.endDots or style.wordWrap or style.shaping
                or style.hyphenationLang or style.embeddedHyphenation > 1):
            return None
        fragment = self.frags[0]
        text = getattr(fragment, "text", None)  # (split parts carry words instead)
        if (not text or "\xad" in text or hasattr(fragment, "cbDefn")
                or hasattr(fragment, "backColor") or getattr(fragment, "nobr", False)):
            return None
        widths = list(widths)
        _handleBulletWidth(self.bulletText, style, widths)  # as reportlab does first
        words = split_words(strip_text(text))
        if not words:
            return None
        font, size = fragment.fontName, fragment.fontSize
        width = stringWidth(" ".join(words), font, size)
        if width <= widths[0] - extra:
            lines = [(widths[0] - width, words)]
        else:
            lines = self._broken_lines(words, widths, font, size)
            if lines is None:
                return None
        self._splitLongWordCount = self._hyphenations = 0  # (as reportlab's would say)
        ascent, descent = getAscentDescent(font, size)
        return fragment.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)

    def _broken_lines(self, words: list[str], widths: list[float], font: str, size: float
                      ) -> list[tuple[float, list[str]]] | None:
        """reportlab's greedy breaking (Paragraph.breakLines, one font), step by step
        and sum by sum, so that the lines and their unused widths are exactly its own."""
        style = self.style
        space = stringWidth(" ", font, size)
        shrink = style.spaceShrinkage * space
        last = len(widths) - 1
        lines: list[tuple[float, list[str]]] = []
        line: list[str] = []
        used = -space
        limit = widths[0]
        for word in words:
            word_width = stringWidth(word, font, size)
            new_width = used + space + word_width
            stretched = limit + shrink * len(line)
            if new_width > stretched:
                # reportlab would break this word at an embedded hyphen, or split it
                # for being wider than a line: leave it all to reportlab.
                if _hyphenateWord(None, font, size, word, word_width, new_width, stretched,
                                  style.uriWasteReduce, style.embeddedHyphenation,
                                  getattr(style, "hyphenationMinWordLength",
                                          hyphenationMinWordLength)):
                    return None
                if style.splitLongWords and word_width > widths[min(len(lines), last)]:
                    return None
                if line:
                    lines.append((limit - used, line))
                    line = [word]
                    used = word_width
                    limit = widths[min(len(lines), last)]
                    continue
            line.append(word)
            used = new_width
        lines.append((limit - used, line))
        return lines

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = super().split(available_width, available_height)
        if self._lead_in is not None and len(parts) == 2:
            parts[0]._lead_in = self._lead_in  # reportlab made both parts afresh
        return parts

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        # A paragraph of text in one font, left-aligned and undecorated (most of ours)
        # is drawn straight onto the page: what reportlab's drawPara draws, in the
        # same places, without the moved and restored coordinate system it draws
        # every paragraph in (a third of the cost of drawing a short one).
        blPara = self.blPara
        style = self.style
        bullet = self.bulletText
        if (blPara.kind != 0 or style.alignment != TA_LEFT or style.backColor
                or style.borderWidth or style.endDots or style.wordWrap or self.debug
                or getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
                not in ("", "off")
                or getattr(blPara, "us_lines", None) or getattr(blPara, "link", None)
                or hasattr(self, "_offsets") or not blPara.lines
                or (bullet and (not isinstance(bullet, str) or style.bulletAnchor != "start"))):
            super().drawOn(canvas, x, y, _sW)
            return
        self.canv = canvas
        canvas.saveState()
        # The first baseline, one font size below the top (rl_config.
        # paraFontSizeHeightOffset); the lines follow it a leading apart.
        baseline = y + self.height - blPara.fontSize
        offset = style.firstLineIndent
        if bullet:
            # As reportlab's _drawBullet: in the indent, on the first baseline moved by
            # bulletOffsetY; a bullet reaching into the text moves the first line.
            text = canvas.beginText(x + style.bulletIndent,
                                    baseline + getattr(style, "bulletOffsetY", 0))
            text.setFont(style.bulletFontName, style.bulletFontSize)
            text.setFillColor(getattr(style, "bulletColor", style.textColor))
            text.textOut(bullet)
            canvas.drawText(text)
            bullet_end = (style.bulletIndent + 0.6 * style.bulletFontSize
                          + stringWidth(bullet, style.bulletFontName, style.bulletFontSize))
            offset = max(offset, bullet_end - style.leftIndent)
        canvas.setFillColor(blPara.textColor)
        text = self.beginText(x + style.leftIndent, baseline)
        text.setFont(blPara.fontName, blPara.fontSize, style.leading)
        for unused, words in blPara.lines:
            _leftDrawParaLine(text, offset, unused, words)  # (ends with a new line)
            offset = 0
        canvas.drawText(text)
        canvas.restoreState()
        del self.canv

    def beginText(self, x: float, y: float) -> PDFTextObject:  # noqa: N802 (reportlab's)
        # reportlab starts the text of the lines here, at the first baseline. The
        # lead-in goes first, in the same text, so that text read back from the page
        # (a screen reader, a copy) has it in place: "Caffeine: the stimulant…".
        text = super().beginText(x, y)
        if self._lead_in is not None:
            lead_in, font, _ = self._lead_in
            text.setFont(font, self.style.fontSize)
            # Drawing text leaves the start of the line where it was: reportlab's
            # first-line indent puts the rest after the lead-in.
            text.textOut(lead_in)
        return text


def _cleaned(text: str) -> str:
    """reportlab's clean-up of a paragraph's text before parsing (whitespace runs to
    one space, none at the ends), skipped when it would change nothing: text of
    printable characters (no whitespace but the plain space) with single spaces."""
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return cleanBlockQuotedText(text)


def _plain_fragment(style: ParagraphStyle) -> ParaFrag:
    """The fragment reportlab's parser makes of plain text in ``style`` (its text aside).

    Kept on the style, which is made afresh for every document."""
    fragment = style.__dict__.get("_mesodesk_plain_fragment")
    if fragment is None:
        _, fragments, _ = ParaParser().parse("x", style)
        fragment = style.__dict__["_mesodesk_plain_fragment"] = fragments[0]
    return fragment


class KeepTogether(_ReportlabKeepTogether):
    """reportlab's KeepTogether, with the same page breaks, at a fraction of the cost.

    reportlab's version never fits where it stands: the frame asks it to split,
    which puts its content back in the story, after a frame break if it does not fit
    in what is left of this one; the keep-with-next flowables at its start are
    grouped again and the same question asked again; and each measurement
    deep-copies the document's frame, in case the content adds "generated content"
    to it (a table of contents entry, a conditional frame break).

    Here the content is measured without the copy (nothing we keep together adds
    anything to the frame), once per width (wrapped at an unlimited height, it
    depends on nothing else). When it fits where it stands, it is placed there as
    one block, each flowable where the frame would have put it; when it does not,
    reportlab's ``split`` decides, as before.
    """

    _stack: _Stack | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._stack is None or self._stack.available_width != available_width:
            self._stack = _Stack(self._content, available_width, self.canv)
        stack = self._stack
        self._H, self._H0 = stack.height, stack.first_height  # what split() reads
        self._wrapInfo = available_width, available_height
        if stack.as_block and stack.height <= available_height:
            return stack.width, stack.height
        return stack.width, 0xFFFFFF  # does not fit: the frame asks split() where to break

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        # Placed as one block (see wrap): each flowable as the frame places them.
        stack = self._stack
        assert stack is not None
        top = y + stack.height
        space_after = None
        for flowable, (width, height) in zip(self._content, stack.sizes, strict=True):
            if space_after is not None:
                top -= max(flowable.getSpaceBefore() - space_after, 0)
            top -= height
            flowable.drawOn(canvas, x, top, _sW=stack.available_width - width)
            space_after = flowable.getSpaceAfter()
            top -= space_after


class _Stack:
    """Flowables measured one under the other as a frame places them: between two,
    the larger of the first's space after and the second's space before. The height
    and first height are what reportlab's ``_listWrapOn`` reports, for content
    without frame actions or generated content."""

    def __init__(self, flowables: Sequence[Flowable], available_width: float, canvas: object):
        self.available_width = available_width
        self.sizes: list[tuple[float, float]] = []
        # Placed as one block only what the frame would place plainly, one flowable
        # after the other: no actions, no conditional breaks, nothing empty (the frame
        # spaces those differently), and nothing at the end that keeps with the next.
        self.as_block = bool(flowables) and not flowables[-1].getKeepWithNext()
        width = height = 0.0
        space_after: float | None = None  # of the flowable above; None at the top
        for flowable in flowables:
            if hasattr(flowable, "frameAction") or isinstance(
                    flowable, (ActionFlowable, _ReportlabCondPageBreak)):
                self.as_block = False
                if hasattr(flowable, "frameAction"):  # a NullActionFlowable in an empty group
                    continue
            flowable_width, flowable_height = flowable.wrapOn(canvas, available_width, 0xFFFFFFF)
            self.sizes.append((flowable_width, flowable_height))
            if flowable_height <= _FUZZ:  # empty flowables take no space
                self.as_block = False
                continue
            width = max(width, min(flowable_width, available_width))
            height += flowable_height
            if space_after is not None:
                height += max(flowable.getSpaceBefore() - space_after, 0)
            space_after = flowable.getSpaceAfter()
            height += space_after
        self.width = width
        self.height = height - (space_after or 0)
        self.first_height = self.sizes[0][1] if self.sizes else 0


class Spacer(_ReportlabSpacer):
    """reportlab's Spacer, which draws nothing, without the empty graphics state that
    drawing nothing costs (a save, a move and a restore, on every one)."""

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        pass


class CondPageBreak(_ReportlabCondPageBreak):
    """reportlab's CondPageBreak, likewise drawing nothing for nothing."""

    def drawOn(self, canvas: object, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        pass


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


def heading(text: str, styles: Styles) -> list[Flowable]:
    # A section heading near the bottom of a page starts a new page rather than
    # leaving a heading with one line under it.
    return [CondPageBreak(18 * mm), Paragraph(text, styles.h2)]


def bullets(items: Sequence[str | list[Flowable]], styles: Styles,
            tail: Sequence[Flowable] = ()) -> list[Flowable]:
    """A bulleted list; an item is markup, or flowables (a line in the ``bullet``
    style, which draws the bullet, plus its notes).

    The items are plain paragraphs in the story, not a reportlab ListFlowable: the
    same lines in the same places, breaking across pages between any two of them as
    before, at a fraction of the cost to lay out (a ListFlowable measures its items
    like a KeepTogether, copying the frame, and draws each through an indenter).
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
    flowables: list[Flowable] = []
    for index, group in enumerate(groups):
        if index == len(groups) - 1 and tail:
            flowables.append(KeepTogether([*group, *tail]))
        elif index == 0 and len(group) > 1:
            flowables.append(KeepTogether(group))
        else:
            flowables += group
    return flowables


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell's content, ``text`` (markup) in ``style``, ``width`` wide inside
    its padding.

    Plain text that fits on one line is given to the table as a string, which the
    table draws itself: on the same baseline, one font size below the top, and with
    the same row height (one line's leading) as the one-line Paragraph it stands for,
    for a fraction of the cost. The table must then draw that cell in ``style``'s
    font (see ``_text_style``). Anything else is a Paragraph.
    """
    if (text and "<" not in text and "&" not in text and _cleaned(text) == text
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
    role: str  # "Patient", "Practitioner" (translated, escaped)
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
            [_cell(field.name or "&nbsp;", styles.cell, column)],
            [_cell(f"{_('Date:')} {date}", styles.cell, column)],
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


def glue(story: list[Flowable]) -> list[Flowable]:
    """Keep headings and introductions with what follows, lists and boxes included.

    reportlab's own ``keepWithNext`` does not reach a following list or KeepTogether
    (its "containers"), so a heading could end a page with its list on the next.
    Here every run of ``keepWithNext`` flowables is wrapped, with the flowable after
    it, in a KeepTogether (merged with it when that is one already).
    """
    glued: list[Flowable] = []
    run: list[Flowable] = []
    for flowable in story:
        if flowable.getKeepWithNext() and not isinstance(flowable, KeepTogether):
            run.append(flowable)
            continue
        if run:
            content = list(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
            glued.append(KeepTogether(run + content))
            run = []
        else:
            glued.append(flowable)
    glued += run
    return glued
