"""Photographs of the treated areas, only with the patient's photo consent.

The GUI and the CLI both call these. Adding a photograph needs the consent in force
(``Blocked`` otherwise); the image is stripped of every metadata and re-encoded before it is
stored (``photo_images``). Withdrawing the consent deletes the image data of every
photograph of the patient, in one audited change; nothing else of the record changes.
Lists never carry image data: ``image_bytes`` and ``thumbnail_bytes`` fetch it when shown.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.domain.photos import PhotoConsentState, PhotoInfo, PhotoView
from mesodesk.domain.photos import timeline as group_by_area_and_view
from mesodesk.i18n import LANGUAGES, _
from mesodesk.services.errors import Blocked, InvalidInput, ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.store.database import Database

VIEWS = tuple(view.value for view in PhotoView)


@dataclass(frozen=True)
class Withdrawal:
    deleted: int  # how many images were deleted
    on: dt.date


def _knowledge(kb: KnowledgeBase | None) -> KnowledgeBase:
    if kb is not None:
        return kb
    from mesodesk.domain.knowledge import default_knowledge

    return default_knowledge()


def _day(on: dt.date | None, field: str, patient_id: int, db: Database) -> dt.date:
    today = dt.date.today()
    if on is None:
        return today
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise InvalidInput(_("{field}: must be a date").format(field=field), field=field)
    if on > today:
        raise InvalidInput(_("{field}: {date} is in the future").format(
            field=field, date=on.isoformat()), field=field)
    with store_errors():
        born = db.patients.get(patient_id).date_of_birth
    if on < born:
        raise InvalidInput(_("{field}: {date} is before the patient's date of birth").format(
            field=field, date=on.isoformat()), field=field)
    return on


# -- the consent -------------------------------------------------------------------------

def photo_consent(db: Database, patient_id: int) -> PhotoConsentState:
    """The patient's photo consent: in force or not, since when, and every event."""
    with store_errors():
        return db.photos.consent(patient_id)


def _not_before_last(state: PhotoConsentState, on: dt.date) -> None:
    if state.last is not None and on < state.last.on:
        raise InvalidInput(_("date: {date} is before the last photo consent event ({last}); "
                             "give a later date").format(date=on.isoformat(),
                                                         last=state.last.on.isoformat()),
                           field="date")


def give_photo_consent(db: Database, patient_id: int, on: dt.date | None = None,
                       actor: str = "") -> PhotoConsentState:
    """Record that the patient agrees to photographs, on ``on`` (today by default)."""
    day = _day(on, "date", patient_id, db)
    state = photo_consent(db, patient_id)
    if state.in_force:
        raise InvalidInput(_("the photo consent of patient {id} is already in force (since "
                             "{date})").format(id=patient_id, date=state.since.isoformat()),
                           field="consent")
    _not_before_last(state, day)
    with store_errors():
        return db.photos.give_consent(patient_id, day, actor=actor)


def withdraw_photo_consent(db: Database, patient_id: int, on: dt.date | None = None,
                           actor: str = "") -> Withdrawal:
    """Record the withdrawal and delete the image data of every photograph of the patient
    (one audit event says how many and when); nothing else of the record changes."""
    day = _day(on, "date", patient_id, db)
    state = photo_consent(db, patient_id)
    if not state.in_force:
        raise InvalidInput(_("patient {id} has no photo consent in force to withdraw").format(
            id=patient_id), field="consent")
    _not_before_last(state, day)
    with store_errors():
        return Withdrawal(deleted=db.photos.withdraw_consent(patient_id, day, actor=actor),
                          on=day)


# -- photographs -------------------------------------------------------------------------

def _check_tags(db: Database, kb: KnowledgeBase, patient_id: int, area: str, view: str,
                session_id: int | None) -> None:
    if area not in kb.areas:
        raise InvalidInput(_("area: '{area}' is not an area of the knowledge base (for example "
                             "{examples})").format(area=area, examples=", ".join(
                                 list(kb.areas)[:4])), field="area")
    if view not in VIEWS:
        raise InvalidInput(_("view: '{view}' is not a view (choose {views})").format(
            view=view, views=", ".join(VIEWS)), field="view")
    if session_id is not None:
        from mesodesk.services.errors import NotFound

        try:
            with store_errors():
                owner = db.sessions.get(session_id).patient_id
        except NotFound:
            owner = None
        if owner != patient_id:
            raise InvalidInput(_("session: {session} is not a session of patient {id}").format(
                session=session_id, id=patient_id), field="session")


