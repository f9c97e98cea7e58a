"""Patient records: the database, its migrations, the audit trail and backups.

See ../shared/design.md for what this layer does. Importing this package is cheap (no
SQLAlchemy, no driver): the GUI paints its window first and pays for the database when it
calls ``open_database``. ``Database`` is importable from here too, but that attribute
loads SQLAlchemy; for type hints use ``if TYPE_CHECKING:``.

    db = open_database()                       # MESODESK_DB, else the user data directory
    db = open_database("/path/clinic.db")      # new: SQLCipher, its key in the key store
    db = open_database("/path/clinic.db", passphrase="...")   # SQLCipher with a passphrase
    db = open_database("/path/plain.db", unencrypted=True)    # plain SQLite, by choice
    db = open_database("postgresql://user:pw@host/clinic")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from mesodesk.store.base import (
    AuditReport,
    DatabaseLocked,
    DiskFull,
    ImmutableRecord,
    IntegrityFailure,
    InvalidRecord,
    NotADatabase,
    NoKeyStore,
    NotFound,
    ReadOnlyLocation,
    SchemaOutdated,
    SchemaTooNew,
    StoreError,
    Unsupported,
    WrongPassphrase,
)
from mesodesk.store.files import write_atomically

if TYPE_CHECKING:
    from mesodesk.store.database import Database

__all__ = [
    "AuditReport", "Database", "DatabaseLocked", "DiskFull",
    "ImmutableRecord", "IntegrityFailure", "InvalidRecord", "NoKeyStore", "NotADatabase", "NotFound",
    "ReadOnlyLocation", "SchemaOutdated", "SchemaTooNew", "StoreError", "Unsupported",
    "WrongPassphrase", "import_document", "open_database", "write_atomically",
]


def open_database(location: str | os.PathLike[str] | None = None, passphrase: str | None = None,
                  *, unencrypted: bool = False, migrate: bool = True, busy_timeout: float = 5.0,
                  actor: str = "") -> Database:
    """Open (or create) the database and bring its schema up to date.

    ``location``: a file path or a ``postgresql://`` URL; None means ``MESODESK_DB``, else
    ``mesodesk.db`` in the user data directory. ``passphrase``: opens or creates an
    encrypted (SQLCipher) file; None means ``MESODESK_PASSPHRASE`` if set, else the key
    the key store keeps for the file. A new file is encrypted with a key kept in the key
    store (``NoKeyStore`` when there is none) unless ``unencrypted`` asks for a plain one. When the schema
    is behind, the file is backed up to ``backups/`` beside it and then migrated;
    ``migrate=False`` opens an existing schema as it is (for reading, e.g. ``audit verify``).
    A schema newer than this build is refused. Every failure is a ``StoreError`` whose
    message says what happened; nothing is changed by a failed open. ``actor`` names who
    the audit trail records (default: the login name and host).
    """
    from mesodesk.store.database import open_database as _open

    return _open(location, passphrase, unencrypted=unencrypted, migrate=migrate,
                 busy_timeout=busy_timeout, actor=actor)


def __getattr__(name: str) -> Any:
    if name == "Database":
        from mesodesk.store.database import Database

        return Database
    raise AttributeError(f"module 'mesodesk.store' has no attribute {name!r}")


def import_document(db: Database, doc: Any, actor: str = "") -> Any:
    """Store a consultation document read from a file: the one import path of the command
    line and the GUI. Matches or creates the patient and adds a draft, in one transaction;
    a document already stored adds nothing. Returns an ``ImportResult`` (see
    ``Consultations.import_document``)."""
    return db.consultations.import_document(doc, actor=actor)
