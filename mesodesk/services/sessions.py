"""The course as it happens: recording sessions, the course's state, recall, the calendar.

The GUI and the CLI both call these. A session is checked here against its signed
consultation (``domain.session.check_session``): what is invalid is ``InvalidInput``
(exit 2), what the clinical rules refuse is ``Blocked`` (exit 3), each issue by its path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.i18n import _
from mesodesk.services.errors import Blocked, InvalidInput, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ConsultationRecord
    from mesodesk.domain.session import RecallHit, SessionRecord, TreatmentSession
    from mesodesk.store.database import Database

_FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")
MAX_LOT = 40


def find_consultation(db: Database, reference: str, field: str = "consultation"
                      ) -> ConsultationRecord:
    """A consultation named by its id or by its record fingerprint (12 hex digits)."""
    text = (reference or "").strip()
    with store_errors(f"{field}: "):
        # A fingerprint may be all digits: twelve hex digits are looked up as one first.
        found = (db.sessions.consultations_with_fingerprint(text.lower())
                 if _FINGERPRINT.match(text.lower()) else [])
        if len(found) == 1:
            return db.consultations.get(found[0])
        if len(found) > 1:
            raise InvalidInput(_("{field}: the fingerprint {fingerprint} names several "
                                 "consultations ({ids}); give the id").format(
                field=field, fingerprint=text, ids=", ".join(map(str, found))), field=field)
        if text.isdigit() and int(text) > 0:
            return db.consultations.get(int(text))
        if _FINGERPRINT.match(text.lower()):
            raise InvalidInput(_("{field}: no consultation has the fingerprint {fingerprint}")
                               .format(field=field, fingerprint=text), field=field)
    raise InvalidInput(_("{field}: '{text}' is neither a consultation id (a whole number) nor "
                         "a fingerprint (12 hex digits)").format(field=field, text=text),
                       field=field)


def _context(db: Database, kb: KnowledgeBase, record: ConsultationRecord,
             today: dt.date | None):
    from mesodesk.domain.session import PastSession, context_for

    with store_errors():
        past = [PastSession(s.id, s.consultation_id, s.session)
                for s in db.sessions.for_patient(record.patient_id)]
    return context_for(record.id, record.document, str(record.status), kb, past=past,
                       today=today)


def parse_session_text(text: str | bytes, source: str = "the session") -> TreatmentSession:
    from mesodesk.domain.document import DocumentError
    from mesodesk.domain.session import parse_session_structure

    try:
        return parse_session_structure(text)
    except DocumentError as error:
        raise InvalidInput(_("{source} is not a valid session document").format(source=source),
                           issues=tuple(str(issue) for issue in error.issues)) from None


def read_session_file(path: str | os.PathLike[str]) -> TreatmentSession:
    from mesodesk.services.inputs import read_text

    path = Path(path)
    return parse_session_text(read_text(path, "session document"), str(path))


def check(db: Database, kb: KnowledgeBase, session: TreatmentSession,
          today: dt.date | None = None) -> ConsultationRecord:
    """Raise ``InvalidInput`` or ``Blocked`` (every issue by its path) unless the session
    may be recorded; returns its consultation."""
    from mesodesk.domain.session import check_session

    record = find_consultation(db, session.consultation)
    result = check_session(session, _context(db, kb, record, today), kb)
    if result.invalid:
        raise InvalidInput(_("the session cannot be recorded"),
                           issues=tuple(str(i) for i in result.invalid + result.blocked))
    if result.blocked:
        raise Blocked(_("the session is refused"), issues=tuple(str(i) for i in result.blocked))
    return record


def record_session(db: Database, kb: KnowledgeBase, session: TreatmentSession, actor: str = "",
                   today: dt.date | None = None) -> SessionRecord:
    """Check the session, then keep it for good (audited)."""
    record = check(db, kb, session, today)
    with store_errors():
        return db.sessions.record(record.id, session, actor=actor)


# -- the course ------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseSession:
    concern: str
    number: int
    planned: dt.date | None            # None: past the plan
    done: SessionRecord | None = None  # the session in force with this number


@dataclass(frozen=True)
class CourseState:
    record: ConsultationRecord
    sessions: tuple[CourseSession, ...]
    history: tuple[SessionRecord, ...]  # every recorded session, corrected ones too

    @property
    def next(self) -> CourseSession | None:
        """The first planned session not yet done."""
        waiting = [s for s in self.sessions if s.done is None and s.planned is not None]
        return min(waiting, key=lambda s: s.planned) if waiting else None

    def to_come(self, today: dt.date) -> list[CourseSession]:
        return [s for s in self.sessions
                if s.done is None and s.planned is not None and s.planned >= today]


def course_state(db: Database, kb: KnowledgeBase, consultation: str | int,
                 field: str = "consultation") -> CourseState:
    """The consultation's course: every planned session, the ones done, the next one."""
    from mesodesk.domain.screening import screen

    record = find_consultation(db, str(consultation), field)
    with store_errors():
        history = db.sessions.for_consultation(record.id)
    doc = record.document
    planned = screen(doc, kb, today=doc.date).courses if str(record.status) == "final" else []
    done = {(s.session.concern, s.session.number): s for s in history if s.in_force}
    rows = [CourseSession(course.concern, s.number, s.date, done.pop((course.concern, s.number),
                                                                      None))
            for course in planned for s in course.sessions]
    rows += [CourseSession(concern, number, None, s) for (concern, number), s in done.items()]
    return CourseState(record, tuple(rows), tuple(history))


