"""Repositories: domain objects in, domain objects out; no ORM row leaves the store.

Every change runs in one write transaction that also appends its audit event, so a
change and its audit record are committed together or not at all. Finalized and
not-treated consultations, signed consents and audit events never change: the checks
here give a clear message, and database triggers (migration 0001) refuse the same
changes made by any other program.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, select, true, union
from sqlalchemy.engine import Connection

from mesodesk.domain.document import (
    FORMAT_V1,
    Consultation,
    DocumentError,
    Patient,
    parse_structure,
    v1_fingerprint,
)
from mesodesk.domain.patient import PatientError, validate_patient
from mesodesk.domain.records import (
    MAX_RETENTION_YEARS,
    AuditEvent,
    ClinicSettings,
    ConsultationRecord,
    NewPatient,
    PatientRecord,
    PractitionerRecord,
    SignedConsent,
)
from mesodesk.store import audit, damage
from mesodesk.store import tables as t
from mesodesk.store.base import (
    AuditReport,
    ImmutableRecord,
    IntegrityFailure,
    InvalidRecord,
    NotFound,
    StoreError,
)
from mesodesk.store.search import key_segments, latin_key, parse_query, phone_digits, search_key

if TYPE_CHECKING:
    from mesodesk.store.erasure import RecordDates
    from mesodesk.store.handle import DatabaseHandle

MAX_NAME = 200
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_SEARCH_LIMIT = 10_000
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise InvalidRecord(f"{field}: must be a date and time")
    return value.astimezone(dt.timezone.utc)  # a naive time is read as local time


def clean_patient(new: NewPatient, today: dt.date | None = None) -> dict[str, Any]:
    """The column values for a patient (validated by the domain's one set of patient
    rules), or ``InvalidRecord`` naming each wrong field."""
    try:
        valid = validate_patient(new, today=today)
    except PatientError as error:
        raise InvalidRecord(str(error)) from None
    return {
        "name": valid.name, "search_key": search_key(valid.name),
        "latin_key": latin_key(valid.name),
        "date_of_birth": valid.date_of_birth, "sex": valid.sex, "phone": valid.phone,
        "phone_digits": phone_digits(valid.phone), "email": valid.email, "notes": valid.notes,
    }


_PLACEHOLDERS = {"date_of_birth": dt.date.min,
                 "created_at": dt.datetime.min.replace(tzinfo=dt.timezone.utc),
                 "updated_at": dt.datetime.min.replace(tzinfo=dt.timezone.utc)}


def _listed_patient(row: damage.Row) -> PatientRecord:
    """A patient for the list; a damaged one with placeholders and its damaged columns."""
    if not row.damaged:
        return _patient(row)
    values = {name: _PLACEHOLDERS.get(name, "") if isinstance(value, damage.Unreadable)
              else value for name, value in row.values.items()}
    return replace(_patient(_Values(values)), damaged=tuple(item.column for item in row.damaged))


def _patient(row: Any) -> PatientRecord:
    return PatientRecord(id=row.id, name=row.name, date_of_birth=row.date_of_birth, sex=row.sex,
                         phone=row.phone, email=row.email, notes=row.notes,
                         created_at=row.created_at, updated_at=row.updated_at)


def document_text(doc: Consultation) -> str:
    """How a consultation document is stored: its JSON, exactly the fields given."""
    return json.dumps(doc.to_dict(), ensure_ascii=False, separators=(",", ":"))


def load_document(text: str, consultation_id: int, stored_format: str | None = None
                  ) -> Consultation:
    """A stored document, a version-1 one upgraded as it is read (with the fingerprint it
    was stored with). ``stored_format`` is the row's ``format``: the document must be
    written in that version."""
    try:
        doc = parse_structure(text, stored=True)
    except DocumentError as error:
        raise IntegrityFailure(
            f"consultation {consultation_id}: the stored document cannot be read ({error}); "
            "restore a backup or run `mesodesk audit verify`") from None
    written_in = FORMAT_V1 if doc.upgraded_from_v1 else doc.format
    if stored_format is not None and written_in != stored_format:
        raise IntegrityFailure(
            f"consultation {consultation_id}: the stored document is written in "
            f"{written_in}, but the record says {stored_format}; restore a backup or run "
            "`mesodesk audit verify`")
    return doc


class _Repository:
    def __init__(self, db: DatabaseHandle):
        self._db = db


class Patients(_Repository):
    def create(self, new: NewPatient, actor: str = "") -> PatientRecord:
        values = clean_patient(new)
        with self._db.writing() as connection:
            return self._insert(connection, [values], actor)[0]

    def create_many(self, patients: Iterable[NewPatient], actor: str = "") -> list[PatientRecord]:
        """Create many patients in one transaction (an import, the demo): all or none."""
        values = []
        for index, new in enumerate(patients):
            try:
                values.append(clean_patient(new))
            except InvalidRecord as error:
                raise InvalidRecord(f"patient {index + 1}: {error}") from None
        if not values:
            return []
        with self._db.writing() as connection:
            return self._insert(connection, values, actor)

    def _insert(self, connection: Connection, rows: list[dict[str, Any]], actor: str
                ) -> list[PatientRecord]:
        stamp = audit.now()
        rows = [{**values, "created_at": stamp, "updated_at": stamp} for values in rows]
        ids = connection.execute(
            t.patients.insert().returning(t.patients.c.id, sort_by_parameter_order=True),
            rows).scalars().all()
        rows = [{**values, "id": patient_id} for patient_id, values in zip(ids, rows, strict=True)]
        audit.append_many(connection, actor=actor, action="create", table="patients", changes=[
            (values["id"], None, audit.state_hash("patients", values), None) for values in rows])
        return [_patient(_Values(values)) for values in rows]

    def update(self, patient_id: int, new: NewPatient, actor: str = "") -> PatientRecord:
        values = clean_patient(new)
        with self._db.writing() as connection:
            row = self._row(connection, patient_id)
            before = audit.state_hash("patients", row._mapping)
            after = audit.state_hash("patients", {**values, "id": patient_id})
            if before == after:
                return _patient(row)
            connection.execute(t.patients.update().where(t.patients.c.id == patient_id)
                               .values(**values, updated_at=audit.now()))
            audit.append(connection, actor=actor, action="update", table="patients",
                         record_id=patient_id, before=before, after=after)
            return _patient(self._row(connection, patient_id))

    def get(self, patient_id: int) -> PatientRecord:
        with self._db.reading() as connection:
            return _patient(self._row(connection, patient_id))

    @staticmethod
    def _row(connection: Connection, patient_id: int) -> Any:
        row = connection.execute(select(t.patients).where(t.patients.c.id == patient_id)).first()
        if row is None:
            raise NotFound(f"there is no patient {patient_id}")
        return row

    @staticmethod
    def _matching(text: str):
        query = parse_query(text)
        if query.empty:
            return true()
        conditions = []
        # Digits typed as a date or a phone number are not looked for in names.
        if query.words and (query.date_of_birth is None and not query.phone
                            or any(ch.isalpha() for word in query.words for ch in word)):
            by_name = and_(*[t.patients.c.latin_key.contains(word, autoescape=True)
                             for word in query.words])
            if query.date_of_birth is None and not query.phone:
                return by_name  # scanned along the name-keys index, in result order
            conditions.append(by_name)
        if query.date_of_birth is not None:
            conditions.append(t.patients.c.date_of_birth == query.date_of_birth)
        if query.phone:
            conditions.append(t.patients.c.phone_digits.contains(query.phone, autoescape=True))
        # Each alternative runs on its own indexed column (an index seek or an index-only
        # scan); an OR across columns, or ORDER BY walking the name index, would make SQLite
        # read every row of the table.
        return t.patients.c.id.in_(union(*[select(t.patients.c.id).where(condition)
                                          for condition in conditions]))

    def search(self, text: str = "", *, limit: int = 100, offset: int = 0,
               language: str = "en") -> list[PatientRecord]:
        """Patients whose name contains every word typed (accents, case and script folded),
        or born on the date typed, or whose phone contains the digits typed; by name, in the
        order a reader of ``language`` expects (Greek: Greek names first, then Latin)."""
        limit = max(0, min(int(limit), MAX_SEARCH_LIMIT))
        offset = max(0, int(offset))
        matching, key = self._matching(text), t.patients.c.search_key
        segments = key_segments(language)
        found: list[PatientRecord] = []
        with self._db.reading() as connection:
            # Each range of keys is read along the search-key index, as one range was; a
            # value that no longer parses leaves its patient marked, not the list empty.
            for low, high in segments:
                condition = and_(matching, *([key >= low] if low else []),
                                 *([key < high] if high else []))
                if offset and len(segments) > 1:  # skip whole ranges before the page
                    size = connection.execute(select(func.count()).select_from(t.patients)
                                              .where(condition)).scalar_one()
                    if offset >= size:
                        offset -= size
                        continue
                rows = damage.read_rows(connection, t.patients, where=condition,
                                        order_by=[key, t.patients.c.id],
                                        limit=limit - len(found), offset=offset)
                found += [_listed_patient(row) for row in rows]
                offset = 0
                if len(found) >= limit:
                    break
        return found

    def count(self, text: str = "") -> int:
        with self._db.reading() as connection:
            return connection.execute(
                select(func.count()).select_from(t.patients).where(self._matching(text))
            ).scalar_one()

    def find(self, patient: Patient) -> PatientRecord | None:
        """The stored patient with the same name (normalized) and date of birth, if any."""
        with self._db.reading() as connection:
            row = self._find(connection, patient.name, patient.date_of_birth)
            return _patient(row) if row is not None else None

    def same_person(self, name: str, born: dt.date) -> list[PatientRecord]:
        """Every stored patient with this name (normalized) and date of birth, oldest first."""
        with self._db.reading() as connection:
            return [_patient(row) for row in connection.execute(self._same(name, born))]

    @staticmethod
    def _same(name: str, born: dt.date):
        return (select(t.patients).where(t.patients.c.search_key == search_key(name.strip()),
                                         t.patients.c.date_of_birth == born)
                .order_by(t.patients.c.id))

    @classmethod
    def _find(cls, connection: Connection, name: str, born: dt.date) -> Any:
        return connection.execute(cls._same(name, born).limit(1)).first()

    def find_or_create(self, patient: Patient, actor: str = "") -> PatientRecord:
        """Match on normalized name and date of birth; otherwise create. An existing
        patient is returned as stored (the document keeps its own copy of the details)."""
        new = NewPatient(name=patient.name, date_of_birth=patient.date_of_birth,
                         sex=patient.sex, phone=patient.phone, email=patient.email)
        values = clean_patient(new)
        with self._db.writing() as connection:
            row = self._find(connection, values["name"], values["date_of_birth"])
            if row is not None:
                return _patient(row)
            return self._insert(connection, [values], actor)[0]

    def consultation_count(self, patient_id: int) -> int:
        with self._db.reading() as connection:
            self._row(connection, patient_id)
            return self._consultations(connection, patient_id)

    @staticmethod
    def _consultations(connection: Connection, patient_id: int) -> int:
        return connection.execute(select(func.count()).select_from(t.consultations)
                                  .where(t.consultations.c.patient_id == patient_id)).scalar_one()

    def record_dates(self, patient_id: int) -> RecordDates:
        """How many consultations, sessions and photographs the patient has, and the date
        of the last one (what the retention period runs from)."""
        from mesodesk.store.erasure import record_dates

        with self._db.reading() as connection:
            self._row(connection, patient_id)
            return record_dates(connection, patient_id)

    def delete(self, patient_id: int, actor: str = "") -> None:
        """Delete a patient who has no consultation (a record made by mistake); one with
        consultations is refused, saying how many (their records are kept)."""
        with self._db.writing() as connection:
            row = self._row(connection, patient_id)
            held = self._consultations(connection, patient_id)
            if held:
                raise ImmutableRecord(
                    f"patient {patient_id} ({row.name}) has {held} consultation"
                    f"{'s' if held != 1 else ''} and cannot be deleted: clinical records are "
                    "kept. If this is a second record of the same person, merge it into the "
                    "other one instead")
            self._refuse_with_photos(connection, patient_id, row.name)
            connection.execute(t.patients.delete().where(t.patients.c.id == patient_id))
            audit.append(connection, actor=actor, action="delete", table="patients",
                         record_id=patient_id, before=audit.state_hash("patients", row._mapping),
                         after=None)

    @staticmethod
    def _refuse_with_photos(connection: Connection, patient_id: int, name: str) -> None:
        photos, consents = (
            connection.execute(select(func.count()).select_from(table)
                               .where(table.c.patient_id == patient_id)).scalar_one()
            for table in (t.photos, t.photo_consents))
        if photos or consents:
            raise ImmutableRecord(
                f"patient {patient_id} ({name}) has {photos} photograph"
                f"{'s' if photos != 1 else ''} and {consents} photo consent event"
                f"{'s' if consents != 1 else ''} and cannot be deleted: they are kept with the "
                "record. If this is a second record of the same person, merge it into the "
                "other one instead")

    def merge(self, removed_id: int, kept_id: int, details: NewPatient, actor: str = ""
              ) -> tuple[PatientRecord, list[int]]:
        """Merge two records of one person, in one transaction: ``kept_id`` takes
        ``details`` (chosen from both), every consultation of ``removed_id`` moves to it
        unchanged (a signed consent stays with its consultation, its PDF as signed), and
        ``removed_id`` is deleted, its audit trail ending with the merge. Returns the kept
        patient and the ids of the consultations moved."""
        if removed_id == kept_id:
            raise InvalidRecord(f"patient {kept_id} cannot be merged into itself")
        values = clean_patient(details)
        with self._db.writing() as connection:
            removed = self._row(connection, removed_id)
            kept = self._row(connection, kept_id)
            ids = self._move_records(connection, "consultations", removed_id, kept_id, actor)
            self._move_records(connection, "sessions", removed_id, kept_id, actor)
            self._move_records(connection, "photos", removed_id, kept_id, actor)
            self._move_records(connection, "photo_consents", removed_id, kept_id, actor)
            listed = ",".join(str(number) for number in ids)
            before = audit.state_hash("patients", kept._mapping)
            after = audit.state_hash("patients", {**values, "id": kept_id})
            connection.execute(t.patients.update().where(t.patients.c.id == kept_id)
                               .values(**values, updated_at=audit.now()))
            audit.append(connection, actor=actor, action="merge", table="patients",
                         record_id=kept_id, before=before, after=after,
                         details={"merged": removed_id, "consultations": listed})
            connection.execute(t.patients.delete().where(t.patients.c.id == removed_id))
            audit.append(connection, actor=actor, action="merge-into", table="patients",
                         record_id=removed_id,
                         before=audit.state_hash("patients", removed._mapping), after=None,
                         details={"into": kept_id, "consultations": listed})
            return _patient(self._row(connection, kept_id)), ids

    @staticmethod
    def _move_records(connection: Connection, name: str, removed_id: int, kept_id: int,
                      actor: str) -> list[int]:
        """Give every consultation (session, photograph, photo consent event) of
        ``removed_id`` to ``kept_id``, each with its audit event; nothing else of them
        changes (the triggers of migrations 0007 and 0008 refuse anything more). Returns
        their ids."""
        table = getattr(t, name)
        # The audited columns only: a photograph's image data is never read to move it.
        state = [table.c[column] for column in audit.STATE_COLUMNS[name]]
        rows = connection.execute(select(*state).where(table.c.patient_id == removed_id)
                                  .order_by(table.c.id)).all()
        for row in rows:
            connection.execute(table.update().where(table.c.id == row.id)
                               .values(patient_id=kept_id))
            audit.append(connection, actor=actor, action="move-to-patient", table=name,
                         record_id=row.id, before=audit.state_hash(name, row._mapping),
                         after=audit.state_hash(name, {**row._mapping, "patient_id": kept_id}),
                         details={"from_patient": removed_id, "to_patient": kept_id,
                                  "why": "merge"})
        return [row.id for row in rows]


class _Values:
    """Attribute access over a dict, to build records from values just written."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)


