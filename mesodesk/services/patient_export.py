"""The patient's data on request (GDPR articles 15 and 20): everything kept about one
patient, in one ZIP file.

The ZIP holds ``index.json`` (the patient, the clinic, the export date, the format
versions, and every other file with its SHA-256 and what it is), ``README.txt`` and
``summary.pdf`` in the patient's language, each consultation as a version-2 document
(``consultations/<id>.json``, the ``mesodesk export`` serializer), each recorded session as
stored (``sessions/<id>.json``, ``mesodesk.session/1``), each signed consent's PDF as
signed (``signed/<consultation id>.pdf``), the photographs (``photos/...jpg``), and the
audit events about the patient (``audit.json``). Names inside are ids and ASCII only, so
every system unpacks them. The file is written whole or not at all, owner-only; the audit
trail records where it went (``patient.export``), and when it cannot, the file is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mesodesk.i18n import _
from mesodesk.services.errors import InvalidInput, ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, PatientRecord
    from mesodesk.reports.patient_summary import ExportFile, PatientSummary
    from mesodesk.store.database import Database

EXPORT_FORMAT = "mesodesk.patient-export/1"
AUDIT_FORMAT = "mesodesk.audit-events/1"
SUMMARY_LANGUAGES = ("en", "el")
# What each kind of file is written in (index.json's "format" of a file).
FILE_FORMATS = {"consultation": "mesodesk.consultation/2", "session": "mesodesk.session/1",
                "signed-consent": "application/pdf", "photo": "image/jpeg",
                "audit": AUDIT_FORMAT, "summary": "application/pdf",
                "readme": "text/plain; charset=utf-8"}
# Already compressed: stored in the ZIP as they are.
_STORED = ("photo", "signed-consent", "summary")


@dataclass(frozen=True)
class ExportedFile:
    path: str
    kind: str
    sha256: str
    size: int
    record_id: int | None = None


@dataclass(frozen=True)
class ExportResult:
    patient: PatientRecord
    path: Path
    files: tuple[ExportedFile, ...]   # every file in the ZIP but index.json
    language: str                     # of the summary and the README
    consultations: int
    sessions: int
    signed: int
    photos: int


@dataclass(frozen=True)
class _Entry:
    path: str
    kind: str
    data: bytes
    record_id: int | None = None


@dataclass(frozen=True)
class PhotoEntry:
    path: str                   # in the ZIP: photos/<id>-<area>-<view>-<date>.jpg
    photo: Any                  # its PhotoInfo (metadata only)
    read: Callable[[], bytes]   # the stored JPEG, read when it is written


def photo_entries(db: Database, patient_id: int) -> list[PhotoEntry]:
    """The patient's photographs that have their image, oldest first; each image is read
    only when it is written, so one is in memory at a time."""
    from mesodesk.services.photos import image_bytes, list_photos

    return [PhotoEntry(f"photos/{photo.id}-{_ascii(photo.area)}-{_ascii(photo.view)}-"
                       f"{photo.taken_on.isoformat()}.jpg", photo,
                       partial(image_bytes, db, photo.id))
            for photo in list_photos(db, patient_id)]


def _ascii(tag: str) -> str:
    """A tag as part of a file name any system takes: lower-case letters, digits, '-'."""
    kept = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
    return kept[:40] or "x"


def _consent_since(photo_record: dict[str, Any]) -> dt.date | None:
    consent = photo_record["consent"]
    return dt.date.fromisoformat(consent["since"]) if consent["in_force"] and consent["since"] \
        else None


def _photo_record(db: Database, patient_id: int) -> dict[str, Any]:
    """What else is kept about photographs: the consent's history, and the photographs
    whose image was deleted when the consent was withdrawn (what they were, no image)."""
    from mesodesk.services.photos import list_photos, photo_consent

    state = photo_consent(db, patient_id)
    deleted = [photo for photo in list_photos(db, patient_id, include_deleted=True)
               if not photo.has_image]
    return {"consent": {"in_force": state.in_force,
                        "since": state.since.isoformat() if state.since else None,
                        "events": [{"given": e.given, "on": e.on.isoformat(), "source": e.source,
                                    "actor": e.actor} for e in state.events]},
            "without_image": [{"id": p.id, "area": p.area, "view": p.view,
                               "session_id": p.session_id, "taken_on": p.taken_on.isoformat(),
                               "image_deleted_at": p.deleted_at.isoformat()
                               if p.deleted_at else None} for p in deleted]}


def _check_destination(path: Path, patient_id: int) -> None:
    if path.is_dir():
        raise InvalidInput(_("{path}: is a folder; give a file name such as {example}").format(
            path=path, example=path / f"patient-{patient_id}.zip"), field="--out")
    if not path.absolute().parent.is_dir():
        raise InvalidInput(_("{path}: the folder {folder} does not exist").format(
            path=path, folder=path.absolute().parent), field="--out")


def _language(settings: ClinicSettings, consultations: list, language: str | None) -> str:
    """The patient's language: asked for, else their newest consultation's, else the
    clinic's default; English when there is no summary in it."""
    chosen = language or (consultations[0].document.language if consultations
                          else settings.default_language)
    return chosen if chosen in SUMMARY_LANGUAGES else "en"


