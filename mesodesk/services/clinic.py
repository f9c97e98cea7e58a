"""The clinic's settings: its details, the practitioner, the defaults for new documents;
and the first run, which creates the database with them."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.services.errors import store_errors

if TYPE_CHECKING:
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.store.database import Database
    from mesodesk.store.engine import Location


def clinic_settings(db: Database) -> ClinicSettings:
    with store_errors():
        return db.settings.get()


def save_settings(db: Database, settings: ClinicSettings, actor: str = "") -> ClinicSettings:
    """Keep the settings (audited); a field that is wrong is named in the error."""
    with store_errors():
        return db.settings.save(settings, actor=actor)


def set_up(location: str | os.PathLike[str] | None, settings: ClinicSettings, *,
           passphrase: str | None = None, unencrypted: bool = False, actor: str = "") -> Location:
    """The first run: create the database (encrypted, its key in the key store, unless a
    passphrase is given or ``unencrypted`` chosen) and keep the clinic's settings and the
    practitioner in it. Refused when a database is already there; when a step fails, the
    new database's files are removed, so nothing is left half-made."""
    from mesodesk.services.records import open_records
    from mesodesk.store.base import InvalidRecord
    from mesodesk.store.engine import resolve_location
    from mesodesk.store.repositories import clean_settings

    with store_errors():
        clean_settings(settings)  # a wrong field is named before anything is made
        where = resolve_location(location, passphrase, unencrypted=unencrypted)
        if where.path is not None and where.path.exists() and where.path.stat().st_size > 0:
            raise InvalidRecord(f"there is already a database at {where.path}; nothing was changed")
    db = open_records(location, passphrase, unencrypted=unencrypted, actor=actor)
    try:
        save_settings(db, settings, actor)
    except BaseException:
        db.close()
        _remove_database_files(db.location)
        raise
    db.close()
    return db.location


def _remove_database_files(location: Location) -> None:
    # The key store entry stays: a key kept for that place is reused by the next database
    # there (see mesodesk.store.keys), and it opens nothing once the files are gone.
    if location.path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{location.path}{suffix}").unlink()
