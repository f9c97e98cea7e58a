"""The first page of the patient list, read with the standard library's sqlite3.

At start-up the window wants its first rows long before SQLAlchemy, sqlmodel and
Alembic are imported (they cost several times a bare Qt window). ``QuickPatientList``
opens a plain SQLite file read-only, checks that it is a mesodesk database whose schema
is current, and lists patients in the same order as ``PatientRepository.search("")``.
It answers only the unfiltered list: searching waits for the full repository, which the
GUI opens right after. Encrypted files, server URLs, missing files and schemas that
need a migration return ``None``, and the GUI goes straight to the full database.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from mesodesk.domain.records import PatientRecord
from mesodesk.store.base import APPLICATION_ID, SCHEMA_HEAD

_COLUMNS = "id, name, date_of_birth, sex, phone, email, notes, created_at, updated_at"


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _record(row: tuple) -> PatientRecord:
    return PatientRecord(id=row[0], name=row[1], date_of_birth=dt.date.fromisoformat(row[2]),
                         sex=row[3], phone=row[4], email=row[5], notes=row[6],
                         created_at=_utc(row[7]), updated_at=_utc(row[8]))


class QuickPatientList:
    """The unfiltered patient list, by name, from a current plain SQLite database."""

    lists_only = True  # searching needs the full repository

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    @classmethod
    def open(cls, location: str | Path) -> QuickPatientList | None:
        location = str(location)
        if "://" in location:
            return None
        path = Path(location).expanduser()
        try:
            with path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    return None  # missing, encrypted or not a database: the full open explains
            connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
        except (OSError, sqlite3.Error):
            return None
        try:
            current = (connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
                       and connection.execute("SELECT version_num FROM alembic_version").fetchone()
                       == (SCHEMA_HEAD,))
        except sqlite3.Error:
            current = False
        if not current:
            connection.close()
            return None
        return cls(connection)

    def search(self, text: str = "", *, limit: int = 100, offset: int = 0) -> list[PatientRecord]:
        if text.strip():
            raise ValueError("the quick list does not search; use the repository")
        rows = self._connection.execute(
            f"SELECT {_COLUMNS} FROM patients ORDER BY search_key, id LIMIT ? OFFSET ?",
            (max(0, int(limit)), max(0, int(offset))))
        return [_record(row) for row in rows]

    def count(self, text: str = "") -> int:
        if text.strip():
            raise ValueError("the quick list does not search; use the repository")
        return self._connection.execute("SELECT count(*) FROM patients").fetchone()[0]

    def close(self) -> None:
        self._connection.close()
