"""The ``Database``: an open store with its repositories, transactions and backups."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from mesodesk.store import backup as backups
from mesodesk.store import damage
from mesodesk.store.base import IntegrityFailure, NotFound, StoreError
from mesodesk.store.engine import (
    DEFAULT_BUSY_TIMEOUT,
    PG_LOCK_KEY,
    Location,
    check_ours,
    check_writable,
    create_store_engine,
    probe_sqlite,
    resolve_location,
    translating,
    with_new_key,
)
from mesodesk.store.keys import forget_key
from mesodesk.store.erasure import Erasures
from mesodesk.store.photos import Photos
from mesodesk.store.sessions import Sessions
from mesodesk.store.repositories import (
    AuditTrail,
    Consents,
    Consultations,
    Patients,
    Practitioners,
    Settings,
)


class Database:
    """An open mesodesk database. Thread-safe: each operation takes its own connection
    from the pool, so workers may call it while the GUI thread does too."""

    def __init__(self, location: Location, engine: Engine):
        self.location = location
        self.engine = engine
        self.patients = Patients(self)
        self.practitioners = Practitioners(self)
        self.consultations = Consultations(self)
        self.consents = Consents(self)
        self.settings = Settings(self)
        self.sessions = Sessions(self)
        self.photos = Photos(self)
        self.erasures = Erasures(self)
        self.audit = AuditTrail(self)
        self.upgrade_backup: Path | None = None  # the backup made before a schema upgrade
        # The last audit event's id when the session began (services.verify.Session):
        # later events are the session's own, for the checkpoint a backup carries.
        self.session_start: int | None = None
        self.read_only = False  # opened by store.readonly: events are kept outside it

    # -- what it is ----------------------------------------------------------------------
    @property
    def description(self) -> str:
        """For the status bar: the file (with "(encrypted)") or the URL without password."""
        return self.location.description

    @property
    def encrypted(self) -> bool:
        return self.location.encrypted

    @property
    def kind(self) -> str:
        return self.location.kind

    @property
    def path(self) -> Path | None:
        return self.location.path

    @property
    def schema_revision(self) -> str | None:
        from mesodesk.store.schema import current_revision

        with self.reading() as connection:
            return current_revision(connection)

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One snapshot for all reads inside (SQLite: a read transaction in WAL mode;
        PostgreSQL: REPEATABLE READ); every database error becomes a StoreError."""
        with translating(self.location), self._unparsed_values():
            with self.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction holding the write lock: all of a change and its audit event, or none.

        SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-level advisory lock. Either way
        writers take turns, which keeps the audit chain a single line.
        """
        with translating(self.location), self._unparsed_values():
            with self.engine.connect() as connection:
                connection.execution_options(mesodesk_begin="IMMEDIATE")
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                           {"key": PG_LOCK_KEY})
                    yield connection

    @contextmanager
    def _unparsed_values(self) -> Iterator[None]:
        """A stored value that no longer parses (SQLAlchemy raises while reading the row)
        is a damaged record: said so, with the way to find it and to repair it."""
        try:
            yield
        except damage.READ_ERRORS as error:
            raise IntegrityFailure(
                f"{self.location.name}: a stored value does not parse ({error}). "
                "`mesodesk audit verify` names the table, row and column; restore the latest "
                "backup with `mesodesk restore`.") from error

    # -- backups -------------------------------------------------------------------------
    def backup(self, path: str | os.PathLike[str]) -> Path:
        """Copy the database to ``path`` with SQLite's online backup API: consistent while
        the app keeps working, encrypted with the same passphrase if the database is.
        The copy is written beside ``path``, checked, then moved into place."""
        return backups.backup(self, Path(path))

    def backup_before_upgrade(self, revision: str) -> Path:
        assert self.location.path is not None
        from mesodesk.paths import make_private_dir

        folder = self.location.path.parent / "backups"
        try:
            # Created owner-only: it holds whole copies of the records. A "backups" folder
            # that was already there may be the user's own: its mode is theirs (each
            # backup file is 0600 anyway).
            make_private_dir(folder, tighten=False)
        except OSError as error:
            raise StoreError(f"cannot create the backup folder {folder} before upgrading the "
                             f"database: {error.strerror}. Nothing was changed.") from None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        destination = folder / f"{self.location.path.stem}-schema-{revision}-{stamp}.db"
        counter = 1
        while destination.exists():
            counter += 1
            destination = folder / f"{self.location.path.stem}-schema-{revision}-{stamp}-{counter}.db"
        self.upgrade_backup = self.backup(destination)
        return self.upgrade_backup

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Database {self.description}>"


def open_database(location: str | os.PathLike[str] | None = None, passphrase: str | None = None,
                  *, unencrypted: bool = False, migrate: bool = True,
                  busy_timeout: float = DEFAULT_BUSY_TIMEOUT, actor: str = "") -> Database:
    from mesodesk.store.schema import ensure_schema

    where = resolve_location(location, passphrase, unencrypted=unencrypted)
    made_key = False
    if where.kind == "sqlite":
        assert where.path is not None
        if not migrate and not (where.path.exists() and where.path.stat().st_size > 0):
            raise NotFound(f"there is no database at {where.path}")
        check_writable(where)
        probe = probe_sqlite(where)
        if not probe.exists and not where.encrypted and not unencrypted:
            where, made_key = with_new_key(where)  # encrypted by default
        check_ours(where, probe)
    engine = create_store_engine(where, busy_timeout=busy_timeout)
    db = Database(where, engine)
    try:
        with translating(where):
            ensure_schema(db, migrate=migrate, actor=actor)
    except BaseException:
        engine.dispose()
        if made_key and _nothing_created(where):
            forget_key(where.path)  # no database came of it
        raise
    return db


def _nothing_created(location: Location) -> bool:
    path = location.path
    return path is not None and not (path.exists() and path.stat().st_size > 0)