def _consented(db: Database, patient_id: int) -> PhotoConsentState:
    state = photo_consent(db, patient_id)
    if not state.in_force:
        raise Blocked(_("patient {id} has no photo consent in force: photographs are kept only "
                        "with it; record the patient's consent first").format(id=patient_id),
                      field="consent")
    return state


def add_photo(db: Database, patient_id: int, source: bytes | str | os.PathLike[str], *,
              area: str, view: str, session_id: int | None = None,
              taken_on: dt.date | None = None, actor: str = "",
              kb: KnowledgeBase | None = None) -> PhotoInfo:
    """Keep a photograph of the patient, stripped of its metadata, upright, re-encoded and
    at most 2,400 px on its long side, with its thumbnail. Audited."""
    from mesodesk.services.photo_images import process_photo

    area, view = (area or "").strip(), (view or "").strip()
    _check_tags(db, _knowledge(kb), patient_id, area, view, session_id)
    if taken_on is not None:
        taken_on = _day(taken_on, "taken_on", patient_id, db)
    _consented(db, patient_id)
    photo = process_photo(source)
    day = taken_on or _camera_day(db, patient_id, photo.taken_on) or dt.date.today()
    with store_errors():
        return db.photos.add(patient_id, area=area, view=view, session_id=session_id,
                             taken_on=day, width=photo.width, height=photo.height,
                             image=photo.image, thumbnail=photo.thumbnail, actor=actor)


def _camera_day(db: Database, patient_id: int, day: dt.date | None) -> dt.date | None:
    """The camera's date when it is possible (not in the future, not before birth)."""
    if day is None:
        return None
    try:
        return _day(day, "taken_on", patient_id, db)
    except InvalidInput:
        return None  # a camera with its clock wrong: today instead


def list_photos(db: Database, patient_id: int, *, include_deleted: bool = False
                ) -> list[PhotoInfo]:
    """The patient's photographs, oldest first: metadata only, never image data. Those
    whose image was deleted (consent withdrawn) only with ``include_deleted``."""
    with store_errors():
        return db.photos.for_patient(patient_id, with_image=not include_deleted)


def count_photos(db: Database, patient_id: int) -> int:
    """How many photographs of the patient still have their image."""
    with store_errors():
        return db.photos.count(patient_id)


def timeline(db: Database, patient_id: int) -> dict[tuple[str, str], list[PhotoInfo]]:
    """The photographs by (area, view), each oldest first."""
    return group_by_area_and_view(list_photos(db, patient_id))


def image_bytes(db: Database, photo_id: int) -> bytes:
    """The stored JPEG (no metadata)."""
    with store_errors(_("photograph {id}: ").format(id=photo_id)):
        return db.photos.image(photo_id)


def thumbnail_bytes(db: Database, photo_id: int) -> bytes:
    """The stored thumbnail JPEG (long side 256 px)."""
    with store_errors(_("photograph {id}: ").format(id=photo_id)):
        return db.photos.thumbnail(photo_id)


# -- the comparison sheet ----------------------------------------------------------------

def _pair(db: Database, before_id: int, after_id: int) -> tuple[PhotoInfo, PhotoInfo]:
    found = []
    for field, photo_id in (("BEFORE", before_id), ("AFTER", after_id)):
        with store_errors(f"{field}: "):
            photo = db.photos.get(photo_id)
        if not photo.has_image:
            raise InvalidInput(_("{field}: the image of photograph {id} was deleted when the "
                                 "photo consent was withdrawn").format(field=field, id=photo_id),
                               field=field)
        found.append(photo)
    before, after = found
    if before.id == after.id:
        raise InvalidInput(_("AFTER: choose two different photographs"), field="AFTER")
    if before.patient_id != after.patient_id:
        raise InvalidInput(_("AFTER: photograph {after} is of another patient than photograph "
                             "{before}").format(after=after.id, before=before.id), field="AFTER")
    if (before.area, before.view) != (after.area, after.view):
        raise InvalidInput(_("AFTER: photograph {after} shows another area or view than "
                             "photograph {before}; compare the same area and view").format(
            after=after.id, before=before.id), field="AFTER")
    if after.taken_on < before.taken_on:
        raise InvalidInput(_("BEFORE: photograph {before} was taken after photograph {after}; "
                             "give the earlier one first").format(before=before.id,
                                                                  after=after.id),
                           field="BEFORE")
    return before, after