class Practitioners(_Repository):
    def list(self) -> list[PractitionerRecord]:
        with self._db.reading() as connection:
            rows = connection.execute(select(t.practitioners).order_by(t.practitioners.c.name,
                                                                       t.practitioners.c.id))
            return [PractitionerRecord(id=row.id, name=row.name, registration=row.registration)
                    for row in rows]

    @staticmethod
    def id_for(connection: Connection, doc: Consultation, actor: str) -> int | None:
        if doc.practitioner is None:
            return None
        name = doc.practitioner.name.strip()
        registration = (doc.practitioner.registration or "").strip()
        found = connection.execute(
            select(t.practitioners.c.id).where(t.practitioners.c.name == name,
                                               t.practitioners.c.registration == registration)
        ).scalar()
        if found is not None:
            return found
        practitioner_id = connection.execute(t.practitioners.insert().values(
            name=name, registration=registration, created_at=audit.now())).inserted_primary_key[0]
        audit.append(connection, actor=actor, action="create", table="practitioners",
                     record_id=practitioner_id, before=None,
                     after=audit.state_hash("practitioners", {"id": practitioner_id, "name": name,
                                                              "registration": registration}))
        return practitioner_id


def _consultation_query():
    c = t.consultations.c
    has_consent = exists().where(t.signed_consents.c.consultation_id == c.id)
    successor = t.consultations.alias("successor")
    superseded_by = (select(successor.c.id).where(successor.c.supersedes == c.id)
                     .scalar_subquery())
    return select(t.consultations, has_consent.label("has_signed_consent"),
                  superseded_by.label("superseded_by"))


