"""Backups and restores: a backup restores to an identical database; restore verifies first
and keeps the current database aside; encrypted stays encrypted."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path

import pytest

from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.store import (
    IntegrityFailure,
    InvalidRecord,
    NotADatabase,
    SchemaTooNew,
    Unsupported,
    WrongPassphrase,
)
from mesodesk.store.backup import restore, verify_backup
from mesodesk.store.engine import resolve_location
from tests.store.helpers import MINIMAL_PDF, PASSPHRASE, table_dump

SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(db, doc) -> None:
    people = db.patients.create_many([
        NewPatient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12)),
        NewPatient(name="José Núñez", date_of_birth=dt.date(1975, 6, 30), phone="+34 612 345 678"),
    ])
    draft = db.consultations.save_draft(people[0].id, doc)
    final = db.consultations.finalize(draft.id, doc)
    db.consents.record(final.id, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    db.consultations.save_draft(people[1].id, doc.with_changes(notes="draft"))
    db.settings.save(ClinicSettings(name="Κλινική", default_language="el"))


def _restore(backend, source: Path):
    return restore(resolve_location(backend.location, backend.passphrase), source)


def test_a_backup_restores_to_an_identical_database(file_backend, kb, doc, tmp_path) -> None:
    backup_path = tmp_path / "backup.db"
    with file_backend.open() as db:
        fill(db, doc)
        assert db.backup(backup_path) == backup_path
    at_backup = table_dump(file_backend)
    with file_backend.open() as db:  # the clinic carries on after the backup
        db.patients.create(NewPatient(name="After The Backup", date_of_birth=dt.date(2000, 1, 1)))
        db.consultations.delete_draft(db.consultations.latest_draft().id)
        db.settings.save(ClinicSettings(name="Renamed"))
    changed = table_dump(file_backend)
    assert changed != at_backup

    result = _restore(file_backend, backup_path)

    assert table_dump(file_backend) == at_backup
    assert result.summary.patients == 2 and result.summary.signed_consents == 1
    assert result.kept_aside is not None and result.kept_aside.exists()
    aside = type(file_backend)(file_backend.name, str(result.kept_aside), file_backend.passphrase,
                               result.kept_aside)
    assert table_dump(aside) == changed  # nothing is lost: the replaced database is kept
    with file_backend.open() as db:
        assert db.audit.verify().ok
        assert db.settings.get().name == "Κλινική"
        assert [p.name for p in db.patients.search("ελενη")] == ["Ελένη Παπαδοπούλου"]
    with file_backend.raw() as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_is_one_self_contained_file(file_backend, kb, doc, tmp_path) -> None:
    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "copy.db")
    assert sorted(p.name for p in tmp_path.glob("copy.db*")) == ["copy.db"]
    summary = verify_backup(tmp_path / "copy.db", file_backend.passphrase)
    assert (summary.patients, summary.consultations, summary.signed_consents) == (2, 2, 1)


def test_an_encrypted_backup_stays_encrypted(tmp_path, kb, doc) -> None:
    with_key = tmp_path / "secret.db"
    with __import__("mesodesk.store", fromlist=["open_database"]).open_database(
            with_key, PASSPHRASE) as db:
        fill(db, doc)
        db.backup(tmp_path / "secret-backup.db")
    data = (tmp_path / "secret-backup.db").read_bytes()
    assert data[:16] != b"SQLite format 3\x00"
    assert "Παπαδοπούλου".encode() not in data and MINIMAL_PDF not in data
    with pytest.raises(NotADatabase):
        verify_backup(tmp_path / "secret-backup.db", None)
    with pytest.raises(WrongPassphrase):
        verify_backup(tmp_path / "secret-backup.db", "another passphrase")
    assert verify_backup(tmp_path / "secret-backup.db", PASSPHRASE).encrypted


def test_a_backup_taken_while_the_app_writes_is_consistent(file_backend, tmp_path) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []
    with file_backend.open() as db:
        db.patients.create_many([NewPatient(name=f"P{i}", date_of_birth=dt.date(1980, 1, 1),
                                            notes="n" * 2000) for i in range(500)])

        def keep_writing() -> None:
            try:
                index = 0
                while not stop.is_set():
                    db.patients.create(NewPatient(name=f"Live {index}",
                                                  date_of_birth=dt.date(1990, 1, 1)))
                    index += 1
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            for round_ in range(3):
                db.backup(tmp_path / f"live-{round_}.db")
        finally:
            stop.set()
            writer.join()
    assert errors == []
    for round_ in range(3):
        summary = verify_backup(tmp_path / f"live-{round_}.db", file_backend.passphrase)
        assert summary.patients >= 500  # and its audit trail matched its records exactly


def test_restore_verifies_the_file_first_and_changes_nothing_on_failure(file_backend, kb, doc,
                                                                        tmp_path) -> None:
    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "good.db")
    before = _digest(file_backend.path)

    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup", encoding="utf-8")
    # (an encrypted database cannot tell a text file from a wrong passphrase)
    with pytest.raises(NotADatabase if file_backend.passphrase is None else WrongPassphrase):
        _restore(file_backend, text_file)

    truncated = tmp_path / "truncated.db"  # a copy that stopped half way
    data = (tmp_path / "good.db").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntegrityFailure, match="is damaged"):
        _restore(file_backend, truncated)

    with pytest.raises(InvalidRecord, match="no such file"):
        _restore(file_backend, tmp_path / "missing.db")
    with pytest.raises(InvalidRecord, match="the database itself"):
        _restore(file_backend, file_backend.path)

    assert _digest(file_backend.path) == before
    assert not list(file_backend.path.parent.glob("*before-restore*"))


def test_restore_refuses_a_backup_whose_audit_trail_is_broken(file_backend, kb, doc,
                                                              tmp_path) -> None:
    from tests.store.helpers import Backend

    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "tampered.db")
    tampered = Backend(file_backend.name, str(tmp_path / "tampered.db"), file_backend.passphrase,
                       tmp_path / "tampered.db")
    tampered.execute("PRAGMA journal_mode = DELETE")
    tampered.execute("UPDATE patients SET name = 'Someone Else' WHERE id = 1")
    before = _digest(file_backend.path)
    with pytest.raises(IntegrityFailure, match="patient 1: differs .*it was not restored"):
        _restore(file_backend, tmp_path / "tampered.db")
    assert _digest(file_backend.path) == before


def test_restore_refuses_a_backup_from_a_newer_mesodesk(file_backend, tmp_path) -> None:
    from tests.store.helpers import Backend

    with file_backend.open() as db:
        db.backup(tmp_path / "newer.db")
    newer = Backend(file_backend.name, str(tmp_path / "newer.db"), file_backend.passphrase,
                    tmp_path / "newer.db")
    newer.execute("UPDATE alembic_version SET version_num = '9001'")
    with pytest.raises(SchemaTooNew, match="newer version of mesodesk"):
        _restore(file_backend, tmp_path / "newer.db")


def test_restore_into_a_missing_database_creates_it(file_backend, kb, doc, tmp_path) -> None:
    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "backup.db")
    expected = table_dump(file_backend)
    file_backend.path.unlink()
    result = _restore(file_backend, tmp_path / "backup.db")
    assert result.kept_aside is None
    assert table_dump(file_backend) == expected


def test_restore_over_a_damaged_database_moves_it_aside_untouched(file_backend, kb, doc,
                                                                   tmp_path) -> None:
    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "backup.db")
    expected = table_dump(file_backend)
    file_backend.path.write_bytes(b"\x00garbage" * 1000)  # the disk ate it
    result = _restore(file_backend, tmp_path / "backup.db")
    assert result.kept_aside.read_bytes() == b"\x00garbage" * 1000
    assert table_dump(file_backend) == expected


def test_restore_reaches_a_database_that_is_open_elsewhere(file_backend, kb, doc, tmp_path) -> None:
    with file_backend.open() as db:
        fill(db, doc)
        db.backup(tmp_path / "backup.db")
        db.patients.create(NewPatient(name="Later", date_of_birth=dt.date(2000, 1, 1)))
        assert db.patients.count() == 3
        _restore(file_backend, tmp_path / "backup.db")
        assert db.patients.count() == 2  # the open app sees the restored records
        assert db.audit.verify().ok


def test_a_backup_cannot_overwrite_the_database_itself(file_backend) -> None:
    with file_backend.open() as db:
        with pytest.raises(InvalidRecord, match="the database itself"):
            db.backup(file_backend.path)
        with pytest.raises(InvalidRecord, match="is a folder"):
            db.backup(file_backend.path.parent)


def test_postgresql_backups_are_left_to_the_server_tools(tmp_path) -> None:
    from tests.store.helpers import postgres_schema

    from mesodesk.store import open_database

    with postgres_schema() as url, open_database(url) as db:
        with pytest.raises(Unsupported, match="pg_dump"):
            db.backup(tmp_path / "x.db")
        with pytest.raises(Unsupported, match="pg_restore"):
            restore(db.location, tmp_path / "x.db")
