"""Backups and restores of a SQLite (or SQLCipher) database.

A backup is made with SQLite's online backup API into a file beside the destination, in
rollback-journal mode (one self-contained file), checked with ``PRAGMA integrity_check``,
synced to disk and only then renamed into place: a backup file is whole or absent. An
encrypted database's backup is encrypted with the same passphrase.

A restore first verifies the backup (integrity, that it is a mesodesk database of a
schema this build knows, and that its audit trail is whole), keeps the current database
aside, then copies the backup into place with the same backup API (safe even while
another mesodesk has the database open).

Every file written here (a backup, the copy of the current database kept aside) is
owner-only (0600, whatever the umask), like the database itself.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.paths import PRIVATE_FILE_MODE
from mesodesk.store.base import (
    APPLICATION_ID,
    REVISIONS,
    DatabaseLocked,
    DiskFull,
    IntegrityFailure,
    InvalidRecord,
    NotADatabase,
    ReadOnlyLocation,
    SchemaTooNew,
    StoreError,
    Unsupported,
)
from mesodesk.store.engine import (
    DEFAULT_BUSY_TIMEOUT,
    Location,
    _apply_key,
    _sqlite_driver,
    check_sqlite_file,
    translate_error,
)
from mesodesk.store.files import create_private_file

if TYPE_CHECKING:
    from mesodesk.store.handle import DatabaseHandle

SQLITE_BUSY, SQLITE_LOCKED = 5, 6  # the result codes of a backup step locked out


KEEP_ASIDE = 5  # copies of replaced databases that restore keeps, newest first


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revision: str
    patients: int
    consultations: int
    signed_consents: int
    audit_events: int
    encrypted: bool
    clinic: str = ""                       # the clinic's name in its settings ("" if none)
    backed_up_at: dt.datetime | None = None  # the backup event's time (None: not made by backup)
    installation: str = ""                 # the installation that made it ("" if unknown)
    chain_head: str = ""                   # the last audit event's hash, shortened

    def describe(self) -> str:
        return (f"{self.patients} patients, {self.consultations} consultations, "
                f"{self.signed_consents} signed consents, {self.audit_events} audit events, "
                f"schema {self.revision}{', encrypted' if self.encrypted else ''}")


@dataclass(frozen=True)
class RestoreResult:
    summary: BackupSummary
    target: Path
    kept_aside: Path | None
    removed: list[Path] = field(default_factory=list)  # the oldest kept copies, cleaned


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _fsync(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        if directory:
            return  # not every platform can open a directory (Windows)
        raise
    try:
        os.fsync(descriptor)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(descriptor)


def _make_private(path: Path) -> None:
    """Owner-only (0600): a file kept aside may have been made by an older version."""
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE_MODE)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink()


def _file_error(error: OSError, what: str) -> StoreError:
    if error.errno == errno.ENOSPC:
        return DiskFull(f"{what} failed: the disk is full. Nothing was replaced.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnlyLocation(f"{what} failed: permission denied (read-only folder?). "
                                "Nothing was replaced.")
    return StoreError(f"{what} failed: {error.strerror or error}. Nothing was replaced.")


def _copy(source: Any, destination: Path, passphrase: str | None, what: str,
          finish: Callable[[Any], None] | None = None) -> None:
    """Copy an open source connection into a new file at ``destination``, atomically.
    ``finish`` is given the copy's connection before it is checked (the backup's checkpoint)."""
    driver = _sqlite_driver()
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    _remove_quietly(partial, Path(f"{partial}-journal"))
    target = None
    try:
        create_private_file(partial)  # SQLite gives the journal the same mode
        target = driver.connect(str(partial), isolation_level=None)
        _apply_key(target, passphrase)
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE").fetchone()
        if finish is not None:
            finish(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise IntegrityFailure(f"{what}: the copy failed its integrity check ({result})")
        target.close()
        target = None
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent, directory=True)
    except driver.Error as error:
        kind = type(translate_error(error, Location("sqlite", path=destination,
                                                     passphrase=passphrase)))
        reason = "the disk is full" if kind is DiskFull else str(error)
        raise kind(f"{what} failed: {reason}. The database itself is untouched, and no "
                   "partial file was left.") from error
    except OSError as error:
        raise _file_error(error, what) from error
    finally:
        if target is not None:
            target.close()
        _remove_quietly(partial, Path(f"{partial}-journal"))


def _destination(path: Path, what: str) -> Path:
    path = path.expanduser().absolute()
    if path.is_dir():
        raise InvalidRecord(f"{path} is a folder: give the name of the {what} file")
    if not path.parent.is_dir():
        raise StoreError(f"the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise ReadOnlyLocation(f"cannot write in the folder {path.parent}: it is read-only")
    return path


def backup(db: DatabaseHandle, path: Path) -> Path:
    if db.location.kind != "sqlite":
        raise Unsupported(
            "mesodesk backs up its SQLite file; back up a PostgreSQL server with the server's "
            "own tools (pg_dump, or the host's backups)")
    assert db.location.path is not None
    destination = _destination(path, "backup")
    if destination == db.location.path or _same_file(destination, db.location.path):
        raise InvalidRecord(f"{destination} is the database itself: choose another file")
    raw = db.engine.raw_connection()
    try:
        _copy(raw.driver_connection, destination, db.location.passphrase,
              f"backup to {destination}",
              finish=partial(embed_checkpoint, db.location, getattr(db, "session_start", None)))
    finally:
        raw.close()
    return destination


@contextmanager
def _sqlalchemy(connection: Any) -> Iterator[Any]:
    """An open driver connection seen through SQLAlchemy (left open afterwards)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite+pysqlite://", module=_sqlite_driver(),
                           creator=lambda: connection, poolclass=StaticPool)
    try:
        with engine.connect() as sa_connection:
            yield sa_connection
            sa_connection.commit()
    finally:
        engine.dispose(close=False)


