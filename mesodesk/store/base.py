"""What ``import mesodesk.store`` needs without SQLAlchemy: errors, constants, reports.

The GUI imports this at start-up, before its window paints, so nothing here may import
SQLAlchemy, sqlmodel, Alembic or a database driver.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesodesk.exit_codes import EXIT_FAILURE, EXIT_INVALID

# The revisions this build of mesodesk knows, oldest first; the last is the schema it
# writes. tests/store/test_migrations.py checks them against the Alembic scripts, so the
# start-up check can compare revisions without importing Alembic.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007",
                              "0008", "0009")
SCHEMA_HEAD = REVISIONS[-1]

# SQLite's header field for "which program owns this file" ('MSDK'). Set by migration 1;
# a file with another application id is never written to.
APPLICATION_ID = 0x4D53444B

GENESIS_HASH = "0" * 64



class StoreError(Exception):
    """A database problem a person can act on; the message says what and what to do."""

    exit_code = EXIT_FAILURE


class NotFound(StoreError):
    """No record with that id."""

    exit_code = EXIT_INVALID


class InvalidRecord(StoreError):
    """The values given for a record are invalid; the message names the field."""

    exit_code = EXIT_INVALID


class ImmutableRecord(StoreError):
    """A finalized consultation, a signed consent or an audit event cannot change."""

    exit_code = EXIT_INVALID


class NotADatabase(StoreError):
    """The file is not a mesodesk database (or is encrypted and no passphrase was given)."""

    exit_code = EXIT_INVALID


class WrongPassphrase(StoreError):
    exit_code = EXIT_INVALID


class NoKeyStore(StoreError):
    """A new encrypted database needs a key store to keep its key, and there is none: a
    passphrase, or an explicit choice of a plain database, is needed instead."""

    exit_code = EXIT_INVALID


class SchemaTooNew(StoreError):
    """The database was written by a newer mesodesk."""


class SchemaOutdated(StoreError):
    """The schema is behind and the database was opened without migrating."""


class DatabaseLocked(StoreError):
    pass


class ReadOnlyLocation(StoreError):
    pass


class DiskFull(StoreError):
    pass


class IntegrityFailure(StoreError):
    """Stored data fails its own check (a damaged file, a PDF that no longer matches its hash)."""


class Unsupported(StoreError):
    """The operation does not apply to this kind of database."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class AuditReport:
    """The result of checking the audit trail.

    ``first_broken_id`` is the first event whose link in the hash chain is broken
    (altered, missing before it, or not pointing to its predecessor). ``problems`` lists
    every finding, including records that no longer match their last audited state.
    """

    ok: bool
    checked: int
    first_broken_id: int | None
    message: str
    problems: tuple[str, ...] = ()