def _audit_json(events: list) -> bytes:
    rows = [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
             "table": e.table, "record_id": e.record_id, "before": e.before, "after": e.after,
             "details": e.details, "hash": e.hash} for e in events]
    return (json.dumps({"format": AUDIT_FORMAT, "events": rows}, ensure_ascii=False,
                       indent=2) + "\n").encode("utf-8")


def _patient_json(patient: PatientRecord) -> dict[str, Any]:
    return {"id": patient.id, "name": patient.name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": str(patient.sex) if patient.sex else None, "phone": patient.phone,
            "email": patient.email, "notes": patient.notes,
            "created_at": patient.created_at.isoformat(),
            "updated_at": patient.updated_at.isoformat()}


def _records(db: Database, patient_id: int) -> tuple[Any, list, list, dict, list]:
    """The patient, their consultations (newest first), sessions (oldest first, corrected
    ones too), signed consents by consultation, and the audit events about them."""
    from mesodesk.services.damage import check_undamaged

    with store_errors():
        patient = db.patients.get(patient_id)
    check_undamaged(db, _("export"))
    with store_errors():
        consultations = db.consultations.for_patient(patient_id)
        sessions = sorted((s for c in consultations for s in db.sessions.for_consultation(c.id)),
                          key=lambda s: (s.session.date, s.id))
        signed = {}
        for record in consultations:
            consent = db.consents.for_consultation(record.id) if record.has_signed_consent \
                else None
            if consent is not None:
                signed[record.id] = (consent, db.consents.pdf(consent.id))
        events = db.audit.about_patient(patient_id)
    return patient, consultations, sessions, signed, events


def export_patient(db: Database, kb: KnowledgeBase, patient_id: int,
                   out: str | os.PathLike[str], actor: str = "", *,
                   language: str | None = None, today: dt.date | None = None) -> ExportResult:
    """Write everything kept about the patient to the ZIP ``out`` (see the module's
    docstring); audited as ``patient.export``."""
    path = Path(out)
    _check_destination(path, patient_id)
    patient, consultations, sessions, signed, events = _records(db, patient_id)
    with store_errors():
        settings = db.settings.get()
        dates = db.patients.record_dates(patient_id)
    photos = photo_entries(db, patient_id)
    photo_record = _photo_record(db, patient_id)
    language = _language(settings, consultations, language)
    entries = _record_entries(consultations, sessions, signed, events)
    summary = _summary(patient, today or dt.date.today(), consultations, sessions, signed,
                       entries, photos, photo_record, len(events), settings, dates.last)
    entries = [_Entry("README.txt", "readme", _readme(summary, settings, language)),
               _Entry("summary.pdf", "summary", _summary_pdf(summary, kb, settings, language)),
               *entries]
    head = {**_index_head(patient, settings, language, summary.exported_on),
            "kept_until": summary.kept_until.isoformat() if summary.kept_until else None,
            "photographs": photo_record}
    files = _write_zip(path, entries, photos, head)
    _record_export(db, patient, str(path.absolute()), files, actor, path)
    return ExportResult(patient, path, tuple(files), language, len(consultations),
                        len(sessions), len(signed), len(photos))


def _record_entries(consultations: list, sessions: list, signed: dict, events: list
                    ) -> list[_Entry]:
    """The files of the records as kept: each consultation in version-2 JSON (the
    ``mesodesk export`` serializer), each session as stored, each signed PDF as signed."""
    from mesodesk.services.documents import document_json
    from mesodesk.store.sessions import session_text

    entries = [_Entry(f"consultations/{c.id}.json", "consultation",
                      document_json(c).encode("utf-8"), c.id)
               for c in sorted(consultations, key=lambda c: c.id)]
    entries += [_Entry(f"sessions/{s.id}.json", "session",
                       (session_text(s.session) + "\n").encode("utf-8"), s.id) for s in sessions]
    entries += [_Entry(f"signed/{cid}.pdf", "signed-consent", pdf, cid)
                for cid, (_consent, pdf) in sorted(signed.items())]
    entries.append(_Entry("audit.json", "audit", _audit_json(events)))
    return entries