def _language(db: Database, patient_id: int, language: str | None, default: str) -> str:
    if language is None:
        with store_errors():
            consultations = db.consultations.for_patient(patient_id)
        latest = max(consultations, key=lambda c: (c.date, c.id), default=None)
        language = latest.document.language if latest is not None else default
    if language not in LANGUAGES:
        raise InvalidInput(_("--language: '{language}' is not a language of the patient's "
                             "papers (choose {languages})").format(
            language=language, languages=", ".join(LANGUAGES)), field="--language")
    return language


def _session_label(db: Database, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    with store_errors():
        return db.sessions.get(session_id).session.number


def render_sheet(db: Database, kb: KnowledgeBase, before_id: int, after_id: int,
                 language: str | None = None) -> bytes:
    """The comparison sheet's PDF, not audited (``comparison_sheet`` audits it)."""
    from mesodesk.reports.comparison import SheetPhoto, render_comparison
    from mesodesk.reports.errors import ReportError

    before, after = _pair(db, before_id, after_id)
    _consented(db, before.patient_id)
    with store_errors():
        clinic = db.settings.get()
        patient = db.patients.get(before.patient_id)
    chosen = _language(db, patient.id, language, clinic.default_language or "en")
    photos = [SheetPhoto(info=photo, image=image_bytes(db, photo.id),
                         session_number=_session_label(db, photo.session_id))
              for photo in (before, after)]
    try:
        return render_comparison(photos[0], photos[1], patient.name, kb, clinic, chosen,
                                 paper=clinic.default_paper)
    except ReportError as error:
        raise InvalidInput(_("cannot make the comparison sheet: {reason}").format(
            reason=error)) from None


def comparison_sheet(db: Database, kb: KnowledgeBase, before_id: int, after_id: int,
                     language: str | None = None, actor: str = "",
                     destination: str = "the app") -> bytes:
    """The printable comparison sheet (PDF) in the patient's language, with photo consent
    only; audited as a disclosure (``destination``: where it goes)."""
    pdf = render_sheet(db, kb, before_id, after_id, language)
    _note_sheet(db, before_id, after_id, destination, actor)
    return pdf


def _note_sheet(db: Database, before_id: int, after_id: int, destination: str,
                actor: str) -> None:
    with store_errors(_("{destination}: the audit trail could not record the comparison sheet, "
                        "so nothing was disclosed: ").format(destination=destination)):
        db.photos.note_sheet(before_id, after_id, destination, actor=actor)


def write_comparison_sheet(db: Database, kb: KnowledgeBase, before_id: int, after_id: int,
                           out: str | os.PathLike[str], language: str | None = None,
                           actor: str = "") -> Path:
    """The comparison sheet written to ``out`` (an audited disclosure; the file is removed
    again when the audit trail cannot record it)."""
    from mesodesk.services.sessions import _write

    path = Path(out)
    pdf = render_sheet(db, kb, before_id, after_id, language)
    _write(path, pdf, "--out")
    try:
        _note_sheet(db, before_id, after_id, str(path.absolute()), actor)
    except ServiceError:
        path.unlink(missing_ok=True)
        raise
    return path


__all__ = ["VIEWS", "Withdrawal", "add_photo", "comparison_sheet", "count_photos",
           "give_photo_consent", "image_bytes", "list_photos", "photo_consent", "render_sheet",
           "thumbnail_bytes", "timeline", "withdraw_photo_consent", "write_comparison_sheet"]