def _consultation(row: Any) -> ConsultationRecord:
    return ConsultationRecord(
        id=row.id, patient_id=row.patient_id, date=row.date,
        concerns=tuple(row.concerns.split()), status=row.status,
        document=load_document(row.document, row.id, row.format), supersedes=row.supersedes,
        created_at=row.created_at, updated_at=row.updated_at,
        has_signed_consent=bool(row.has_signed_consent), finalized_at=row.finalized_at,
        superseded_by=row.superseded_by)


def _document_columns(doc: Consultation) -> dict[str, Any]:
    """The columns a document is stored in: always written as version 2 (a document read
    as version 1 is written with its version-2 fingerprint, matching the text stored)."""
    if not isinstance(doc, Consultation):
        raise InvalidRecord("document: must be a consultation document")
    doc = doc.rewritten()
    return {"document": document_text(doc), "format": doc.format,
            "fingerprint": doc.fingerprint(), "date": doc.date,
            "concerns": " ".join(doc.concerns)}


_STATUS_WORDS = {"final": "finalized", "not-treated": "recorded as not treated"}


@dataclass(frozen=True)
class ImportResult:
    """What ``import_document`` did: the stored consultation and its patient."""

    record: ConsultationRecord
    patient: PatientRecord
    new_patient: bool  # the patient was created by this import
    added: bool        # False: the same document was already stored, nothing was added


