"""Colours, paragraph styles and table styles shared by the plan and the consent.

A calm palette that still reads well on a black-and-white printer: dark text, one
deep teal for headings and rules, and a pale tint behind boxes and table headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from mesodesk.reports.fonts import BOLD, ITALIC, REGULAR

INK = colors.HexColor("#1b1f23")
MUTED = colors.HexColor("#56616b")
ACCENT = colors.HexColor("#1d5c63")
TINT = colors.HexColor("#e9f2f3")
RULE = colors.HexColor("#b9c8cb")
WARN_TINT = colors.HexColor("#fbf1e3")
WARN_RULE = colors.HexColor("#d49a45")

BODY_SIZE = 9.8
LEADING = 13.6
LIST_INDENT = 12  # a list item's text, right of its bullet


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    intro: ParagraphStyle
    lead: ParagraphStyle
    bullet: ParagraphStyle
    bullet_note: ParagraphStyle
    bullet_detail: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    clinic_name: ParagraphStyle
    clinic_detail: ParagraphStyle
    callout: ParagraphStyle
    callout_title: ParagraphStyle
    choice: ParagraphStyle


def make_styles() -> Styles:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=BODY_SIZE, leading=LEADING,
                          textColor=INK, alignment=TA_LEFT, spaceAfter=5, splitLongWords=1,
                          embeddedHyphenation=1, allowWidows=0, allowOrphans=0)
    cell = ParagraphStyle("cell", parent=body, fontSize=9.2, leading=12.4, spaceAfter=0)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=19, leading=23,
                             textColor=ACCENT, spaceBefore=2, spaceAfter=2, keepWithNext=1),
        subtitle=ParagraphStyle("subtitle", parent=body, textColor=MUTED, spaceAfter=9,
                                keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12.6, leading=16,
                          textColor=ACCENT, spaceBefore=12, spaceAfter=4, keepWithNext=1),
        h3=ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.4, leading=14,
                          spaceBefore=7, spaceAfter=2, keepWithNext=1),
        body=body,
        # A sentence that introduces a list or table stays with it.
        intro=ParagraphStyle("intro", parent=body, keepWithNext=1),
        lead=ParagraphStyle("lead", parent=body, fontName=ITALIC, textColor=MUTED,
                            spaceAfter=4, keepWithNext=1),
        # A list item: the paragraph draws its own bullet in the indent. The bullet's
        # baseline sits 9.5 pt below the top of the line, where reportlab's
        # ListFlowable put it (a paragraph's bullet sits on the first baseline, one
        # font size below the top, hence the offset).
        bullet=ParagraphStyle("bullet", parent=body, spaceAfter=3, leftIndent=LIST_INDENT,
                              bulletText="•", bulletIndent=0, bulletFontName=REGULAR,
                              bulletFontSize=9, bulletColor=ACCENT,
                              bulletOffsetY=BODY_SIZE - 9 - 0.5),
        # A list item's notes, under its first line.
        bullet_note=ParagraphStyle("bullet_note", parent=body, leftIndent=LIST_INDENT,
                                   fontName=ITALIC, fontSize=9,
                                   leading=12.4, textColor=MUTED, spaceAfter=4),
        bullet_detail=ParagraphStyle("bullet_detail", parent=body, leftIndent=LIST_INDENT,
                                     spaceAfter=3),
        label=ParagraphStyle("label", parent=cell, fontSize=8, leading=10.5, textColor=MUTED),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=BOLD),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=BOLD, textColor=ACCENT),
        clinic_name=ParagraphStyle("clinic_name", parent=body, fontName=BOLD, fontSize=14,
                                   leading=18, textColor=INK, spaceAfter=1),
        clinic_detail=ParagraphStyle("clinic_detail", parent=body, fontSize=8.8, leading=12,
                                     textColor=MUTED, spaceAfter=0),
        callout=ParagraphStyle("callout", parent=body, spaceAfter=0),
        # Bold by its style rather than by <b> markup: plain text lays out faster.
        callout_title=ParagraphStyle("callout_title", parent=body, fontName=BOLD, spaceAfter=0),
        choice=ParagraphStyle("choice", parent=body, leading=16, spaceAfter=2),
    )