@dataclass(frozen=True)
class RecordingStart:
    """What the Record session dialog starts from."""

    state: CourseState
    consented: tuple[str, ...]          # the substances the signed consent covers
    last: TreatmentSession | None       # the course's last session in force


def recording_start(db: Database, kb: KnowledgeBase, consultation_id: int) -> RecordingStart:
    from mesodesk.domain.screening import screen

    state = course_state(db, kb, consultation_id)
    doc = state.record.document
    consented = tuple(s.id for s in screen(doc, kb, today=doc.date).selected)
    done = [s for s in state.history if s.in_force]
    last = max(done, key=lambda s: (s.session.date, s.id)).session if done else None
    return RecordingStart(state, consented, last)


# -- recall ----------------------------------------------------------------------------

def recall(db: Database, lot: str) -> list[RecallHit]:
    lot = (lot or "").strip()
    if not lot or len(lot) > MAX_LOT:
        raise InvalidInput(_("LOT: give a lot number of 1 to {limit} characters").format(
            limit=MAX_LOT), field="LOT")
    with store_errors():
        return db.sessions.recall(lot)


RECALL_COLUMNS = ("patient", "name", "date_of_birth", "phone", "session", "session_date",
                  "consultation", "substance", "product", "manufacturer", "lot", "expiry")


def recall_csv(hits: list[RecallHit]) -> str:
    """The recall as CSV for the authorities: one row per use of the lot."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=RECALL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for hit in hits:
        row = hit.to_dict()
        writer.writerow({key: "" if row[key] is None else row[key] for key in RECALL_COLUMNS})
    return out.getvalue()


def record_recall_disclosure(db: Database, lot: str, destination: str, count: int,
                             actor: str = "") -> None:
    """Patients' details left the database in a recall list: the audit trail says where."""
    with store_errors(_("{destination}: the audit trail could not record the recall, so "
                        "nothing was written: ").format(destination=destination)):
        db.audit.note("recall", details={"lot": lot, "to": destination, "patients": str(count)},
                      actor=actor)


# -- the calendar ----------------------------------------------------------------------