class Consultations(_Repository):
    def _row(self, connection: Connection, consultation_id: int) -> Any:
        row = connection.execute(_consultation_query()
                                 .where(t.consultations.c.id == consultation_id)).first()
        if row is None:
            raise NotFound(f"there is no consultation {consultation_id}")
        return row

    def _draft_row(self, connection: Connection, consultation_id: int, doing: str) -> Any:
        row = self._row(connection, consultation_id)
        if row.status != "draft":
            raise ImmutableRecord(
                f"consultation {consultation_id} is {_STATUS_WORDS[row.status]} and cannot be "
                f"{doing}; make a new version of it instead")
        return row

    @staticmethod
    def _state(values: Any) -> str:
        return audit.state_hash("consultations", values)

    def save_draft(self, patient_id: int, doc: Consultation, consultation_id: int | None = None,
                   actor: str = "") -> ConsultationRecord:
        """Create a draft, or replace the document of an existing draft (a no-op if unchanged)."""
        columns = _document_columns(doc)
        with self._db.writing() as connection:
            Patients._row(connection, patient_id)
            practitioner_id = Practitioners.id_for(connection, doc, actor)
            stamp = audit.now()
            if consultation_id is None:
                new_id = self._insert_draft(connection, patient_id, columns, practitioner_id,
                                            actor)
                return _consultation(self._row(connection, new_id))
            row = self._draft_row(connection, consultation_id, "changed")
            if row.patient_id != patient_id:
                raise InvalidRecord(f"consultation {consultation_id} belongs to patient "
                                    f"{row.patient_id}, not to patient {patient_id}")
            values = {**row._mapping, **columns, "practitioner_id": practitioner_id}
            before, after = self._state(row._mapping), self._state(values)
            if before == after:
                return _consultation(row)
            connection.execute(t.consultations.update()
                               .where(t.consultations.c.id == consultation_id)
                               .values(**columns, practitioner_id=practitioner_id,
                                       updated_at=stamp))
            audit.append(connection, actor=actor, action="update-draft", table="consultations",
                         record_id=consultation_id, before=before, after=after,
                         details={"fingerprint": columns["fingerprint"]})
            return _consultation(self._row(connection, consultation_id))

    def _insert_draft(self, connection: Connection, patient_id: int, columns: dict[str, Any],
                      practitioner_id: int | None, actor: str, action: str = "create-draft",
                      details: dict[str, Any] | None = None) -> int:
        stamp = audit.now()
        values = {**columns, "patient_id": patient_id, "practitioner_id": practitioner_id,
                  "status": "draft", "supersedes": None}
        new_id = connection.execute(t.consultations.insert().values(
            **values, created_at=stamp, updated_at=stamp)).inserted_primary_key[0]
        audit.append(connection, actor=actor, action=action, table="consultations",
                     record_id=new_id, before=None, after=self._state({**values, "id": new_id}),
                     details={"patient": patient_id, "fingerprint": columns["fingerprint"],
                              **(details or {})})
        return new_id

    def import_document(self, doc: Consultation, actor: str = "") -> ImportResult:
        """Store a consultation document read from a file, in one transaction.

        The patient is matched on normalized name and date of birth, or created. A
        document already stored for that patient (the same fingerprint, with or without
        its signatures) adds nothing: the stored consultation is returned with
        ``added=False``. Otherwise it becomes a new draft. Signatures are not carried
        into the draft: they belong to the version that was signed, and a draft is signed
        again when it is finished (as with ``new_version``).
        """
        if not isinstance(doc, Consultation):
            raise InvalidRecord("document: must be a consultation document")
        data = doc.to_dict()
        data.pop("signatures", None)
        unsigned = parse_structure(data)
        columns = _document_columns(unsigned)
        patient = NewPatient(name=doc.patient.name, date_of_birth=doc.patient.date_of_birth,
                             sex=doc.patient.sex, phone=doc.patient.phone, email=doc.patient.email)
        patient_values = clean_patient(patient)
        patients = Patients(self._db)
        with self._db.writing() as connection:
            row = Patients._find(connection, patient_values["name"],
                                 patient_values["date_of_birth"])
            new_patient = row is None
            stored = (patients._insert(connection, [patient_values], actor)[0] if new_patient
                      else _patient(row))
            if not new_patient:
                # A consultation stored as version 1 has its version-1 fingerprint: its
                # export (version 2) is found by that one.
                candidates = ((doc.fingerprint(), doc), (v1_fingerprint(doc), doc),
                              (columns["fingerprint"], unsigned),
                              (v1_fingerprint(unsigned), unsigned))
                for fingerprint, wanted in candidates:
                    found = connection.execute(
                        _consultation_query().where(t.consultations.c.patient_id == stored.id,
                                                    t.consultations.c.fingerprint == fingerprint)
                        .order_by(t.consultations.c.id.desc()).limit(1)).first()
                    if found is not None:
                        existing = _consultation(found)
                        if existing.document.to_dict() == wanted.to_dict():
                            return ImportResult(existing, stored, new_patient=False, added=False)
            practitioner_id = Practitioners.id_for(connection, unsigned, actor)
            new_id = self._insert_draft(connection, stored.id, columns, practitioner_id, actor,
                                        action="import",
                                        details={"signatures": "not carried over"}
                                        if doc.signatures is not None else None)
            return ImportResult(_consultation(self._row(connection, new_id)), stored,
                                new_patient=new_patient, added=True)

    def _close(self, consultation_id: int, doc: Consultation, status: str, action: str,
               actor: str) -> ConsultationRecord:
        columns = _document_columns(doc)
        with self._db.writing() as connection:
            self._close_in(connection, consultation_id, columns, doc, status, action, actor)
            return _consultation(self._row(connection, consultation_id))

    def _close_in(self, connection: Connection, consultation_id: int, columns: dict[str, Any],
                  doc: Consultation, status: str, action: str, actor: str) -> None:
        row = self._draft_row(connection, consultation_id, "changed")
        practitioner_id = Practitioners.id_for(connection, doc, actor)
        stamp = audit.now()
        changes = {**columns, "practitioner_id": practitioner_id, "status": status}
        before = self._state(row._mapping)
        after = self._state({**row._mapping, **changes})
        connection.execute(t.consultations.update()
                           .where(t.consultations.c.id == consultation_id)
                           .values(**changes, updated_at=stamp, finalized_at=stamp))
        audit.append(connection, actor=actor, action=action, table="consultations",
                     record_id=consultation_id, before=before, after=after,
                     details={"fingerprint": columns["fingerprint"]})

    def finalize(self, consultation_id: int, doc: Consultation, actor: str = ""
                 ) -> ConsultationRecord:
        """Store the final document; from then on the consultation never changes. Whether
        it may be finalized as treated is decided above the store
        (``mesodesk.services.consultations.check_treatable``)."""
        return self._close(consultation_id, doc, "final", "finalize", actor)

    def finalize_with_consent(self, consultation_id: int, doc: Consultation, pdf: bytes,
                              fingerprint: str, signed_at: dt.datetime, actor: str = ""
                              ) -> tuple[ConsultationRecord, SignedConsent]:
        """Finalize the consultation and keep its signed consent PDF in one transaction,
        with both audit events: either the consultation is final with its consent, or
        nothing changed and it is still a draft (so finishing can simply be tried again).

        ``fingerprint`` is the fingerprint of the document the PDF was made from; it must
        be ``doc``'s. A naive ``signed_at`` is local time.
        """
        columns = _document_columns(doc)
        pdf, signed_at = _clean_consent(pdf, fingerprint, signed_at)
        if fingerprint != columns["fingerprint"]:
            raise InvalidRecord(
                f"the signed consent was made from another version of consultation "
                f"{consultation_id} (fingerprint {fingerprint}; the document being finalized "
                f"has {columns['fingerprint']})")
        with self._db.writing() as connection:
            self._close_in(connection, consultation_id, columns, doc, "final", "finalize", actor)
            consent = _record_consent(connection, consultation_id, pdf, fingerprint, signed_at,
                                      actor)
            return _consultation(self._row(connection, consultation_id)), consent

    def mark_not_treated(self, consultation_id: int, doc: Consultation, actor: str = ""
                         ) -> ConsultationRecord:
        """Close the consultation without treatment (e.g. clinically blocked); immutable too."""
        return self._close(consultation_id, doc, "not-treated", "mark-not-treated", actor)

    def new_version(self, consultation_id: int, actor: str = "", reason: str = ""
                    ) -> ConsultationRecord:
        """A new draft that supersedes a closed consultation; the old one stays as it was.
        The signatures and the photo consent are not carried over: they belong to the
        version that was signed, and the patient is asked again.
        ``reason`` (why it is corrected) goes into the audit event."""
        with self._db.writing() as connection:
            row = self._row(connection, consultation_id)
            if row.status == "draft":
                raise InvalidRecord(f"consultation {consultation_id} is a draft: edit it "
                                    "instead of making a new version")
            if row.superseded_by is not None:
                raise ImmutableRecord(f"consultation {consultation_id} already has a newer "
                                      f"version, consultation {row.superseded_by}")
            data = load_document(row.document, consultation_id).to_dict()
            data.pop("signatures", None)
            data.pop("photo_consent", None)  # asked again, never carried forward silently
            doc = parse_structure(data)
            columns = _document_columns(doc)
            stamp = audit.now()
            values = {**columns, "patient_id": row.patient_id,
                      "practitioner_id": row.practitioner_id, "status": "draft",
                      "supersedes": consultation_id}
            new_id = connection.execute(t.consultations.insert().values(
                **values, created_at=stamp, updated_at=stamp)).inserted_primary_key[0]
            audit.append(connection, actor=actor, action="new-version", table="consultations",
                         record_id=new_id, before=None, after=self._state({**values, "id": new_id}),
                         details={"supersedes": consultation_id,
                                  "fingerprint": columns["fingerprint"],
                                  **({"reason": reason} if reason else {})})
            return _consultation(self._row(connection, new_id))

    def get(self, consultation_id: int) -> ConsultationRecord:
        with self._db.reading() as connection:
            return _consultation(self._row(connection, consultation_id))

    def find(self, patient_id: int, fingerprint: str) -> ConsultationRecord | None:
        """The patient's newest consultation whose document has this fingerprint, if any."""
        with self._db.reading() as connection:
            row = connection.execute(
                _consultation_query().where(t.consultations.c.patient_id == patient_id,
                                            t.consultations.c.fingerprint == fingerprint)
                .order_by(t.consultations.c.id.desc()).limit(1)).first()
            return _consultation(row) if row is not None else None

    def for_patient(self, patient_id: int) -> list[ConsultationRecord]:
        """The patient's consultations, newest first (by date, then by creation)."""
        with self._db.reading() as connection:
            Patients._row(connection, patient_id)
            rows = connection.execute(
                _consultation_query().where(t.consultations.c.patient_id == patient_id)
                .order_by(t.consultations.c.date.desc(), t.consultations.c.id.desc()))
            return [_consultation(row) for row in rows]

    def latest_draft(self) -> ConsultationRecord | None:
        """The draft saved most recently, for crash recovery."""
        with self._db.reading() as connection:
            row = connection.execute(
                _consultation_query().where(t.consultations.c.status == "draft")
                .order_by(t.consultations.c.updated_at.desc(), t.consultations.c.id.desc())
                .limit(1)).first()
            return _consultation(row) if row is not None else None

    def delete_draft(self, consultation_id: int, actor: str = "") -> None:
        with self._db.writing() as connection:
            row = self._draft_row(connection, consultation_id, "deleted")
            connection.execute(t.consultations.delete()
                               .where(t.consultations.c.id == consultation_id))
            audit.append(connection, actor=actor, action="delete-draft", table="consultations",
                         record_id=consultation_id, before=self._state(row._mapping), after=None,
                         details={"fingerprint": row.fingerprint})


