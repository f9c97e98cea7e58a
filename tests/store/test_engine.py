"""Opening databases: locations, encryption, connection settings, and every fault a clinic
meets (not a database, wrong passphrase, locked, read-only, full disk, newer schema), each
with a clear message and the existing data untouched."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import (
    DatabaseLocked,
    DiskFull,
    NotADatabase,
    NotFound,
    ReadOnlyLocation,
    SchemaTooNew,
    StoreError,
    Unsupported,
    WrongPassphrase,
    open_database,
)
from mesodesk.store.base import APPLICATION_ID
from tests.store.helpers import PASSPHRASE, REPO, postgres_url, table_dump

NAME = "Ελένη Παπαδοπούλου"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _fill(backend) -> None:
    with backend.open() as db:
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))


# -- what a database is, and where ----------------------------------------------------------

def test_sqlite_connections_use_wal_foreign_keys_a_busy_timeout_and_full_sync(file_backend) -> None:
    with file_backend.open(busy_timeout=2.5) as db:
        with db.engine.connect() as connection:
            def pragma(name: str):
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 2500
            assert pragma("synchronous") == 2  # FULL
            assert pragma("application_id") == APPLICATION_ID


def test_the_description_names_the_database_without_secrets(backend) -> None:
    with backend.open() as db:
        if backend.name == "sqlite":
            assert db.description == str(backend.path) and not db.encrypted
        elif backend.name == "sqlcipher":
            assert db.description == f"{backend.path} (encrypted)" and db.encrypted
        else:
            assert db.description.startswith("postgresql://") and not db.encrypted
            assert ":***@" in db.description or "@" not in db.description


def test_the_default_location_is_the_user_data_directory(_isolated_home: Path) -> None:
    with open_database() as db:
        assert db.path == _isolated_home / "data" / "mesodesk.db"
        assert db.path.exists()


def test_mesodesk_db_and_mesodesk_passphrase_choose_the_database(tmp_path, monkeypatch) -> None:
    path = tmp_path / "clinic.db"
    monkeypatch.setenv("MESODESK_DB", str(path))
    monkeypatch.setenv("MESODESK_PASSPHRASE", PASSPHRASE)
    with open_database() as db:
        assert db.path == path and db.encrypted
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"


def test_a_postgresql_url_runs_on_the_server() -> None:
    from tests.store.helpers import postgres_schema

    with postgres_schema() as url, open_database(url) as db:
        assert db.kind == "postgresql"
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
        assert db.patients.count("ελενη") == 1


def test_unsupported_locations_are_refused_clearly(tmp_path) -> None:
    with pytest.raises(Unsupported, match="'mysql://' URLs are not supported"):
        open_database("mysql://user@host/db")
    with pytest.raises(NotADatabase, match="is a folder"):
        open_database(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        open_database(tmp_path / "missing" / "db.sqlite")
    with pytest.raises(Unsupported, match="passphrase .* does not apply to a PostgreSQL"):
        open_database("postgresql://u@127.0.0.1/db", passphrase="x")
    with pytest.raises(WrongPassphrase, match="empty"):
        open_database(tmp_path / "a.db", passphrase="")


def test_opening_without_migrations_creates_nothing(tmp_path) -> None:
    with pytest.raises(NotFound, match="there is no database"):
        open_database(tmp_path / "new.db", migrate=False)
    assert _files(tmp_path) == []


def test_importing_the_store_does_not_import_sqlalchemy() -> None:
    code = ("import sys; import mesodesk.store; from mesodesk.store import open_database, "
            "StoreError, AuditReport; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'sqlmodel', 'alembic', 'sqlcipher3', 'psycopg')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"


# -- encryption ---------------------------------------------------------------------------------

def test_an_encrypted_file_holds_no_readable_patient_data(tmp_path) -> None:
    plain, secret = tmp_path / "plain.db", tmp_path / "secret.db"
    for path, passphrase in ((plain, None), (secret, PASSPHRASE)):
        with open_database(path, passphrase, unencrypted=passphrase is None) as db:
            db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
    assert NAME.encode() in plain.read_bytes()  # the check below can fail
    assert NAME.encode() not in secret.read_bytes()
    assert secret.read_bytes()[:16] != b"SQLite format 3\x00"
    with open_database(secret, PASSPHRASE) as db:
        assert [p.name for p in db.patients.search("ελενη")] == [NAME]


def test_a_wrong_passphrase_is_named_and_changes_nothing(tmp_path) -> None:
    path = tmp_path / "secret.db"
    with open_database(path, PASSPHRASE) as db:
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
    before, files = _digest(path), _files(tmp_path)
    with pytest.raises(WrongPassphrase, match=f"wrong passphrase for {path}"):
        open_database(path, "not the passphrase")
    with pytest.raises(NotADatabase, match="or it is encrypted .*passphrase"):
        open_database(path)
    assert _digest(path) == before and _files(tmp_path) == files


def test_a_passphrase_for_a_plain_file_is_refused(tmp_path) -> None:
    path = tmp_path / "plain.db"
    open_database(path, unencrypted=True).close()
    with pytest.raises(WrongPassphrase, match="is not encrypted"):
        open_database(path, PASSPHRASE)


# -- files that are not ours ----------------------------------------------------------------

def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("Patient list, do not delete\n" * 100, encoding="utf-8")
    before = _digest(path)
    with pytest.raises(NotADatabase, match=f"{path} is not a mesodesk database"):
        open_database(path)
    with pytest.raises(WrongPassphrase, match="wrong passphrase|not an encrypted"):
        open_database(path, PASSPHRASE)
    assert _digest(path) == before
    assert _files(tmp_path) == ["notes.db"]


def test_another_programs_sqlite_database_is_left_untouched(tmp_path) -> None:
    import sqlcipher3.dbapi2 as driver

    path = tmp_path / "other.sqlite"
    connection = driver.connect(str(path))
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.execute("INSERT INTO invoices (total) VALUES (12.5)")
    connection.commit()
    connection.close()
    before = _digest(path)
    with pytest.raises(NotADatabase, match="another program .*invoices"):
        open_database(path)
    assert _digest(path) == before
    assert _files(tmp_path) == ["other.sqlite"]


# -- a newer schema -------------------------------------------------------------------------

def test_a_database_from_a_newer_mesodesk_is_refused_untouched(backend) -> None:
    _fill(backend)
    backend.execute("UPDATE alembic_version SET version_num = '9001'")
    before = table_dump(backend)
    with pytest.raises(SchemaTooNew, match="newer version of mesodesk .*schema 9001"):
        backend.open()
    with pytest.raises(SchemaTooNew):
        backend.open(migrate=False)
    assert table_dump(backend) == before
    if backend.path is not None:
        assert not (backend.path.parent / "backups").exists()


# -- locks ------------------------------------------------------------------------------------

def test_a_locked_database_gives_a_clear_message_and_keeps_the_data(file_backend) -> None:
    with file_backend.open(busy_timeout=0.2) as db:
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
        with file_backend.raw() as other:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            other.execute("INSERT INTO practitioners (name, registration, created_at) "
                          "VALUES ('x', '', '2026-01-01 00:00:00')")
            with pytest.raises(DatabaseLocked, match="locked by another program"):
                db.patients.create(NewPatient(name="Second", date_of_birth=dt.date(1990, 1, 1)))
            assert [p.name for p in db.patients.search()] == [NAME]  # readers still read (WAL)
            other.execute("ROLLBACK")
        db.patients.create(NewPatient(name="Second", date_of_birth=dt.date(1990, 1, 1)))
        assert db.patients.count() == 2
        assert db.audit.verify().ok


def test_a_locked_server_database_gives_a_clear_message() -> None:
    import psycopg

    from tests.store.helpers import postgres_schema

    with postgres_schema() as url, open_database(url, busy_timeout=0.2) as db:
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
        with psycopg.connect(url) as other:  # another client holds the writers' lock
            other.execute("SELECT pg_advisory_xact_lock(%s)", (APPLICATION_ID,))
            with pytest.raises(DatabaseLocked, match="busy"):
                db.patients.create(NewPatient(name="Second", date_of_birth=dt.date(1990, 1, 1)))
            other.rollback()
        db.patients.create(NewPatient(name="Second", date_of_birth=dt.date(1990, 1, 1)))
        assert db.patients.count() == 2 and db.audit.verify().ok


# -- read-only locations -------------------------------------------------------------------

@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder unwritable, for root too (chattr +i), then restore it."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"running as root, and `chattr +i` failed ({done.stderr.strip()}): this "
                    "test needs a filesystem with the immutable attribute (ext4, xfs, btrfs)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_folder_gives_a_clear_message_and_keeps_the_data(file_backend) -> None:
    _fill(file_backend)
    folder = file_backend.path.parent
    before, files = _digest(file_backend.path), _files(folder)
    with read_only(folder):
        with pytest.raises(ReadOnlyLocation, match=f"cannot write in the folder {folder}"):
            file_backend.open()
    assert _digest(file_backend.path) == before and _files(folder) == files
    with file_backend.open() as db:
        assert db.patients.count() == 1


def test_a_new_database_in_a_read_only_folder(tmp_path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        with pytest.raises(ReadOnlyLocation, match=f"cannot create .*{folder} is read-only"):
            open_database(folder / "new.db")
    assert _files(folder) == []


def test_a_read_only_database_file(file_backend) -> None:
    _fill(file_backend)
    before = _digest(file_backend.path)
    with read_only(file_backend.path):
        with pytest.raises(ReadOnlyLocation, match="database file .* is read-only"):
            file_backend.open()
    assert _digest(file_backend.path) == before


# -- a full disk -------------------------------------------------------------------------------

def test_a_full_disk_while_saving_keeps_what_was_saved(file_backend, kb, doc) -> None:
    """SQLite's max_page_count makes the database file unable to grow: the same SQLITE_FULL
    a full disk gives, on any machine."""
    from sqlalchemy import event

    with file_backend.open() as db:
        patient = db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
        draft = db.consultations.save_draft(patient.id, doc)
        with db.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        db.engine.dispose()

        @event.listens_for(db.engine, "connect")
        def _cap(dbapi_connection, _record) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

        big = doc.with_changes(notes="x" * 20_000, history_notes="y" * 20_000)
        with pytest.raises(DiskFull, match="disk .* is full.*saved before it are intact"):
            for index in range(50):
                db.consultations.save_draft(patient.id, big.with_changes(areas=[str(index)]))
        event.remove(db.engine, "connect", _cap)
        db.engine.dispose()
        assert db.consultations.get(draft.id).document == doc
        assert db.audit.verify().ok
    with file_backend.raw() as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@contextlib.contextmanager
def tiny_disk(folder: Path) -> Iterator[Path | None]:
    """A 256 KB tmpfs when this machine lets us mount one, else None."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0 if os.geteuid() == 0 else False
    try:
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_while_backing_up(file_backend, tmp_path) -> None:
    with file_backend.open() as db:
        db.patients.create_many([NewPatient(name=f"Patient {i}", date_of_birth=dt.date(1980, 1, 1),
                                            notes="n" * 4000) for i in range(300)])
    before = _digest(file_backend.path)
    with tiny_disk(tmp_path / "small") as small:
        if small is not None:  # a real full disk
            with file_backend.open() as db, pytest.raises(DiskFull, match="disk is full"):
                db.backup(small / "backup.db")
            assert _files(small) == []
        else:  # unprivileged: a file-size limit makes the same writes fail
            script = textwrap.dedent(f"""
                import resource, signal
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                from mesodesk.store import open_database, StoreError
                db = open_database({str(file_backend.path)!r}, {file_backend.passphrase!r})
                resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
                try:
                    db.backup({str(tmp_path / 'backup.db')!r})
                except StoreError as error:
                    print(type(error).__name__, error)
            """)
            result = subprocess.run([sys.executable, "-c", script], capture_output=True,
                                    text=True, cwd=REPO)
            assert "failed" in result.stdout and "no partial file was left" in result.stdout
            assert not (tmp_path / "backup.db").exists()
    assert _digest(file_backend.path) == before


# -- PostgreSQL connection faults ----------------------------------------------------------------

def test_an_unreachable_server_gives_a_clear_message() -> None:
    with pytest.raises(StoreError, match="cannot reach the PostgreSQL server for "
                                         "postgresql://nobody:\\*\\*\\*@127.0.0.1:1/x"):
        open_database("postgresql://nobody:secret@127.0.0.1:1/x")


def test_a_wrong_server_password_gives_a_clear_message() -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url()).set(password="wrong-password")
    with pytest.raises(StoreError, match="refused the user name or password"):
        open_database(url.render_as_string(hide_password=False))
