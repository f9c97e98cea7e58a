"""Everything the clinic keeps about a patient, for the patient (GDPR articles 15 and 20):
the readable summary PDF of a patient's export and the export's README, in the patient's
language.

The summary says who keeps the records (the clinic), what they are (the patient's details,
each consultation, each session with its products and lots, each signed consent, each
photograph), how long they are kept, and which file of the export holds each one. Its
words go through the ``documents`` catalogue (``reports.words``); the header and the
footer are the other papers' (``layout.NumberedCanvas``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reportlab.platypus import NextPageTemplate, Paragraph

from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings, ConsultationRecord, PatientRecord
from mesodesk.domain.session import SessionRecord
from mesodesk.domain.translated import MissingTranslation
from mesodesk.reports.blocks import clinic_header, data_table, glue, heading, info_table, read_png
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
from mesodesk.reports.styles import make_styles
from mesodesk.reports.text import clean, esc, paragraphs
from mesodesk.reports.words import _, long_date, ngettext, number, writing_in

# What each kind of file in the export is (``ExportFile.kind``), in the patient's words.
FILE_KINDS = ("index", "readme", "summary", "consultation", "session", "signed-consent",
              "photo", "audit")


@dataclass(frozen=True)
class ExportFile:
    path: str              # inside the ZIP, ASCII only
    kind: str              # one of FILE_KINDS
    record_id: int | None = None


@dataclass(frozen=True)
class PhotoLine:
    """One photograph as the summary lists it (never its image)."""

    path: str
    taken_on: dt.date
    area: str              # a knowledge-base area id
    view: str              # front, side, back, close-up
    session_id: int | None  # None: before the course


@dataclass(frozen=True)
class PatientSummary:
    patient: PatientRecord
    exported_on: dt.date
    consultations: tuple[ConsultationRecord, ...]
    sessions: tuple[SessionRecord, ...]
    signed: dict[int, dt.datetime]          # consultation id -> when its consent was signed
    files: tuple[ExportFile, ...]
    audit_events: int
    retention_years: int
    kept_until: dt.date | None              # None: no clinical record yet
    photos: tuple[PhotoLine, ...] = field(default=())
    photo_consent_since: dt.date | None = None   # None: the photo consent is not in force
    photos_without_image: int = 0                # their image deleted when consent ended


def describe_kind(kind: str) -> str:
    """What a file of this kind holds, in the document language."""
    return {
        "index": _("List of every file with its SHA-256 checksum (JSON)"),
        "readme": _("How to read this export (text)"),
        "summary": _("This summary (PDF)"),
        "consultation": _("A consultation, in the mesodesk consultation format version 2 "
                          "(JSON)"),
        "session": _("A treatment session, in the mesodesk session format version 1 (JSON)"),
        "signed-consent": _("A signed consent, as it was signed (PDF)"),
        "photo": _("A photograph (JPEG, without metadata)"),
        "audit": _("The history of your record: who did what and when (JSON)"),
    }[kind]


def _sex(value: object) -> str:
    return {"female": _("Female"), "male": _("Male"), "other": _("Other"),
            "unspecified": _("Prefers not to say")}.get(str(value or ""), _("not recorded"))


def _status(record: ConsultationRecord) -> str:
    return {"draft": _("draft"), "final": _("final"),
            "not-treated": _("not treated")}.get(str(record.status), str(record.status))


def _concerns(kb: KnowledgeBase, record: ConsultationRecord) -> str:
    return ", ".join(esc(kb.concerns[c].name) if c in kb.concerns else esc(c)
                     for c in record.concerns)


def _area(kb: KnowledgeBase, area: str) -> str:
    known = kb.area_id(area)
    return esc(kb.areas[known].name if known else area)


def _view(view: str) -> str:
    return {"front": _("front"), "side": _("side"), "back": _("back"),
            "close-up": _("close-up")}.get(view, esc(view))


def _file_of(summary: PatientSummary, kind: str, record_id: int) -> str:
    for item in summary.files:
        if item.kind == kind and item.record_id == record_id:
            return esc(item.path)
    return ""


def _retention(summary: PatientSummary) -> str:
    years = summary.retention_years
    if summary.kept_until is None:
        return ngettext("Clinical records are kept for {years} year after the last record. "
                        "There is no clinical record about you yet.",
                        "Clinical records are kept for {years} years after the last record. "
                        "There is no clinical record about you yet.", years).format(
            years=number(years))
    return ngettext("Clinical records are kept for {years} year after the last record: "
                    "yours are kept until {date}. After that you may ask for them to be "
                    "erased.",
                    "Clinical records are kept for {years} years after the last record: "
                    "yours are kept until {date}. After that you may ask for them to be "
                    "erased.", years).format(years=number(years),
                                             date=long_date(summary.kept_until))


def _story(summary: PatientSummary, kb: KnowledgeBase, clinic: ClinicSettings,
           width: float) -> list:
    styles = make_styles()
    patient = summary.patient
    details = [esc(line) for line in clinic.address.splitlines() if line.strip()]
    if clinic.phone.strip():
        details.append(_("Phone: {phone}").format(phone=esc(clinic.phone)))
    logo = read_png(clinic.logo_png, _("The clinic logo")) if clinic.logo_png else None
    story: list = [PartMarker("summary"),
                   *clinic_header(esc(clinic.name), details, esc(clinic.practitioner_name),
                                  logo, width, styles),
                   Paragraph(_("The records we keep about you"), styles.title),
                   Paragraph(_("A copy of everything {clinic} keeps about you, made on {date} "
                               "at your request (GDPR articles 15 and 20).").format(
                       clinic=esc(clinic.name) or _("the clinic"),
                       date=long_date(summary.exported_on)), styles.subtitle)]
    story.append(info_table([
        (_("Patient"), esc(patient.name)),
        (_("Date of birth"), long_date(patient.date_of_birth), _("Sex"), _sex(patient.sex)),
        (_("Phone"), esc(patient.phone or "") or _("not recorded"),
         _("Email"), esc(patient.email or "") or _("not recorded")),
        (_("Record made"), long_date(patient.created_at.date()),
         _("Record number"), str(patient.id)),
    ], width, styles))
    if patient.notes.strip():
        story += heading(_("Notes about you"), styles)
        story += [Paragraph(part, styles.body) for part in paragraphs(patient.notes)]

    story += heading(_("Consultations"), styles)
    if summary.consultations:
        rows = [[long_date(c.date), _status(c), _concerns(kb, c),
                 long_date(summary.signed[c.id].date()) if c.id in summary.signed else "—",
                 _file_of(summary, "consultation", c.id)] for c in summary.consultations]
        story.append(data_table([_("Date"), _("Status"), _("Concerns"), _("Consent signed"),
                                 _("File")], rows,
                                [width * f for f in (0.17, 0.19, 0.23, 0.17, 0.24)], styles))
    else:
        story.append(Paragraph(_("No consultation is recorded."), styles.body))

    story += heading(_("Treatment sessions"), styles)
    if summary.sessions:
        rows = []
        for record in summary.sessions:
            session = record.session
            concern = esc(kb.concerns[session.concern].name) if session.concern in kb.concerns \
                else esc(session.concern)
            given = "; ".join(_("{product}, lot {lot}, {volume} mL").format(
                product=esc(p.product or (kb.substances[p.substance].name
                                          if p.substance in kb.substances else p.substance)),
                lot=esc(p.lot), volume=number(p.volume_ml)) for p in session.products)
            if not record.in_force:
                given += " " + _("(replaced by a correction)")
            rows.append([long_date(session.date), _("{concern}, session {number}").format(
                concern=concern, number=session.number), given,
                _file_of(summary, "session", record.id)])
        story.append(data_table([_("Date"), _("Course"), _("What was given"), _("File")], rows,
                                [width * f for f in (0.2, 0.22, 0.38, 0.2)], styles))
    else:
        story.append(Paragraph(_("No treatment session is recorded."), styles.body))

    story += heading(_("Photographs"), styles)
    story.append(Paragraph(_("Your photo consent is in force since {date}.").format(
        date=long_date(summary.photo_consent_since)) if summary.photo_consent_since
        else _("Your photo consent is not in force: no photograph is taken."), styles.body))
    if summary.photos_without_image:
        story.append(Paragraph(ngettext(
            "The image of {count} photograph was deleted when you withdrew your photo "
            "consent; only its area, view and date are kept.",
            "The images of {count} photographs were deleted when you withdrew your photo "
            "consent; only their areas, views and dates are kept.",
            summary.photos_without_image).format(count=number(summary.photos_without_image)),
            styles.body))
    if summary.photos:
        rows = [[long_date(p.taken_on), _area(kb, p.area), _view(p.view),
                 _("before the course") if p.session_id is None
                 else _("session record {id}").format(id=p.session_id), esc(p.path)]
                for p in summary.photos]
        story.append(data_table([_("Taken"), _("Area"), _("View"), _("When"), _("File")], rows,
                                [width * f for f in (0.16, 0.15, 0.11, 0.2, 0.38)], styles))
    else:
        story.append(Paragraph(_("No photograph is kept."), styles.body))

    story += heading(_("How long your records are kept"), styles)
    story.append(Paragraph(_retention(summary), styles.body))

    story += heading(_("The files of this export"), styles)
    story.append(Paragraph(ngettext(
        "The export holds {count} file. The files in JSON can be read by another program "
        "(GDPR article 20); the history of your record lists {events} event.",
        "The export holds {count} files. The files in JSON can be read by another program "
        "(GDPR article 20); the history of your record lists {events} events.",
        len(summary.files)).format(count=number(len(summary.files)),
                                   events=number(summary.audit_events)), styles.body))
    kinds = [kind for kind in FILE_KINDS if any(f.kind == kind for f in summary.files)]
    rows = [[esc(_folder(kind, summary)), describe_kind(kind),
             number(sum(1 for f in summary.files if f.kind == kind))] for kind in kinds]
    story.append(data_table([_("File or folder"), _("What it holds"), _("Files")], rows,
                            [width * f for f in (0.3, 0.58, 0.12)], styles))
    return glue(story)


def _folder(kind: str, summary: PatientSummary) -> str:
    paths = [f.path for f in summary.files if f.kind == kind]
    if len(paths) == 1:
        return paths[0]
    return paths[0].split("/", 1)[0] + "/"


def render_patient_summary(summary: PatientSummary, kb: KnowledgeBase,
                           clinic: ClinicSettings | None, language: str,
                           paper: str = "a4") -> bytes:
    """The summary PDF in ``language`` (en or el)."""
    clinic = clinic or ClinicSettings()
    with writing_in(language):
        try:
            return _render(summary, kb, clinic, language, paper)
        except MissingTranslation as missing:
            raise ReportError(
                f"the knowledge base has no '{missing.language}' text for “{missing.text}”, so a "
                f"paper in that language cannot be printed; run 'mesodesk knowledge check'"
            ) from None


def _render(summary: PatientSummary, kb: KnowledgeBase, clinic: ClinicSettings,
            language: str, paper: str) -> bytes:
    size = page_size(paper)
    register_fonts()
    width = size[0] - LEFT_MARGIN - RIGHT_MARGIN
    name = clean(summary.patient.name).replace("\n", " ")
    lines = [clean(line).strip() for line in clinic.address.splitlines() if line.strip()]
    if clinic.phone.strip():
        lines.append(_("Phone: {phone}").format(phone=clean(clinic.phone).strip()))
    decor = PageDecor(date=long_date(summary.exported_on),
                      fingerprint=_("record {id}").format(id=summary.patient.id), patient=name,
                      clinic=clean(clinic.name).strip(), clinic_details=" · ".join(lines),
                      part_titles={"summary": _("The records we keep about you")})
    story = [NextPageTemplate("later"), *_story(summary, kb, clinic, width)]
    return build_paper(
        story, size=size, decor=decor, what="the summary",
        title=_("The records we keep about you: {patient}").format(patient=name),
        author=clean(clinic.name).strip() or "mesodesk", lang=language)


def readme_text(summary: PatientSummary, clinic: ClinicSettings | None, language: str) -> str:
    """The export's README.txt in ``language``: what it is and what each file holds."""
    clinic = clinic or ClinicSettings()
    with writing_in(language):
        title = _("The records {clinic} keeps about {patient}").format(
            clinic=clean(clinic.name).strip() or _("the clinic"),
            patient=clean(summary.patient.name).replace("\n", " "))
        lines = [title, "=" * len(title), "",
                 _("Made on {date} at the patient's request (GDPR articles 15 and 20).").format(
                     date=long_date(summary.exported_on)),
                 _("summary.pdf is a readable summary of everything kept. index.json lists "
                   "every file with its SHA-256 checksum, so you can check that none was "
                   "changed."), "",
                 _("What each file holds:")]
        lines += [f"  {item.path}: {describe_kind(item.kind)}" for item in summary.files]
        lines += ["", _retention(summary)]
        return "\n".join(lines) + "\n"