def _consent(row: Any) -> SignedConsent:
    return SignedConsent(id=row.id, consultation_id=row.consultation_id,
                         pdf_sha256=row.pdf_sha256, fingerprint=row.fingerprint,
                         signed_at=row.signed_at)


_CONSENT_COLUMNS = (t.signed_consents.c.id, t.signed_consents.c.consultation_id,
                    t.signed_consents.c.pdf_sha256, t.signed_consents.c.fingerprint,
                    t.signed_consents.c.signed_at)


def _clean_consent(pdf: bytes, fingerprint: str, signed_at: dt.datetime
                   ) -> tuple[bytes, dt.datetime]:
    if not isinstance(pdf, (bytes, bytearray)) or not bytes(pdf).startswith(b"%PDF-"):
        raise InvalidRecord("pdf: must be the bytes of a PDF document")
    if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
        raise InvalidRecord("fingerprint: must be the consultation's 12-hex-digit fingerprint")
    return bytes(pdf), _aware(signed_at, "signed_at")


def _record_consent(connection: Connection, consultation_id: int, pdf: bytes, fingerprint: str,
                    signed_at: dt.datetime, actor: str) -> SignedConsent:
    """Insert the signed consent of a finalized consultation and its audit event."""
    row = connection.execute(select(t.consultations.c.status, t.consultations.c.fingerprint)
                             .where(t.consultations.c.id == consultation_id)).first()
    if row is None:
        raise NotFound(f"there is no consultation {consultation_id}")
    if row.status == "draft":
        raise InvalidRecord(f"consultation {consultation_id} is a draft: finalize it "
                            "before recording its signed consent")
    if row.status != "final":
        raise InvalidRecord(f"consultation {consultation_id} was recorded as not "
                            "treated: there is no consent to sign")
    if fingerprint != row.fingerprint:
        raise InvalidRecord(
            f"the signed consent was made from another version of consultation "
            f"{consultation_id} (fingerprint {fingerprint}; the finalized consultation "
            f"has {row.fingerprint})")
    existing = connection.execute(
        select(t.signed_consents.c.id)
        .where(t.signed_consents.c.consultation_id == consultation_id)).scalar()
    if existing is not None:
        raise ImmutableRecord(f"consultation {consultation_id} already has a signed "
                              f"consent ({existing}), which cannot be replaced")
    values = {"consultation_id": consultation_id, "pdf": pdf,
              "pdf_sha256": audit.sha256_hex(pdf), "fingerprint": fingerprint,
              "signed_at": signed_at}
    consent_id = connection.execute(t.signed_consents.insert().values(
        **values, recorded_at=audit.now())).inserted_primary_key[0]
    audit.append(connection, actor=actor, action="record-consent",
                 table="signed_consents", record_id=consent_id, before=None,
                 after=audit.state_hash("signed_consents", {**values, "id": consent_id}),
                 details={"consultation": consultation_id, "fingerprint": fingerprint,
                          "pdf_sha256": values["pdf_sha256"]})
    return _consent(_Values({**values, "id": consent_id}))


