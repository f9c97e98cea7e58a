"""Opening a database that cannot (or must not) be written: for verifying, exporting and
backing up a file on a read-only disk, in a read-only folder, or marked read-only.

SQLite is asked never to write: ``mode=ro`` when a write-ahead log is there (it holds
committed changes that must be read), else ``immutable=1``, which also creates no -wal or
-shm file and takes no lock (a read-only ``mode=ro`` open of a WAL database would create
both and could not remove them). ``immutable=1`` assumes that nothing writes the file
while it is open: true of a file nobody can write here, and of one no program has open
(no -wal file). The schema is never migrated; every write is refused by SQLite itself
(``ReadOnlyLocation``).
"""

from __future__ import annotations

import os
from pathlib import Path

from mesodesk.store.base import NotFound, SchemaOutdated
from mesodesk.store.engine import (
    DEFAULT_BUSY_TIMEOUT,
    Location,
    _apply_key,
    _sqlite_driver,
    check_sqlite_file,
    resolve_location,
    translate_error,
    translating,
)


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without writing anything beside it."""
    wal = Path(f"{path}-wal")
    flag = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
    return f"{path.as_uri()}?{flag}"


def writable(path: Path) -> bool:
    """Can this process write the database file and create its journal beside it?"""
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def open_read_only(location: str | os.PathLike[str] | None = None,
                   passphrase: str | None = None, *,
                   busy_timeout: float = DEFAULT_BUSY_TIMEOUT):
    """The database opened for reading only; a PostgreSQL URL opens as usual (its server
    decides what may be written)."""
    from sqlalchemy import create_engine, event

    from mesodesk.store.database import Database, open_database
    from mesodesk.store.schema import ensure_schema

    where = resolve_location(location, passphrase)
    if where.kind != "sqlite":
        return open_database(where.url, None, migrate=False, busy_timeout=busy_timeout)
    path = where.path
    assert path is not None
    if not path.is_file() or path.stat().st_size == 0:
        raise NotFound(f"there is no database at {path}")
    check_sqlite_file(path, where.passphrase)
    driver = _sqlite_driver()

    def connect():
        connection = None
        try:
            connection = driver.connect(read_only_uri(path), uri=True, timeout=busy_timeout,
                                        isolation_level=None, check_same_thread=False)
            _apply_key(connection, where.passphrase)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except driver.Error as error:
            if connection is not None:
                connection.close()
            raise translate_error(error, where) from None
        return connection

    engine = create_engine(f"sqlite+pysqlite:///{path}", module=driver, creator=connect)

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")  # one snapshot for the reads inside

    db = Database(where, engine)
    db.read_only = True
    try:
        with translating(where):
            _check_ours(db, where)
            ensure_schema(db, migrate=False)
    except BaseException:
        engine.dispose()
        raise
    return db


def _check_ours(db, where: Location) -> None:
    from mesodesk.store.engine import Probe, check_ours

    with db.engine.connect() as connection:
        tables = tuple(row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
    check_ours(where, Probe(exists=True, tables=tables, application_id=application_id))
    if not tables:
        raise SchemaOutdated(f"{where.name} has no mesodesk schema")
