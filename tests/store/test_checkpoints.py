"""Checkpoints of the audit chain: where they are kept, how they are signed, the one a
backup carries, what a restore does with it, and what is said without a key store."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import keyring
import pytest
from keyring.backends import fail

from mesodesk.cli import main
from mesodesk.domain.records import NewPatient
from mesodesk.services import records
from mesodesk.services.errors import ServiceError
from mesodesk.services.verify import Session, verify
from mesodesk.store import IntegrityFailure, checkpoints, keystore
from mesodesk.store.backup import verify_backup
from tests.store.helpers import REPO, Backend

EXAMPLE = str(REPO / "resources" / "examples" / "format-example.json")


def _session(db, *names: str):
    session = Session(db)
    for name in names:
        db.patients.create(NewPatient(name=name, date_of_birth=dt.date(1980, 1, 1)))
    return session.end()


def _cut_tail(backend: Backend, keep: int) -> None:
    """Delete the events after ``keep`` and put the trigger back as it was."""
    sql = backend.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_events_no_delete'")
    backend.drop_trigger("audit_events_no_delete", "audit_events")
    backend.execute("DELETE FROM audit_events WHERE id > ?", (keep,))
    backend.execute(sql[0][0])


def test_the_checkpoint_is_private_and_the_key_is_in_the_key_store(file_backend) -> None:
    old = os.umask(0o022)
    try:
        with file_backend.open() as db:
            written = _session(db, "Ελένη")
    finally:
        os.umask(old)
    assert written.written and written.signed
    assert stat.S_IMODE(written.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.path.parent.stat().st_mode) == 0o700
    saved = json.loads(written.path.read_text(encoding="utf-8"))
    assert saved["events"] == 2 and saved["database"] == str(file_backend.path.resolve())
    private = keystore.get_secret(checkpoints.KEY_NAME)
    assert private is not None
    public = (written.path.parent / checkpoints.PUBLIC_KEY_FILE).read_text().strip()
    assert public == saved["key"]
    for path in written.path.parent.iterdir():  # the private key is nowhere in the folder
        assert private not in path.read_text(encoding="utf-8")


def test_a_session_that_wrote_nothing_writes_no_checkpoint(file_backend) -> None:
    with file_backend.open() as db:
        assert Session(db).end() is None
        assert checkpoints.load(db.location) is None


def test_every_command_that_writes_ends_with_a_checkpoint(file_backend, tmp_path) -> None:
    options = ["--db", str(file_backend.path)]
    options += file_backend.cli_choice
    if file_backend.passphrase:
        key = tmp_path / "key.txt"
        key.write_text(file_backend.passphrase, encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    assert main(["import", EXAMPLE, *options]) == 0
    with file_backend.open(migrate=False) as db:
        first = checkpoints.load(db.location)
    assert first is not None and first.events == 4
    assert main(["export", "1", "--out", str(tmp_path / "out.json"), *options]) == 0
    with file_backend.open(migrate=False) as db:
        assert checkpoints.load(db.location).events == 5  # the export's event
        assert verify(db).ok and not verify(db).notices


def test_audit_verify_names_a_cut_tail_and_exits_1(file_backend, tmp_path, capsys) -> None:
    options = ["--db", str(file_backend.path)]
    options += file_backend.cli_choice
    if file_backend.passphrase:
        key = tmp_path / "key.txt"
        key.write_text(file_backend.passphrase, encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    assert main(["import", EXAMPLE, *options]) == 0
    _cut_tail(file_backend, 3)
    file_backend.execute("DELETE FROM consultations")  # what the cut events had made
    capsys.readouterr()
    assert main(["audit", "verify", *options]) == 1
    out = capsys.readouterr().out
    assert "the tail of the audit trail was cut" in out.splitlines()[0]
    assert "counted 4 events, the database ends at event 3 (events 4..4 were deleted)" in out


def test_a_backup_carries_a_signed_checkpoint_and_a_cut_backup_is_refused(
        file_backend, tmp_path) -> None:
    with file_backend.open() as db:
        session = Session(db)
        db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1980, 1, 1)))
        db.patients.create(NewPatient(name="Νίκος", date_of_birth=dt.date(1981, 1, 1)))
        copy = records.backup(db, tmp_path / "backup.db").path
        session.end()
    backup = Backend(file_backend.name, str(copy), file_backend.passphrase, copy)
    with backup.open(migrate=False) as opened:
        report = verify(opened)
    assert report.ok and not report.notices
    assert any("kept on the database file (signature valid)" in line for line in report.checked)
    verify_backup(copy, file_backend.passphrase)  # whole: accepted

    _cut_tail(backup, 3)  # the backup's own event goes: the chain alone stays whole
    with pytest.raises(IntegrityFailure, match="against the checkpoint inside the backup: "
                                               "the tail of the audit trail was cut"):
        verify_backup(copy, file_backend.passphrase)


def test_an_altered_checkpoint_inside_a_backup_is_refused(file_backend, tmp_path) -> None:
    with file_backend.open() as db:
        _session(db, "Ελένη")
        copy = records.backup(db, tmp_path / "backup.db").path
    backup = Backend(file_backend.name, str(copy), file_backend.passphrase, copy)
    saved = json.loads(backup.execute("SELECT checkpoint FROM mesodesk_checkpoint")[0][0])
    saved["events"] = 2
    backup.execute("UPDATE mesodesk_checkpoint SET checkpoint = ?", (json.dumps(saved),))
    with pytest.raises(IntegrityFailure, match="altered after it was signed"):
        verify_backup(copy, file_backend.passphrase)


def test_a_restore_anchors_the_restored_chain_again(file_backend, tmp_path) -> None:
    with file_backend.open() as db:
        session = Session(db)
        db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1980, 1, 1)))
        copy = records.backup(db, tmp_path / "backup.db").path
        db.patients.create(NewPatient(name="Νίκος", date_of_birth=dt.date(1981, 1, 1)))
        session.end()
    records.restore(str(file_backend.path), file_backend.passphrase, copy)
    with file_backend.open() as db:
        report = verify(db)
        assert report.ok and not report.notices, report
        saved = checkpoints.load(db.location)
        assert saved.events == db.audit.events(limit=1)[0].id  # the restore's own event
        assert db.audit.events(limit=1)[0].action == "restore-backup"


@pytest.fixture
def no_key_store(monkeypatch):
    """A machine without a key store: keyring's fail backend."""
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    assert not keystore.available() or checkpoints.signing_key() is None