class Consents(_Repository):
    def record(self, consultation_id: int, pdf: bytes, fingerprint: str,
               signed_at: dt.datetime, actor: str = "") -> SignedConsent:
        """Keep the signed consent PDF of a finalized consultation, for good.

        ``fingerprint`` is the fingerprint of the consultation document the PDF was made
        from; it must be the stored final document's. A naive ``signed_at`` is local time.
        Finishing a consultation should use ``Consultations.finalize_with_consent``, which
        finalizes and records the consent in one transaction.
        """
        pdf, signed_at = _clean_consent(pdf, fingerprint, signed_at)
        with self._db.writing() as connection:
            return _record_consent(connection, consultation_id, pdf, fingerprint, signed_at,
                                   actor)

    def for_consultation(self, consultation_id: int) -> SignedConsent | None:
        with self._db.reading() as connection:
            row = connection.execute(
                select(*_CONSENT_COLUMNS)
                .where(t.signed_consents.c.consultation_id == consultation_id)).first()
            return _consent(row) if row is not None else None

    def get(self, consent_id: int) -> SignedConsent:
        with self._db.reading() as connection:
            row = connection.execute(select(*_CONSENT_COLUMNS)
                                     .where(t.signed_consents.c.id == consent_id)).first()
            if row is None:
                raise NotFound(f"there is no signed consent {consent_id}")
            return _consent(row)

    def pdf(self, consent_id: int) -> bytes:
        """The signed PDF, checked against the SHA-256 recorded when it was signed."""
        with self._db.reading() as connection:
            row = connection.execute(
                select(t.signed_consents.c.pdf, t.signed_consents.c.pdf_sha256)
                .where(t.signed_consents.c.id == consent_id)).first()
        if row is None:
            raise NotFound(f"there is no signed consent {consent_id}")
        data = bytes(row.pdf)
        if audit.sha256_hex(data) != row.pdf_sha256:
            raise IntegrityFailure(f"signed consent {consent_id}: the stored PDF no longer matches "
                                   "the SHA-256 recorded when it was signed")
        return data


