"""Encrypting a plain database, and changing an encrypted database's key.

``encrypt`` copies a plain file into a new SQLCipher file with ``sqlcipher_export``, beside
it and owner-only, records the event in the copy, verifies the copy (integrity, every
table's row count, the audit trail whole and ending where the plain one ended, plus the
event), and only then moves it over the plain file and removes the plain file's -wal and
-shm. ``rekey`` changes the key with ``PRAGMA rekey`` and records the event.

Both hold the database exclusively while they work (SQLite's exclusive locking mode): when
another program (the app) has it open, they refuse with a message instead of changing a
file under its feet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mesodesk.store.base import (
    DatabaseLocked,
    IntegrityFailure,
    NotFound,
    StoreError,
    Unsupported,
)
from mesodesk.store.engine import (
    SQLITE_HEADER,
    Location,
    _apply_key,
    _sqlite_driver,
    read_header,
    translate_error,
)
from mesodesk.store.files import create_private_file
from mesodesk.store.keys import (
    KEY_SOURCE_KEY_STORE,
    KEY_SOURCE_PASSPHRASE,
    forget_key,
    keep_key,
    key_for_new_database,
    new_raw_key,
    normalize_passphrase,
    stored_key,
)

_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class KeyChange:
    """What ``encrypt`` or ``rekey`` did: the database, where its key now is, and a note
    for the person (an old key store entry that could not be removed)."""

    location: Location
    tables: dict[str, int]
    note: str = ""

    @property
    def key_source(self) -> str:
        return self.location.key_source


def _existing_file(location: Location) -> Path:
    if location.kind != "sqlite":
        raise Unsupported("mesodesk encrypts its SQLite file; a PostgreSQL server is protected "
                          "by the server's own encryption and access rules")
    path = location.path
    assert path is not None
    if not path.exists() or path.stat().st_size == 0:
        raise NotFound(f"there is no database at {path}")
    return path


@contextmanager
def _exclusive(location: Location) -> Iterator[Any]:
    """A connection that holds the database alone until it is closed."""
    driver = _sqlite_driver()
    connection = None
    try:
        connection = driver.connect(str(location.path), timeout=1.0, isolation_level=None)
        _apply_key(connection, location.passphrase)
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")  # the exclusive lock stays until the connection closes
        # Everything into the main file, out of WAL mode: nothing is left in a -wal that
        # a later open of the same name would read.
        connection.execute("PRAGMA journal_mode = DELETE").fetchone()
        yield connection
    except driver.Error as error:
        problem = translate_error(error, location)
        if isinstance(problem, DatabaseLocked):
            raise DatabaseLocked(
                f"{location.name} is open in another program (the mesodesk app?): close it and "
                "try again. Nothing was changed.") from None
        raise problem from None
    finally:
        if connection is not None:
            connection.close()


def table_counts(connection: Any) -> dict[str, int]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names}


def _audit_head(connection: Any) -> tuple[int, str]:
    row = connection.execute(
        "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, "")


def _remove(*paths: Path) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink()


def _note(path: Path, key: str, action: str, details: dict[str, str], actor: str) -> None:
    """The audit event, written into the database at ``path`` through the store."""
    from mesodesk.store.database import open_database

    with open_database(path, key, actor=actor) as db:
        db.audit.note(action, details=details, actor=actor)


def _single_file(path: Path, key: str) -> None:
    """Back to one self-contained file (rollback journal), as a backup is: the copy is
    read read-only next, and the app sets WAL again when it opens it."""
    connection = _sqlite_driver().connect(str(path), isolation_level=None)
    try:
        _apply_key(connection, key)
        connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        connection.close()


def encrypt(location: Location, passphrase: str | None = None, *, actor: str = "") -> KeyChange:
    """Encrypt the plain database at ``location`` with ``passphrase``, or (None) with a key
    kept in the key store (``NoKeyStore`` when there is none). Nothing changes unless the
    encrypted copy is verified."""
    from mesodesk.store.backup import verify_backup

    from mesodesk.store.database import open_database

    path = _existing_file(location)
    if read_header(path) != SQLITE_HEADER:
        raise Unsupported(f"{path} is already encrypted: `mesodesk rekey` changes its key")
    open_database(path, unencrypted=True, actor=actor).close()  # ours, its schema current
    if passphrase is not None:
        key, source, made = normalize_passphrase(passphrase), KEY_SOURCE_PASSPHRASE, False
    else:
        key, made = key_for_new_database(path)
        source = KEY_SOURCE_KEY_STORE
    plain = replace(location, passphrase=None, key_source="")
    copy = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    _remove(copy, *(Path(f"{copy}{suffix}") for suffix in _COMPANIONS))
    driver = _sqlite_driver()
    try:
        with _exclusive(plain) as source_connection:
            before = table_counts(source_connection)
            head = _audit_head(source_connection)
            create_private_file(copy)  # SQLite gives its journal the same mode
            try:
                _export(source_connection, copy, key)
            except driver.Error as error:
                raise StoreError(f"encrypting {path} failed ({error}). Nothing was changed.") \
                    from None
            _note(copy, key, "encrypt-database", {"key": source}, actor)
            _single_file(copy, key)
            verify_backup(copy, key)  # integrity, a mesodesk schema, the audit trail whole
            after = _verify_copy(copy, key, before, head)
            os.replace(copy, path)
        _remove(*(Path(f"{path}{suffix}") for suffix in _COMPANIONS))
    except BaseException:
        _remove(copy, *(Path(f"{copy}{suffix}") for suffix in _COMPANIONS))
        if made:
            forget_key(path)
        raise
    return KeyChange(replace(location, passphrase=key, key_source=source), after)


def _export(source: Any, copy: Path, key: str) -> None:
    source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(copy), key))
    try:
        source.execute("SELECT sqlcipher_export('encrypted')").fetchone()
        # sqlcipher_export copies the schema and the rows, not these header fields.
        for field in ("application_id", "user_version"):
            value = int(source.execute(f"PRAGMA main.{field}").fetchone()[0])
            source.execute(f"PRAGMA encrypted.{field} = {value}")
    finally:
        source.execute("DETACH DATABASE encrypted")


def _verify_copy(copy: Path, key: str, before: dict[str, int], head: tuple[int, str]
                 ) -> dict[str, int]:
    """The copy holds every row the plain file held, its audit trail continuing from the
    plain file's last event with the one encrypt event."""
    from mesodesk.store.backup import _open_read_only

    with _open_read_only(copy, key) as connection:
        after = table_counts(connection)
        expected = {**before, "audit_events": before.get("audit_events", 0) + 1}
        if after != expected:
            raise IntegrityFailure(f"the encrypted copy does not hold what {copy.name} held "
                                   f"({after} instead of {expected}). Nothing was changed.")
        if head[0] and connection.execute("SELECT hash FROM audit_events WHERE id = ?",
                                          (head[0],)).fetchone() != (head[1],):
            raise IntegrityFailure("the encrypted copy's audit trail differs from the plain "
                                   "database's. Nothing was changed.")
    return after


