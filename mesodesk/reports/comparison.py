"""The comparison sheet: two photographs of one area and view, side by side at the same
scale, for the patient to take home, in their language.

One A4 page: the clinic header as on the other papers, the patient, the area and the view,
each photograph with its date and when in the course it was taken, and a line saying the
photographs are kept with the patient's consent. Both images are drawn with one scale
(points per pixel), so a change in size on the page is a change in the patient, not in
the printing; the images are mesodesk's own stripped JPEGs, embedded as they are stored.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.photos import PhotoInfo
from mesodesk.domain.records import ClinicSettings
from mesodesk.reports.blocks import callout, clinic_header, read_png
from mesodesk.reports.fonts import register_fonts
from mesodesk.reports.layout import (
    FIRST_TOP_MARGIN,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    PageDecor,
    PartMarker,
    build_paper,
    page_size,
)
from mesodesk.reports.styles import RULE, TINT, make_styles
from mesodesk.reports.text import clean, esc
from mesodesk.reports.words import _, long_date, writing_in

GAP = 6 * mm
MAX_PHOTO_HEIGHT = 150 * mm  # the rest of the page holds the header, labels and the note


@dataclass(frozen=True)
class SheetPhoto:
    info: PhotoInfo
    image: bytes  # the stored JPEG
    session_number: int | None = None  # None: taken before the course


def view_label(view: str) -> str:
    """The view in the document's language."""
    labels = {"front": _("Front"), "side": _("Side"), "back": _("Back"),
              "close-up": _("Close-up")}
    return labels.get(view, view)


def _when(photo: SheetPhoto) -> str:
    if photo.session_number is None and photo.info.session_id is None:
        return _("Before the course")
    if photo.session_number is None:
        return _("During the course")
    return _("Session {number}").format(number=photo.session_number)


def same_scale(sizes: list[tuple[int, int]], width: float, height: float) -> float:
    """The one scale (points per pixel) at which every image fits ``width`` x ``height``."""
    return min(min(width / w, height / h) for w, h in sizes)


def _photo_cell(photo: SheetPhoto, scale: float, styles) -> list:
    info = photo.info
    image = Image(io.BytesIO(photo.image), width=info.width * scale, height=info.height * scale)
    image.hAlign = "CENTER"
    return [Paragraph(esc(_when(photo)), styles.cell_head),
            Paragraph(esc(long_date(info.taken_on)), styles.cell),
            Spacer(1, 2 * mm), image]


def _clinic_details(clinic: ClinicSettings) -> list[str]:
    lines = [esc(line) for line in clinic.address.splitlines() if line.strip()]
    if clinic.phone.strip():
        lines.append(esc(_("Phone: {phone}").format(phone=clinic.phone.strip())))
    return lines


def _practitioner(clinic: ClinicSettings) -> str:
    name, number = esc(clinic.practitioner_name), esc(clinic.practitioner_registration)
    if name and number:
        return _("{name}, registration no. {number}").format(name=name, number=number)
    return name


def _story(before: SheetPhoto, after: SheetPhoto, patient: str, kb: KnowledgeBase,
           clinic: ClinicSettings, width: float) -> list:
    styles = make_styles()
    logo = read_png(clinic.logo_png, _("The clinic logo")) if clinic.logo_png else None
    area = before.info.area
    area_name = kb.areas[area].name if area in kb.areas else area
    story: list = [PartMarker("sheet"),
                   *clinic_header(esc(clinic.name), _clinic_details(clinic),
                                  _practitioner(clinic), logo, width, styles),
                   Paragraph(esc(_("Your photographs compared")), styles.title),
                   Paragraph(esc(_("{patient} · {area} · {view}").format(
                       patient=clean(patient), area=clean(area_name),
                       view=view_label(before.info.view))), styles.subtitle)]
    column = (width - GAP) / 2
    scale = same_scale([(p.info.width, p.info.height) for p in (before, after)],
                       column - 4 * mm, MAX_PHOTO_HEIGHT)
    table = Table([[_photo_cell(before, scale, styles), _photo_cell(after, scale, styles)]],
                  colWidths=[column + GAP / 2, column + GAP / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("BACKGROUND", (0, 0), (-1, -1), TINT),
                               ("LINEAFTER", (0, 0), (0, -1), 0.6, RULE),
                               ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]))
    story += [table, Spacer(1, 3 * mm),
              Paragraph(esc(_("Both photographs are printed at the same scale. Light, pose "
                              "and distance from the camera can make a difference of their "
                              "own.")), styles.body),
              Spacer(1, 2 * mm)]
    story.append(callout([Paragraph(esc(_("Kept with your consent")), styles.callout_title),
                          Paragraph(esc(_(
                              "These photographs are kept in your record with your consent to "
                              "photographs. You may withdraw that consent at any time; the "
                              "photographs are then deleted.")), styles.callout)], width))
    return story


def render_comparison(before: SheetPhoto, after: SheetPhoto, patient: str, kb: KnowledgeBase,
                      clinic: ClinicSettings | None, language: str, paper: str = "a4",
                      printed: dt.date | None = None) -> bytes:
    """The sheet's PDF in ``language`` (the patient's)."""
    clinic = clinic or ClinicSettings()
    with writing_in(language):
        register_fonts()
        size = page_size(paper)
        width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
        story = _story(before, after, patient, kb, clinic, width)
        name = clean(patient).replace("\n", " ")
        decor = PageDecor(date=long_date(printed or dt.date.today()),
                          fingerprint=_("photographs {before} and {after}").format(
                              before=before.info.id, after=after.info.id),
                          patient=name, clinic=clinic.name.strip(),
                          part_titles={"sheet": _("Your photographs compared")})
        return build_paper(
            story, size=size, decor=decor, what="the comparison sheet",
            pages=(("sheet", FIRST_TOP_MARGIN),),
            title=_("Your photographs compared: {patient}").format(patient=name),
            author=clinic.name.strip() or "mesodesk", lang=language)