def embed_checkpoint(location: Location, opened_at: int | None, connection: Any) -> None:
    """Put the signed checkpoint of the copy's chain into the backup being written."""
    from mesodesk.store import checkpoints

    with _sqlalchemy(connection) as sa_connection:
        checkpoints.embed(sa_connection, location, opened_at)


@contextmanager
def _open_read_only(path: Path, passphrase: str | None) -> Iterator[Any]:
    driver = _sqlite_driver()
    location = Location("sqlite", path=path, passphrase=passphrase)
    connection = None
    try:
        connection = driver.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None,
                                    check_same_thread=False)
        _apply_key(connection, passphrase)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield connection
    except driver.Error as error:
        raise translate_error(error, location) from error
    finally:
        if connection is not None:
            connection.close()


def verify_backup(path: str | os.PathLike[str], passphrase: str | None) -> BackupSummary:
    """Check that ``path`` is a whole, readable mesodesk database whose audit trail is whole."""
    from mesodesk.store import audit, checkpoints

    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise InvalidRecord(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise NotADatabase(f"{path} is empty, not a mesodesk backup")
    check_sqlite_file(path, passphrase)
    with _open_read_only(path, passphrase) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        if [tuple(row) for row in result] != [("ok",)]:
            raise IntegrityFailure(f"{path} is damaged ({result[0][0]}); it was not restored")
        if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise NotADatabase(f"{path} is not a mesodesk database")
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise NotADatabase(f"{path} has no mesodesk schema")
        revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        if len(revisions) != 1:
            raise IntegrityFailure(f"{path} records {len(revisions)} schema revisions")
        revision = revisions[0]
        if revision not in REVISIONS:
            raise SchemaTooNew(f"{path} was written by a newer version of mesodesk (schema "
                               f"{revision}); update mesodesk to restore it")

        def count(table: str) -> int:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        counts = {name: count(name) for name in ("patients", "consultations", "signed_consents",
                                                  "audit_events")}
        with _sqlalchemy(connection) as sa_connection:
            report = audit.verify(sa_connection)
            anchored = checkpoints.embedded_problems(sa_connection)
            origin = _origin(sa_connection)
        if not report.ok:
            raise IntegrityFailure(f"{path}: {report.message}; it was not restored")
        if anchored:
            raise IntegrityFailure(f"{path}: {anchored[0]}; it was not restored")
    return BackupSummary(path=path, revision=revision, patients=counts["patients"],
                         consultations=counts["consultations"],
                         signed_consents=counts["signed_consents"],
                         audit_events=counts["audit_events"], encrypted=passphrase is not None,
                         **origin)


def _origin(connection: Any) -> dict[str, Any]:
    """Where a backup comes from: the clinic named in it, the time and installation of
    the backup event it carries (recorded before the copy was made), its chain head."""
    from sqlalchemy import select

    from mesodesk.store import tables as t

    clinic = connection.execute(select(t.clinic_settings.c.name)).scalar() or ""
    head = connection.execute(select(t.audit_events.c.hash)
                              .order_by(t.audit_events.c.id.desc()).limit(1)).scalar() or ""
    event = connection.execute(
        select(t.audit_events.c.at, t.audit_events.c.details)
        .where(t.audit_events.c.action == "backup")
        .order_by(t.audit_events.c.id.desc()).limit(1)).first()
    details = _details(event.details) if event is not None else {}
    return {"clinic": clinic, "chain_head": head[:12],
            "backed_up_at": event.at if event is not None else None,
            "installation": str(details.get("installation", ""))}


def _details(text: str) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return {}  # a damaged value: the audit check above names it
    return value if isinstance(value, dict) else {}


def _aside_path(target: Path) -> Path:
    # The name orders the copies: the time to the microsecond (a removed copy's name is
    # never reused for a later one, so names sort as the copies were made).
    while (aside := target.with_name(
            f"{target.stem}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S-%f}"
            f"{target.suffix}")).exists():
        pass  # the same microsecond twice: the clock moves on
    return aside


def _current_opens(target: Path, passphrase: str | None) -> bool:
    """Does the current database open as a mesodesk database with this passphrase?"""
    from mesodesk.store.engine import check_ours, probe_sqlite

    location = Location("sqlite", path=target, passphrase=passphrase)
    try:
        check_ours(location, probe_sqlite(location))
        with _open_read_only(target, passphrase) as connection:
            return connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except StoreError:  # damaged, not ours, or keyed differently: it is moved aside whole
        return False


def _copy_into_live(backup_connection: Any, location: Location, busy_timeout: float,
                    kept_aside: Path) -> None:
    """Copy the backup into the database in place (other connections see it at once).
    SQLite's backup step retries a locked database for ever: after ``busy_timeout``
    seconds of being locked out, it is given up and said so."""
    import time

    driver = _sqlite_driver()
    deadline = time.monotonic() + busy_timeout

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (SQLITE_BUSY, SQLITE_LOCKED) and time.monotonic() >= deadline:
            raise DatabaseLocked(
                f"{location.name} is locked by another program writing to it (another "
                f"mesodesk, a backup tool?); after {busy_timeout:g} seconds nothing was "
                "restored. Try again when it has finished; the current database is unchanged.")

    live = None
    try:
        live = driver.connect(str(location.path), timeout=busy_timeout, isolation_level=None)
        _apply_key(live, location.passphrase)
        backup_connection.backup(live, progress=progress)
        result = live.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise IntegrityFailure(f"the restored database failed its integrity check "
                                   f"({result}); the previous one is at {kept_aside}")
    except driver.Error as error:
        raise translate_error(error, location) from error
    finally:
        if live is not None:
            live.close()


def kept_copies(target: Path) -> list[Path]:
    """The copies of replaced databases that restores kept beside ``target``, oldest first."""
    pattern = f"{target.stem}.before-restore-*{target.suffix}"
    copies = [path for path in target.parent.glob(pattern) if path.is_file()]
    return sorted(copies, key=lambda path: path.name)  # the names sort as they were made


def prune_kept_aside(target: Path, keep: int = KEEP_ASIDE) -> list[Path]:
    """Remove the oldest kept copies (with their -wal, -shm, -journal) beyond ``keep``;
    returns those removed. A copy that cannot be removed is left for the next time."""
    copies = kept_copies(target)
    removed = []
    for copy in copies[:max(0, len(copies) - keep)]:
        _remove_quietly(copy, *(Path(f"{copy}{suffix}") for suffix in ("-wal", "-shm", "-journal")))
        if not copy.exists():
            removed.append(copy)
    return removed


def preview(location: Location, source: str | os.PathLike[str]) -> BackupSummary:
    """What restoring ``source`` over the database at ``location`` would bring back,
    checked as a restore checks it; nothing is changed."""
    if location.kind != "sqlite":
        raise Unsupported("mesodesk restores its SQLite file; restore a PostgreSQL server with "
                          "the server's own tools (pg_restore)")
    target = location.path
    assert target is not None
    source = Path(source).expanduser().absolute()
    if source == target or _same_file(source, target):
        raise InvalidRecord(f"{source} is the database itself: choose a backup file")
    return verify_backup(source, location.passphrase)


def restore(location: Location, source: str | os.PathLike[str], *,
            busy_timeout: float = DEFAULT_BUSY_TIMEOUT, keep: int = KEEP_ASIDE) -> RestoreResult:
    """Replace the database at ``location`` with the verified backup ``source``."""
    summary = preview(location, source)
    target, source = location.path, summary.path
    assert target is not None
    _destination(target, "database")
    aside = None
    exists = target.exists() and target.stat().st_size > 0
    with _open_read_only(source, location.passphrase) as backup_connection:
        if not exists:
            _copy(backup_connection, target, location.passphrase, f"restore into {target}")
        elif _current_opens(target, location.passphrase):
            aside = _aside_path(target)
            with _open_read_only(target, location.passphrase) as current:
                _copy(current, aside, location.passphrase,
                      f"keeping the current database aside as {aside}")
            try:
                _copy_into_live(backup_connection, location, busy_timeout, aside)
            except DatabaseLocked:
                _remove_quietly(aside)  # nothing was replaced: no copy to keep
                raise
        else:
            # Damaged or not ours: move its files aside untouched, then copy the backup in.
            aside = _aside_path(target)
            try:
                os.replace(target, aside)
                _make_private(aside)
                for suffix in ("-wal", "-shm", "-journal"):
                    companion = Path(f"{target}{suffix}")
                    if companion.exists():
                        os.replace(companion, Path(f"{aside}{suffix}"))
                        _make_private(Path(f"{aside}{suffix}"))
            except OSError as error:
                raise _file_error(error, f"moving {target} aside") from error
            _copy(backup_connection, target, location.passphrase, f"restore into {target}")
    removed = prune_kept_aside(target, keep) if aside is not None else []
    return RestoreResult(summary=summary, target=target, kept_aside=aside, removed=removed)