def rekey(location: Location, passphrase: str | None = None, *, actor: str = "") -> KeyChange:
    """Give the encrypted database at ``location`` (opened with its current key) a new key:
    ``passphrase``, or (None) a new random key kept in the key store."""
    from mesodesk.store.database import open_database

    path = _existing_file(location)
    if not location.encrypted:
        raise Unsupported(f"{path} is not encrypted: `mesodesk encrypt` encrypts it")
    open_database(path, location.passphrase, actor=actor).close()  # the key opens it
    if passphrase is not None:
        key, source = normalize_passphrase(passphrase), KEY_SOURCE_PASSPHRASE
    else:
        key, source = new_raw_key(), KEY_SOURCE_KEY_STORE
    old_stored = stored_key(path)
    if source == KEY_SOURCE_KEY_STORE:
        keep_key(path, key)  # first: a key the database has must never be only in memory
    try:
        with _exclusive(location) as connection:
            before = table_counts(connection)
            connection.execute("PRAGMA rekey = " + _quoted(key))
    except BaseException:
        if source == KEY_SOURCE_KEY_STORE:
            if old_stored is not None:
                keep_key(path, old_stored)
            else:
                forget_key(path)
        raise
    note = ""
    if source == KEY_SOURCE_PASSPHRASE and old_stored is not None and not forget_key(path):
        note = ("the old key is still in the key store (it no longer opens the database); "
                "remove it there by hand")
    _note(path, key, "rekey-database", {"key": source}, actor)
    return KeyChange(replace(location, passphrase=key, key_source=source), before, note)


def _quoted(key: str) -> str:
    from mesodesk.store.engine import quote_passphrase

    return quote_passphrase(key)