def _summary(patient: PatientRecord, today: dt.date, consultations: list, sessions: list,
             signed: dict, entries: list[_Entry], photos: list[PhotoEntry],
             photo_record: dict[str, Any], events: int, settings: ClinicSettings,
             last_record: dt.date | None) -> PatientSummary:
    """What the summary and the README say, with every file of the ZIP."""
    from mesodesk.reports.patient_summary import ExportFile, PatientSummary, PhotoLine
    from mesodesk.services.retention import retention_end

    listed = [ExportFile("index.json", "index"), ExportFile("README.txt", "readme"),
              ExportFile("summary.pdf", "summary"),
              *(ExportFile(e.path, e.kind, e.record_id) for e in entries),
              *(ExportFile(p.path, "photo", p.photo.id) for p in photos)]
    return PatientSummary(
        patient=patient, exported_on=today, consultations=tuple(consultations),
        sessions=tuple(sessions),
        signed={cid: consent.signed_at for cid, (consent, _pdf) in signed.items()},
        files=tuple(listed), audit_events=events, retention_years=settings.retention_years,
        kept_until=retention_end(last_record, settings.retention_years),
        photos=tuple(PhotoLine(p.path, p.photo.taken_on, p.photo.area, p.photo.view,
                               p.photo.session_id) for p in photos),
        photo_consent_since=_consent_since(photo_record),
        photos_without_image=len(photo_record["without_image"]))


def _readme(summary: PatientSummary, settings: ClinicSettings, language: str) -> bytes:
    from mesodesk.reports.patient_summary import readme_text

    return readme_text(summary, settings, language).encode("utf-8")


def _summary_pdf(summary: PatientSummary, kb: KnowledgeBase, settings: ClinicSettings,
                 language: str) -> bytes:
    from mesodesk.reports.errors import ReportError
    from mesodesk.reports.patient_summary import render_patient_summary

    try:
        return render_patient_summary(summary, kb, settings, language, settings.default_paper)
    except ReportError as error:
        raise ServiceError(_("the summary could not be made: {reason}").format(
            reason=error)) from None


def _index_head(patient: PatientRecord, settings: ClinicSettings, language: str,
                today: dt.date) -> dict[str, Any]:
    from mesodesk import __version__

    return {"format": EXPORT_FORMAT, "exported_on": today.isoformat(),
            "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "software": f"mesodesk {__version__}", "language": language,
            "clinic": {"name": settings.name, "address": settings.address,
                       "phone": settings.phone, "practitioner": settings.practitioner_name,
                       "practitioner_registration": settings.practitioner_registration},
            "retention_years": settings.retention_years,
            "patient": _patient_json(patient),
            "formats": {kind: version for kind, version in FILE_FORMATS.items()}}


def _write_zip(path: Path, entries: list[_Entry], photos: list[PhotoEntry],
               head: dict[str, Any]) -> list[ExportedFile]:
    from mesodesk.store.files import open_atomically

    files: list[ExportedFile] = []
    stamp = dt.datetime.now().timetuple()[:6]

    def add(archive: zipfile.ZipFile, name: str, kind: str, data: bytes,
            record_id: int | None) -> None:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_STORED if kind in _STORED else zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        archive.writestr(info, data)
        files.append(ExportedFile(name, kind, hashlib.sha256(data).hexdigest(), len(data),
                                  record_id))

    try:
        with open_atomically(path) as stream, zipfile.ZipFile(stream, "w") as archive:
            for entry in entries:
                add(archive, entry.path, entry.kind, entry.data, entry.record_id)
            for photo in photos:  # one image in memory at a time
                add(archive, photo.path, "photo", photo.read(), photo.photo.id)
            index = {**head, "files": [
                {"path": f.path, "kind": f.kind, "format": FILE_FORMATS[f.kind],
                 "record_id": f.record_id, "sha256": f.sha256, "bytes": f.size}
                for f in files]}
            add(archive, "index.json", "index",
                (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), None)
    except OSError as error:
        raise ServiceError(_("cannot write {path}: {reason}").format(
            path=path, reason=error.strerror or error), field="--out") from None
    return files[:-1]


def _record_export(db: Database, patient: PatientRecord, destination: str,
                   files: list[ExportedFile], actor: str, written: Path) -> None:
    """The disclosure in the audit trail; without it, the export did not happen."""
    counts: dict[str, int] = {}
    for item in files:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    try:
        with store_errors(_("{destination}: the audit trail could not record the export, so "
                            "nothing was disclosed: ").format(destination=destination)):
            db.audit.note("patient.export", table="patients", record_id=patient.id,
                          details={"to": destination, "files": str(len(files) + 1),
                                   **{kind: str(count) for kind, count in counts.items()}},
                          actor=actor)
    except ServiceError:
        written.unlink(missing_ok=True)
        raise