def _settings(row: Any) -> ClinicSettings:
    return ClinicSettings(name=row.name, address=row.address,
                          logo_png=bytes(row.logo_png) if row.logo_png is not None else None,
                          practitioner_name=row.practitioner_name,
                          practitioner_registration=row.practitioner_registration,
                          default_paper=row.default_paper, default_language=row.default_language,
                          phone=row.phone, jurisdiction=row.jurisdiction,
                          member_state=row.member_state, retention_years=row.retention_years,
                          retention_confirmed=bool(row.retention_confirmed))


def clean_settings(settings: ClinicSettings) -> dict[str, Any]:
    def text(value: Any, field: str, maximum: int) -> str:
        if not isinstance(value, str):
            raise InvalidRecord(f"{field}: must be text")
        value = value.strip()
        if len(value) > maximum:
            raise InvalidRecord(f"{field}: must be at most {maximum} characters")
        return value

    if settings.default_paper not in ("a4", "letter"):
        raise InvalidRecord("default_paper: must be a4 or letter")
    if not isinstance(settings.default_language, str) or not _LANGUAGE.match(
            settings.default_language):
        raise InvalidRecord("default_language: must be a language code such as en or el")
    logo = settings.logo_png
    if logo is not None:
        if not isinstance(logo, (bytes, bytearray)) or not bytes(logo).startswith(_PNG_MAGIC):
            raise InvalidRecord("logo_png: must be a PNG image")
        if len(logo) > MAX_LOGO_BYTES:
            raise InvalidRecord("logo_png: must be at most 2 MB")
        logo = bytes(logo)
    return {
        "id": 1, "name": text(settings.name, "name", 2000),
        "address": text(settings.address, "address", 2000), "logo_png": logo,
        "practitioner_name": text(settings.practitioner_name, "practitioner_name", MAX_NAME),
        "practitioner_registration": text(settings.practitioner_registration,
                                          "practitioner_registration", MAX_NAME),
        "default_paper": settings.default_paper, "default_language": settings.default_language,
        "phone": text(settings.phone, "phone", 100),
        "jurisdiction": _jurisdiction(settings), "member_state": _member_state(settings),
        "retention_years": _retention_years(settings),
        "retention_confirmed": settings.retention_confirmed is True,
    }


