"""The first page of the patient list, read before SQLAlchemy is imported.

At start-up the window is on screen long before SQLAlchemy, sqlmodel and pydantic have
imported. This reads the page a practitioner sees first (no search typed) through the same
``sqlcipher3`` driver the app's engine uses, on a short read-only connection: one SQLite
library in the process, so closing this connection cannot drop the engine's file locks
(two copies of SQLite would: docs/architecture.md). The patients come back exactly as
``Patients.search("")`` returns them (tests/store/test_first_page.py compares the two).

Anything out of the ordinary returns None, and the list waits for the database to open
as before, which then names the problem: a new or missing file, PostgreSQL, a schema that
is not the newest, a passphrase (its key derivation would run twice), a stored value that
does not parse (the repository marks that patient damaged), or any driver error.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlcipher3 import dbapi2 as driver

from mesodesk.domain.records import PatientRecord
from mesodesk.store.base import SCHEMA_HEAD, StoreError
from mesodesk.store.engine import connect_read_only, resolve_location
from mesodesk.store.keys import KEY_SOURCE_PASSPHRASE
from mesodesk.store.search import key_segments

COLUMNS = ("id", "name", "date_of_birth", "sex", "phone", "email", "notes", "created_at",
           "updated_at")
_UTC = dt.timezone.utc


def read_first_page(location: str | os.PathLike[str] | None, passphrase: str | None = None, *,
                    unencrypted: bool = False, language: str = "en", limit: int = 100
                    ) -> list[PatientRecord] | None:
    """The first ``limit`` patients in the order a reader of ``language`` expects, or None
    when they cannot be read this way (the database's own search then shows them)."""
    try:
        where = resolve_location(location, passphrase, unencrypted=unencrypted)
    except StoreError:
        return None
    if where.kind != "sqlite" or where.key_source == KEY_SOURCE_PASSPHRASE:
        return None
    assert where.path is not None
    if not where.path.is_file() or where.path.stat().st_size == 0:
        return None
    try:
        connection = connect_read_only(where)
    except StoreError:
        return None
    try:
        if not _schema_is_current(connection):
            return None
        return _read(connection, language, limit)
    except (StoreError, driver.Error, ValueError, TypeError, OverflowError):
        return None
    finally:
        connection.close()


def _schema_is_current(connection: Any) -> bool:
    rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return [row[0] for row in rows] == [SCHEMA_HEAD]


def _read(connection: Any, language: str, limit: int) -> list[PatientRecord]:
    found: list[PatientRecord] = []
    for low, high in key_segments(language):
        conditions = [clause for clause, bound in (("search_key >= ?", low),
                                                   ("search_key < ?", high)) if bound]
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        sql = (f"SELECT {', '.join(COLUMNS)} FROM patients {where}"
               "ORDER BY search_key, id LIMIT ?")
        bounds = [bound for bound in (low, high) if bound]
        found += [_patient(row) for row in connection.execute(sql, (*bounds, limit - len(found)))]
        if len(found) >= limit:
            break
    return found


def _patient(row: tuple) -> PatientRecord:
    values = dict(zip(COLUMNS, row))
    return PatientRecord(
        id=values["id"], name=values["name"],
        date_of_birth=dt.date.fromisoformat(values["date_of_birth"]), sex=values["sex"],
        phone=values["phone"], email=values["email"], notes=values["notes"],
        created_at=_utc(values["created_at"]), updated_at=_utc(values["updated_at"]))


def _utc(text: str) -> dt.datetime:
    """A stored time as the repository reads it: SQLite keeps UTC without its zone."""
    value = dt.datetime.fromisoformat(text)
    return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