def test_without_a_key_store_checkpoints_are_unsigned_and_verify_says_so(
        no_key_store, file_backend) -> None:
    with file_backend.open() as db:
        written = _session(db, "Ελένη", "Νίκος")
        assert written.written and not written.signed
        report = verify(db)
        assert report.ok
        said = "\n".join(report.notices)
        assert "no key store on this machine" in said and "unsigned" in said
        assert "proves nothing against someone who could rewrite it too" in said
    _cut_tail(file_backend, 2)  # an unsigned checkpoint still shows a cut tail
    file_backend.execute("DELETE FROM patients WHERE id = 2")
    with file_backend.open() as db:
        report = verify(db)
    assert not report.ok
    assert any("the tail of the audit trail was cut" in line for line in report.problems)


def test_a_key_store_refusing_the_key_does_not_stop_the_session(monkeypatch, file_backend
                                                                 ) -> None:
    def refused(*args, **kwargs):
        raise keystore.KeyStoreUnavailable("locked")

    monkeypatch.setattr(keystore, "get_secret", refused)
    with file_backend.open() as db:
        written = _session(db, "Ελένη")
    assert written.written and not written.signed


def test_a_deleted_checkpoint_is_named_and_not_replaced_by_the_next_session(
        file_backend) -> None:
    with file_backend.open() as db:
        first = _session(db, "Ελένη", "Νίκος")
        first.path.unlink()
        deleted = "the checkpoint file of this database was deleted"
        assert deleted in verify(db).problems[0]
        again = _session(db, "Μαρία")
        assert not again.written and deleted in again.reason
        assert deleted in verify(db).problems[0]


def test_a_database_no_checkpoint_vouched_for_has_its_events_unconfirmed(file_backend) -> None:
    """A database of before this version (or from elsewhere): no checkpoint, no memory."""
    with file_backend.open() as db:
        db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1980, 1, 1)))
        assert any("no checkpoint of this database" in line for line in verify(db).notices)
        _session(db, "Μαρία")
        notices = verify(db).notices
    assert any("events 1..2 are not covered by a signed checkpoint" in line for line in notices)


def test_an_unreadable_checkpoint_is_named_and_not_built_on(file_backend) -> None:
    with file_backend.open() as db:
        written = _session(db, "Ελένη")
        written.path.write_text("{not json", encoding="utf-8")
        report = verify(db)
        assert not report.ok and "is not a readable checkpoint" in report.problems[0]
        again = _session(db, "Νίκος")
        assert not again.written and "is not a readable checkpoint" in again.reason


def test_a_damaged_database_is_refused_by_the_checks_that_guard_a_write(file_backend) -> None:
    from mesodesk.services.verify import check_undamaged

    with file_backend.open() as db:
        _session(db, "Ελένη")
        check_undamaged(db, "import")
        from sqlalchemy import text

        with db.engine.begin() as connection:
            connection.execute(text("UPDATE patients SET updated_at = 'yesterday' WHERE id = 1"))
        with pytest.raises(ServiceError, match=r"import refused: the database holds damaged "
                                               r"values \(patients row 1, column updated_at"):
            check_undamaged(db, "import")


def test_a_deleted_checkpoint_file_and_a_cut_chain_are_named_from_the_key_store(
        file_backend) -> None:
    with file_backend.open() as db:
        written = _session(db, "Ελένη", "Νίκος")
        written.path.unlink()
    _cut_tail(file_backend, 2)
    file_backend.execute("DELETE FROM patients WHERE id = 2")
    with file_backend.open() as db:
        said = "\n".join(verify(db).problems)
    assert "the checkpoint file of this database was deleted, though the key store " \
           "remembers the last checkpoint (event 3)" in said
    assert "the tail of the audit trail was cut: the last checkpoint counted 3 events, " \
           "the database ends at event 2" in said


def test_an_older_checkpoint_file_put_back_is_named(file_backend) -> None:
    """Replace the checkpoint with an older one (validly signed), cut the chain back to it."""
    with file_backend.open() as db:
        first = _session(db, "Ελένη")
        older = first.path.read_bytes()
        _session(db, "Νίκος")
    first.path.write_bytes(older)
    _cut_tail(file_backend, 2)
    file_backend.execute("DELETE FROM patients WHERE id = 2")
    with file_backend.open() as db:
        report = verify(db)
    assert any("the checkpoint file is older than the last one written (it ends at event 2, "
               "the key store remembers event 3): it was replaced" in line
               for line in report.problems)
