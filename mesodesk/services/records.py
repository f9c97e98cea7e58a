"""The records as a whole: opening the database, backups, restore, the audit trail,
and the one way a passphrase file is read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.services.errors import InvalidInput, store_errors

if TYPE_CHECKING:
    from mesodesk.store.backup import BackupSummary
    from mesodesk.store.base import AuditReport
    from mesodesk.store.database import Database


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The passphrase in a file: its first line, without a byte-order mark or the line
    ending. The one rule for ``--passphrase-file``, the GUI and every command.

    An empty first line, a NUL byte, a file that is not UTF-8 or cannot be read is an
    ``InvalidInput`` naming the file.
    """
    from mesodesk.services.documents import check_regular_file

    path = Path(path)
    check_regular_file(path, "passphrase file", limit=64 * 1024)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such passphrase file", field="--passphrase-file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a passphrase file",
                           field="--passphrase-file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: the passphrase file cannot be read "
                           f"({error.strerror or error})", field="--passphrase-file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: the passphrase file is not UTF-8 text",
                           field="--passphrase-file") from None
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if "\x00" in passphrase:
        raise InvalidInput(f"{path}: the passphrase file contains a NUL byte; a passphrase is "
                           "text on the file's first line", field="--passphrase-file")
    if not passphrase:
        raise InvalidInput(f"{path}: the passphrase file is empty (the passphrase is its "
                           "first line)", field="--passphrase-file")
    return passphrase


def open_records(location: str | os.PathLike[str] | None = None, passphrase: str | None = None,
                 *, migrate: bool = True, actor: str = "") -> Database:
    """The database (a file, a ``postgresql://`` URL, or None for ``MESODESK_DB`` and then
    the user data directory), its schema brought up to date unless ``migrate=False``."""
    from mesodesk.store import open_database

    with store_errors():
        return open_database(location, passphrase, migrate=migrate, actor=actor)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    summary: BackupSummary


def backup(db: Database, out: str | os.PathLike[str], actor: str = "") -> BackupResult:
    """A consistent, verified copy of the database at ``out`` (encrypted like it). Every
    patient's record leaves the database with it: the audit trail records where it went
    first (so the copy carries its own event), and no copy is made if it cannot."""
    from mesodesk.store.backup import verify_backup

    with store_errors():
        db.audit.note("backup", details={"to": str(Path(out).absolute())}, actor=actor)
        path = db.backup(out)
        summary = verify_backup(path, db.location.passphrase)
    return BackupResult(Path(path), summary)


@dataclass(frozen=True)
class RestoreOutcome:
    source: Path
    summary: BackupSummary
    target: Path
    kept_aside: Path | None
    upgrade_backup: Path | None


def restore(location: str | os.PathLike[str] | None, passphrase: str | None,
            source: str | os.PathLike[str], actor: str = "") -> RestoreOutcome:
    """Replace the database with a verified backup; the one it replaces is kept aside.
    The restored audit trail continues with the restore itself."""
    from mesodesk.store import open_database
    from mesodesk.store.backup import restore as restore_file
    from mesodesk.store.engine import resolve_location

    with store_errors():
        where = resolve_location(location, passphrase)
        result = restore_file(where, source)
        db = open_database(where.path, where.passphrase, actor=actor)
        try:
            db.audit.note("restore-backup", actor=actor, details={
                "from": str(result.summary.path), "schema": result.summary.revision,
                "replaced_database_kept_at": str(result.kept_aside or "")})
            upgraded = db.upgrade_backup
            from mesodesk.services.verify import after_restore

            after_restore(db)  # the restored chain is anchored again
        finally:
            db.close()
    return RestoreOutcome(Path(result.summary.path), result.summary, Path(result.target),
                          result.kept_aside, upgraded)


def verify(db: Database) -> AuditReport:
    """Check the audit trail's hash chain and that each record matches its last event."""
    with store_errors():
        return db.audit.verify()
