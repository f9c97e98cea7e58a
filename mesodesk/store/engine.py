"""Where the database is, how to connect to it, and what its errors mean to a person.

SQLite and SQLCipher both go through the ``sqlcipher3`` driver: one SQLite library per
process, because two copies of SQLite in one process break each other's file locks. A new
file is encrypted by default, with a key kept in the key store (``mesodesk.store.keys``) or
the passphrase given; without a key ``sqlcipher3`` is plain SQLite and the file an ordinary
SQLite database (only by explicit choice for a new one: ``unencrypted``). Every SQLite
connection runs with WAL, foreign keys on, a busy timeout and ``synchronous = FULL`` (a
committed record survives a power cut). A ``postgresql://``
URL runs the same repositories on a server through psycopg 3.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal

from mesodesk.store.base import (
    APPLICATION_ID,
    DatabaseLocked,
    DiskFull,
    ImmutableRecord,
    IntegrityFailure,
    NotADatabase,
    ReadOnlyLocation,
    StoreError,
    Unsupported,
    WrongPassphrase,
)
from mesodesk.store.keys import (
    KEY_SOURCE_KEY_STORE,
    KEY_SOURCE_PASSPHRASE,
    key_for_new_database,
    normalize_passphrase,
    stored_key,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEFAULT_FILENAME = "mesodesk.db"
DEFAULT_BUSY_TIMEOUT = 5.0
SQLITE_HEADER = b"SQLite format 3\x00"
PG_LOCK_KEY = APPLICATION_ID  # the advisory lock that serializes writers (and the audit chain)
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_PG_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}


@dataclass(frozen=True)
class Location:
    kind: Literal["sqlite", "postgresql"]
    path: Path | None = None
    url: str | None = field(default=None, repr=False)  # may hold a password
    # The SQLCipher key: a passphrase (NFC), or a raw key ``x'…'`` from the key store.
    passphrase: str | None = field(default=None, repr=False)
    key_source: str = ""  # "passphrase", "key store", or "" (not encrypted)

    @property
    def encrypted(self) -> bool:
        return self.passphrase is not None

    @property
    def key_in_key_store(self) -> bool:
        return self.key_source == KEY_SOURCE_KEY_STORE

    @property
    def description(self) -> str:
        if self.kind == "postgresql":
            from sqlalchemy.engine import make_url

            url = make_url(self.url).set(drivername="postgresql")
            return url.render_as_string(hide_password=True)
        return f"{self.path} (encrypted)" if self.encrypted else str(self.path)

    @property
    def name(self) -> str:
        """How messages name the database: the file, or the URL without its password."""
        return self.description.removesuffix(" (encrypted)")


def default_database_path() -> Path:
    from mesodesk.paths import user_data_dir

    return user_data_dir() / DEFAULT_FILENAME


def resolve_location(location: str | os.PathLike[str] | None = None,
                     passphrase: str | None = None, *, unencrypted: bool = False) -> Location:
    """Where to open: the argument, else ``MESODESK_DB``, else the user data directory.

    ``passphrase`` None means ``MESODESK_PASSPHRASE`` (if set and not empty), and then, for
    an existing encrypted file, the key the key store keeps for it. ``unencrypted``: the
    explicit choice of a plain file (``MESODESK_PASSPHRASE`` is then ignored; a passphrase
    given as well is a contradiction).
    """
    if unencrypted and passphrase is not None:
        raise Unsupported("a passphrase and --unencrypted contradict each other: give one of "
                          "them (--unencrypted makes a plain database)")
    if passphrase is None and not unencrypted:
        passphrase = os.environ.get("MESODESK_PASSPHRASE") or None
    elif passphrase == "":
        raise WrongPassphrase("the passphrase is empty: an encrypted database needs a passphrase")
    if passphrase is not None:
        passphrase = normalize_passphrase(passphrase)
    if location is None or str(location) == "":
        location = os.environ.get("MESODESK_DB") or None
    if location is None:
        from mesodesk.paths import make_private_dir

        path = default_database_path()
        try:
            make_private_dir(path.parent)
        except OSError as error:
            raise ReadOnlyLocation(
                f"cannot create the data folder {path.parent}: {error.strerror}") from None
        return _with_key(path, passphrase, unencrypted)
    text = os.fspath(location)
    scheme = _URL_SCHEME.match(text)
    if scheme:
        name = scheme.group(1).lower()
        if name in _PG_SCHEMES:
            if passphrase is not None:
                raise Unsupported(
                    "a passphrase encrypts a local SQLite file; it does not apply to a "
                    "PostgreSQL server (unset MESODESK_PASSPHRASE or drop --passphrase-file)")
            from sqlalchemy.engine import make_url

            try:
                url = make_url(text).set(drivername="postgresql+psycopg")
            except Exception as error:  # noqa: BLE001 - any parse failure is bad input
                raise NotADatabase(f"not a valid PostgreSQL URL: {error}") from None
            return Location("postgresql", url=url.render_as_string(hide_password=False))
        if name == "sqlite":
            text = text[len("sqlite:///"):] if text.startswith("sqlite:///") else ""
            if not text:
                raise NotADatabase("a sqlite URL must be sqlite:///PATH")
        else:
            raise Unsupported(
                f"mesodesk keeps its records in a SQLite file or on a PostgreSQL server; "
                f"'{name}://' URLs are not supported")
    path = Path(text).expanduser().absolute()
    if path.is_dir():
        raise NotADatabase(f"{path} is a folder: give the path of a database file")
    return _with_key(path, passphrase, unencrypted)


def _with_key(path: Path, passphrase: str | None, unencrypted: bool) -> Location:
    """The file with its key: the passphrase given, else the key store's key for an
    encrypted file. A new file gets its key when it is created (``with_new_key``)."""
    if passphrase is not None:
        return Location("sqlite", path=path, passphrase=passphrase,
                        key_source=KEY_SOURCE_PASSPHRASE)
    if not unencrypted and _looks_encrypted(path):
        key = stored_key(path)
        if key is not None:
            return Location("sqlite", path=path, passphrase=key, key_source=KEY_SOURCE_KEY_STORE)
    return Location("sqlite", path=path)


def _looks_encrypted(path: Path) -> bool:
    """A file with content that is not plain SQLite (SQLCipher, or not a database at all)."""
    try:
        return path.stat().st_size > 0 and read_header(path) != SQLITE_HEADER
    except (OSError, StoreError):
        return False  # unreadable: the checks that follow name the problem


def with_new_key(location: Location) -> tuple[Location, bool]:
    """A new SQLite file, encrypted by default: with the key store's key for its place (a
    new random key, kept there, if there is none). ``NoKeyStore`` when there is no key
    store. The flag says whether the key was made now (to forget it if creation fails)."""
    assert location.path is not None and not location.encrypted
    key, made = key_for_new_database(location.path)
    return replace(location, passphrase=key, key_source=KEY_SOURCE_KEY_STORE), made


# -- SQLite: probing a file before touching it -------------------------------------------

@dataclass(frozen=True)
class Probe:
    exists: bool      # the file has content
    tables: tuple[str, ...]
    application_id: int


def _sqlite_driver():
    import sqlcipher3.dbapi2 as driver

    return driver


def quote_passphrase(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def _apply_key(connection: Any, passphrase: str | None) -> None:
    connection.execute("PRAGMA cipher_log_level = NONE")  # no SQLCipher noise on stderr
    if passphrase is not None:
        connection.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")


def read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except PermissionError:
        raise ReadOnlyLocation(f"cannot read {path}: permission denied") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None


def check_sqlite_file(path: Path, passphrase: str | None) -> None:
    """Refuse, without opening it, a file that cannot be the database we were asked for."""
    if not path.exists() or path.stat().st_size == 0:
        return
    header = read_header(path)
    if header == SQLITE_HEADER:
        if passphrase is not None:
            raise WrongPassphrase(
                f"{path} is not encrypted: open it without a passphrase "
                "(no --passphrase-file, MESODESK_PASSPHRASE unset)")
    elif passphrase is None:
        raise NotADatabase(
            f"{path} is not a mesodesk database: it is not an SQLite file, or it is encrypted "
            "and this computer's key store has no key for it (moved, copied or from another "
            "computer?): then give its passphrase with --passphrase-file or MESODESK_PASSPHRASE. "
            "Nothing was changed.")


def probe_sqlite(location: Location) -> Probe:
    """Look inside an SQLite file read-only: is it new, ours, or something else?"""
    path = location.path
    assert path is not None
    if not path.parent.is_dir():
        raise StoreError(f"the folder {path.parent} does not exist")
    check_sqlite_file(path, location.passphrase)
    if not path.exists() or path.stat().st_size == 0:
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyLocation(
                f"cannot create {path}: the folder {path.parent} is read-only")
        return Probe(exists=False, tables=(), application_id=0)
    driver = _sqlite_driver()
    connection = connect_read_only(location)
    try:
        tables = tuple(row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    except driver.Error as error:
        raise translate_error(error, location) from None
    finally:
        connection.close()
    return Probe(exists=True, tables=tables, application_id=application_id)


def connect_read_only(location: Location) -> Any:
    """A short read-only ``sqlcipher3`` connection to an existing SQLite file, keyed."""
    driver = _sqlite_driver()
    assert location.path is not None
    connection = None
    try:
        connection = driver.connect(f"{location.path.as_uri()}?mode=ro", uri=True,
                                    isolation_level=None)
        _apply_key(connection, location.passphrase)
        return connection
    except driver.Error as error:
        if connection is not None:
            connection.close()
        raise translate_error(error, location) from None


def check_ours(location: Location, probe: Probe) -> None:
    user_tables = [t for t in probe.tables if not t.startswith("sqlite_")]
    if probe.application_id == APPLICATION_ID:
        return
    if probe.application_id == 0 and not user_tables:
        return  # an empty SQLite file: a new database
    what = (f"application id {probe.application_id:#x}" if probe.application_id
            else "tables " + ", ".join(user_tables[:5]))
    raise NotADatabase(
        f"{location.name} is an SQLite database of another program ({what}), not a mesodesk "
        "database. Nothing was changed.")


def check_writable(location: Location) -> None:
    path = location.path
    assert path is not None
    if not path.parent.is_dir():
        raise StoreError(f"the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        if not path.exists():
            raise ReadOnlyLocation(f"cannot create {path}: the folder {path.parent} is read-only")
        raise ReadOnlyLocation(
            f"cannot write in the folder {path.parent}: it is read-only, and mesodesk needs to "
            "write the database and its journal there. Nothing was changed.")
    if path.exists() and not os.access(path, os.W_OK):
        raise ReadOnlyLocation(f"the database file {path} is read-only. Nothing was changed.")


# -- engines ------------------------------------------------------------------------------

def create_store_engine(location: Location, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
                        ) -> Engine:
    if location.kind == "postgresql":
        return _postgresql_engine(location, busy_timeout)
    return _sqlite_engine(location, busy_timeout)


def _sqlite_engine(location: Location, busy_timeout: float) -> Engine:
    from sqlalchemy import create_engine, event

    from mesodesk.store.files import create_private_file, keep_private

    driver = _sqlite_driver()
    path = location.path
    assert path is not None
    for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        keep_private(existing)  # a database an older version made readable to all

    def connect():
        connection = None
        try:
            # A new database is created owner-only before SQLite opens it: SQLite gives
            # its -wal, -shm and -journal files the database file's mode.
            create_private_file(path)
        except OSError:
            pass  # SQLite names the problem (a missing folder, no permission) below
        try:
            connection = driver.connect(str(path), timeout=busy_timeout, isolation_level=None,
                                        check_same_thread=False)
            _apply_key(connection, location.passphrase)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            connection.execute("PRAGMA synchronous = FULL")
        except driver.Error as error:
            if connection is not None:
                connection.close()
            raise translate_error(error, location) from None
        return connection

    engine = create_engine(f"sqlite+pysqlite:///{path}", module=driver, creator=connect,
                           pool_size=5, max_overflow=10)

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # The driver is in autocommit mode (isolation_level=None): SQLAlchemy's transaction
        # boundaries become real BEGIN/COMMIT, and a writer takes the write lock at once.
        mode = connection.get_execution_options().get("mesodesk_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgresql_engine(location: Location, busy_timeout: float) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(location.url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                           connect_args={"connect_timeout": 10, "application_name": "mesodesk"})

    @event.listens_for(engine, "connect")
    def _lock_timeout(connection, _record) -> None:
        # Like SQLite's busy timeout: wait this long for another writer, then say so.
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = {int(busy_timeout * 1000)}")
        connection.commit()

    return engine


# -- errors -------------------------------------------------------------------------------

def translate_error(error: BaseException, location: Location) -> StoreError:
    """A driver or SQLAlchemy error as a ``StoreError`` whose message a person can act on."""
    from_sqlalchemy = getattr(error, "orig", None)
    if from_sqlalchemy is not None:
        error = from_sqlalchemy
    message = str(error).strip()
    if "mesodesk:" in message:
        text = message[message.index("mesodesk:") + len("mesodesk:"):].strip()
        text = text.splitlines()[0] if text else text
        return ImmutableRecord(text)
    if location.kind == "postgresql":
        return _translate_postgresql(error, message, location)
    return _translate_sqlite(error, message, location)


def _translate_sqlite(error: BaseException, message: str, location: Location) -> StoreError:
    code = getattr(error, "sqlite_errorname", "") or ""
    lowered = message.lower()
    name = location.name
    if code.startswith("SQLITE_NOTADB") or "file is not a database" in lowered:
        if location.key_in_key_store:
            return WrongPassphrase(
                f"the key this computer's key store keeps for {name} does not open it (was the "
                "file replaced?): give its passphrase with --passphrase-file or "
                "MESODESK_PASSPHRASE. Nothing was changed.")
        if location.encrypted:
            return WrongPassphrase(
                f"wrong passphrase for {name} (or the file is not an encrypted mesodesk "
                "database). Nothing was changed.")
        return NotADatabase(f"{name} is not a mesodesk database. Nothing was changed.")
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED") or "locked" in lowered:
        return DatabaseLocked(
            f"{name} is locked by another program (another mesodesk window, a backup tool?). "
            "Try again in a moment; nothing was changed.")
    if code.startswith("SQLITE_FULL") or "disk is full" in lowered:
        return DiskFull(
            f"the disk holding {name} is full: free some space and try again. "
            "The last change was not saved; the records saved before it are intact.")
    if code.startswith("SQLITE_READONLY") or "readonly" in lowered:
        return ReadOnlyLocation(
            f"{name} cannot be written (the file or its folder is read-only). Nothing was changed.")
    if code.startswith("SQLITE_CANTOPEN") or "unable to open" in lowered:
        return ReadOnlyLocation(
            f"cannot open {name}: check that its folder exists and can be written "
            "(mesodesk writes a journal next to the database). Nothing was changed.")
    if code.startswith("SQLITE_CORRUPT") or "malformed" in lowered:
        return IntegrityFailure(
            f"{name} is damaged ({message}). Restore the latest backup with `mesodesk restore`.")
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in lowered:
        return StoreError(f"the disk reported an error while using {name} ({message}); "
                          "the last change was not saved")
    if code.startswith("SQLITE_CONSTRAINT") or "constraint failed" in lowered:
        return IntegrityFailure(f"the database refused the change: {message}")
    return StoreError(f"database error on {name}: {message}")


def _translate_postgresql(error: BaseException, message: str, location: Location) -> StoreError:
    state = getattr(error, "sqlstate", None) or ""
    name = location.name
    first_line = message.splitlines()[0] if message else type(error).__name__
    if state == "MD001":
        return ImmutableRecord(first_line)
    lowered = message.lower()
    if state in {"28P01", "28000"} or "password authentication failed" in lowered:
        return StoreError(f"the server refused the user name or password for {name}")
    if state == "3D000" or (not state and "database" in lowered and "does not exist" in lowered):
        return StoreError(f"the database in {name} does not exist on the server")
    if state == "53100":
        return DiskFull(f"the server's disk is full ({name}); the last change was not saved")
    if state in {"55P03", "40P01", "57014"}:
        return DatabaseLocked(f"{name} is busy (a lock could not be taken); try again. "
                              "Nothing was changed.")
    if state == "25006":
        return ReadOnlyLocation(f"{name} is read-only on the server. Nothing was changed.")
    if state == "42501":
        return StoreError(f"the database user lacks a permission on {name}: {first_line}")
    if state.startswith("23"):
        return IntegrityFailure(f"the database refused the change: {first_line}")
    if not state:
        return StoreError(f"cannot reach the PostgreSQL server for {name}: {first_line}")
    return StoreError(f"database error on {name}: {first_line}")


@contextmanager
def translating(location: Location) -> Iterator[None]:
    """Turn every database error raised inside into a ``StoreError``."""
    from sqlalchemy import exc

    driver = _sqlite_driver()
    try:
        yield
    except StoreError:
        raise
    except exc.DBAPIError as error:
        raise translate_error(error, location) from error
    except driver.Error as error:
        raise translate_error(error, location) from error
    except exc.SQLAlchemyError as error:
        raise StoreError(f"database error on {location.name}: {error}") from error
    except OSError as error:
        if error.errno == 28:  # ENOSPC
            raise DiskFull(f"the disk holding {location.name} is full: {error.strerror}") from error
        raise StoreError(f"{location.name}: {error.strerror or error}") from error