def _retention_years(settings: ClinicSettings) -> int:
    years = settings.retention_years
    if isinstance(years, bool) or not isinstance(years, int) or not (
            1 <= years <= MAX_RETENTION_YEARS):
        raise InvalidRecord(f"retention_years: must be a whole number of years from 1 to "
                            f"{MAX_RETENTION_YEARS}")
    return years


def _jurisdiction(settings: ClinicSettings) -> str:
    if settings.jurisdiction not in ("EU", "US", "UK"):
        raise InvalidRecord("jurisdiction: must be EU, US or UK")
    return settings.jurisdiction


def _member_state(settings: ClinicSettings) -> str:
    state = settings.member_state
    if not isinstance(state, str):
        raise InvalidRecord("member_state: must be text")
    state = state.strip().upper()
    if settings.jurisdiction != "EU":
        return ""
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise InvalidRecord("member_state: must be a two-letter country code such as GR")
    return state


# Settings columns outside the audited state (``audit.STATE_COLUMNS``).
_LATER_SETTINGS = ("phone", "jurisdiction", "member_state", "retention_years",
                   "retention_confirmed")


class Settings(_Repository):
    def get(self) -> ClinicSettings:
        with self._db.reading() as connection:
            row = connection.execute(select(t.clinic_settings)
                                     .where(t.clinic_settings.c.id == 1)).first()
            return _settings(row) if row is not None else ClinicSettings()

    def save(self, settings: ClinicSettings, actor: str = "") -> ClinicSettings:
        values = clean_settings(settings)
        after = audit.state_hash("clinic_settings", values)
        with self._db.writing() as connection:
            row = connection.execute(select(t.clinic_settings)
                                     .where(t.clinic_settings.c.id == 1)).first()
            if row is None:
                connection.execute(t.clinic_settings.insert().values(**values,
                                                                     updated_at=audit.now()))
                audit.append(connection, actor=actor, action="create", table="clinic_settings",
                             record_id=1, before=None, after=after)
            else:
                before = audit.state_hash("clinic_settings", row._mapping)
                # The audited state predates the later columns (its hash must stay what
                # earlier events recorded), so a change to one of those is named in the
                # event's details instead.
                later = {column: values[column] for column in _LATER_SETTINGS
                         if row._mapping[column] != values[column]}
                if before != after or later:
                    connection.execute(t.clinic_settings.update()
                                       .where(t.clinic_settings.c.id == 1)
                                       .values(**values, updated_at=audit.now()))
                    audit.append(connection, actor=actor, action="update",
                                 table="clinic_settings", record_id=1, before=before, after=after,
                                 details={column: str(value) for column, value in later.items()})
            return _settings(_Values(values))


class AuditTrail(_Repository):
    def note(self, action: str, *, table: str = "database", record_id: int | None = None,
             details: dict[str, str] | None = None, actor: str = "") -> AuditEvent:
        """Record an event that changes no record (an export, a restore, a print) in the
        chain. For a record of an audited table, before and after are its current state."""
        if not action or len(action) > 40:
            raise InvalidRecord("action: must be 1 to 40 characters")
        if getattr(self._db, "read_only", False):  # recorded outside, signed (see checkpoints)
            from mesodesk.store.outside import note_outside

            return note_outside(self._db.location, action=action, table=table,
                                record_id=record_id, details=details or {},
                                actor=audit.actor_or_default(actor))
        with self._db.writing() as connection:
            state = None
            if record_id is not None and table in audit.AUDITED_TABLES:
                source = audit.AUDITED_TABLES[table]
                row = connection.execute(select(source).where(source.c.id == record_id)).first()
                if row is None:
                    raise NotFound(f"there is no {table} record {record_id}")
                state = audit.state_hash(table, row._mapping)
            return audit.append(connection, actor=actor, action=action, table=table,
                                record_id=record_id, before=state, after=state, details=details)

    def verify(self) -> AuditReport:
        with self._db.reading() as connection:
            return audit.verify(connection)

    def about_patient(self, patient_id: int) -> list[AuditEvent]:
        """Every event of the patient's record and of their consultations, signed
        consents, sessions, session products, photographs and photo consent events,
        oldest first."""
        c, s = t.consultations.c, t.sessions.c
        with self._db.reading() as connection:
            Patients._row(connection, patient_id)
            consultations = list(connection.execute(
                select(c.id).where(c.patient_id == patient_id)).scalars())
            consents = list(connection.execute(
                select(t.signed_consents.c.id)
                .where(t.signed_consents.c.consultation_id.in_(consultations))).scalars())
            sessions = list(connection.execute(
                select(s.id).where(s.patient_id == patient_id)).scalars())
            products = list(connection.execute(
                select(t.session_products.c.id)
                .where(t.session_products.c.patient_id == patient_id)).scalars())
            photos = list(connection.execute(
                select(t.photos.c.id).where(t.photos.c.patient_id == patient_id)).scalars())
            photo_consents = list(connection.execute(
                select(t.photo_consents.c.id)
                .where(t.photo_consents.c.patient_id == patient_id)).scalars())
            return audit.events_about(connection, {
                "patients": [patient_id], "consultations": consultations,
                "signed_consents": consents, "sessions": sessions,
                "session_products": products, "photos": photos,
                "photo_consents": photo_consents})

    def events(self, limit: int = 100, *, table: str | None = None,
               record_id: int | None = None) -> list[AuditEvent]:
        with self._db.reading() as connection:
            return audit.events(connection, max(0, int(limit)), table=table, record_id=record_id)


__all__ = ["Patients", "Practitioners", "Consultations", "Consents", "Settings", "AuditTrail",
           "StoreError"]