def calendar_ics(db: Database, kb: KnowledgeBase, consultation: str | int,
                 today: dt.date | None = None, field: str = "consultation") -> tuple[bytes, int]:
    """The planned sessions still to come as an iCalendar file, in the patient's language,
    at the clinic's address; with how many events it holds."""
    from icalendar import Calendar, Event

    from mesodesk.i18n import documents

    today = today or dt.date.today()
    state = course_state(db, kb, consultation, field)
    if str(state.record.status) != "final":
        raise InvalidInput(_("consultation {id} is not finalized: it has no course to put in a "
                             "calendar").format(id=state.record.id), field="CONSULTATION")
    doc = state.record.document
    language = doc.language
    tr = documents(language).gettext
    with store_errors():
        clinic = db.settings.get()
    place = ", ".join(part for part in [clinic.name, *clinic.address.splitlines()] if part.strip())
    totals = {s.concern: 0 for s in state.sessions}
    for s in state.sessions:
        if s.planned is not None:
            totals[s.concern] += 1
    cal = Calendar()
    cal.add("prodid", "-//mesodesk//sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", tr("Treatment sessions"))
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    events = 0
    for s in state.to_come(today):
        event = Event()
        concern = kb.concerns[s.concern].name if s.concern in kb.concerns else s.concern
        event.add("uid", f"consultation-{state.record.id}-{s.concern}-{s.number}@mesodesk")
        event.add("dtstamp", stamp)
        event.add("dtstart", s.planned)
        event.add("dtend", s.planned + dt.timedelta(days=1))
        event.add("summary", tr("Mesotherapy session {number} of {total}: {concern}").format(
            number=s.number, total=totals[s.concern], concern=tr(concern)))
        if place:
            event.add("location", place)
        if clinic.phone:
            event.add("description", tr("Clinic phone: {phone}").format(phone=clinic.phone))
        cal.add_component(event)
        events += 1
    return cal.to_ical(), events


# -- listing ---------------------------------------------------------------------------

def list_consultations(db: Database, patient: str = "") -> list[dict[str, Any]]:
    """Stored consultations (id, patient, date, status), newest first; ``patient`` filters
    by the patient search (name words, a date of birth or phone digits)."""
    with store_errors():
        return db.sessions.consultation_list(patient)


__all__ = ["CourseSession", "CourseState", "RECALL_COLUMNS", "calendar_ics", "check",
           "course_state", "find_consultation", "list_consultations", "parse_session_text",
           "read_session_file", "recall", "recall_csv", "record_recall_disclosure",
           "record_session"]


def session_summary(db: Database, kb: KnowledgeBase, session_id: int,
                    paper: str | None = None) -> bytes:
    """The one-page summary of a recorded session for the patient (PDF bytes)."""
    from mesodesk.reports.session_summary import render_session_summary

    with store_errors():
        record = db.sessions.get(session_id)
        consultation = db.consultations.get(record.consultation_id)
        clinic = db.settings.get()
    state = course_state(db, kb, consultation.id)
    later = [s.planned for s in state.sessions if s.done is None and s.planned is not None
             and s.planned > record.session.date]
    return render_session_summary(record.session, consultation.document, kb, clinic,
                                  min(later) if later else None,
                                  paper or clinic.default_paper)


# -- files for the patient and the authorities (the GUI and the CLI alike) -------------

def _write(path: Path, data: bytes | str, option: str) -> None:
    from mesodesk.services.errors import ServiceError
    from mesodesk.store.files import write_atomically

    if path.is_dir():
        raise InvalidInput(_("{path}: is a folder; give a file name").format(path=path),
                           field=option)
    if not path.absolute().parent.is_dir():
        raise InvalidInput(_("{path}: the folder {folder} does not exist").format(
            path=path, folder=path.absolute().parent), field=option)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise ServiceError(_("cannot write {path}: {reason}").format(
            path=path, reason=error.strerror or error), field=str(path)) from None


def write_recall_csv(db: Database, lot: str, out: str | os.PathLike[str], actor: str = ""
                     ) -> list[RecallHit]:
    """The recall of ``lot`` as CSV at ``out``; the audit trail records where the patients'
    details went first, and nothing is written if it cannot."""
    hits = recall(db, lot)
    path = Path(out)
    record_recall_disclosure(db, lot.strip(), str(path.absolute()),
                             len({h.patient_id for h in hits}), actor)
    _write(path, recall_csv(hits), "--csv")
    return hits


def write_calendar(db: Database, kb: KnowledgeBase, consultation: str | int,
                   out: str | os.PathLike[str], actor: str = "",
                   field: str = "consultation") -> int:
    """The sessions still to come as an .ics file at ``out`` (an audited disclosure);
    returns how many events it holds."""
    from mesodesk.services.documents import record_disclosure

    data, count = calendar_ics(db, kb, consultation, field=field)
    record = find_consultation(db, str(consultation), field)
    path = Path(out)
    _write(path, data, "--out")
    record_disclosure(db, "calendar", record, str(path.absolute()), actor, written=path)
    return count
