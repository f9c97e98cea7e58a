"""Encrypted by default (a key kept in the key store), plain only by choice, and the two ways
to change a file's key: ``encrypt`` (plain to encrypted) and ``rekey``; passphrases NFC."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from mesodesk.cli import main
from mesodesk.domain.records import NewPatient
from mesodesk.services import InvalidInput, ServiceError
from mesodesk.services import records
from mesodesk.store import (
    DatabaseLocked,
    NoKeyStore,
    NotADatabase,
    WrongPassphrase,
    keystore,
    open_database,
)
from mesodesk.store.keys import key_name
from tests.store.helpers import REPO

NAME = "Ελένη Παπαδοπούλου"
HEADER = b"SQLite format 3\x00"
GREEK = "Κλειδί της Ελένης ΐ ώ"  # accents that NFC composes and NFD takes apart
EXAMPLE = REPO / "resources" / "examples" / "format-example.json"


def _fill(db) -> None:
    db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12),
                                  notes="allergic to lidocaine"))


def _files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _no_key_store(monkeypatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.set_keyring(fail.Keyring())


# -- encrypted by default ---------------------------------------------------------------------

def test_a_new_database_is_encrypted_with_no_passphrase_typed(tmp_path) -> None:
    path = tmp_path / "clinic.db"
    with open_database(path) as db:
        _fill(db)
        assert db.encrypted and db.location.key_in_key_store
        copy = db.backup(tmp_path / "backup.db")
        written = _files(path)
        assert len(written) == 3  # the database, its -wal and -shm, while it is open
        for file in written + [copy]:
            data = file.read_bytes()
            assert NAME.encode() not in data and b"lidocaine" not in data, file
    assert path.read_bytes()[:16] != HEADER and copy.read_bytes()[:16] != HEADER
    stored = keystore.get_secret(key_name(path))
    assert len(stored) == 64 and int(stored, 16) >= 0  # a raw 256-bit key, in hex
    # SQLCipher takes it as a raw key (no key derivation); as a passphrase it opens nothing.
    import sqlcipher3.dbapi2 as driver

    as_raw_key, as_passphrase = f"PRAGMA key = \"x'{stored}'\"", f"PRAGMA key = '{stored}'"
    for pragma, opens in ((as_raw_key, True), (as_passphrase, False)):
        connection = driver.connect(str(path))
        try:
            connection.execute(pragma)
            assert connection.execute("SELECT count(*) FROM patients").fetchone() == (1,)
            assert opens
        except driver.DatabaseError:
            assert not opens
        finally:
            connection.close()
    # Every way of naming the file finds the same key.
    link = tmp_path / "link.db"
    link.symlink_to(path)
    for spelling in (path, link, tmp_path / "." / "clinic.db"):
        with open_database(spelling) as db:
            assert [p.name for p in db.patients.search("ελενη")] == [NAME]


def test_unencrypted_makes_a_plain_file_and_a_plain_file_opens_as_it_is(tmp_path) -> None:
    path = tmp_path / "plain.db"
    with open_database(path, unencrypted=True) as db:
        _fill(db)
        assert not db.encrypted and db.description == str(path)
    assert path.read_bytes()[:16] == HEADER and NAME.encode() in path.read_bytes()
    with open_database(path) as db:  # an existing plain file: no key needed or made
        assert not db.encrypted and db.patients.count() == 1
    assert keystore.get_secret(key_name(path)) is None


def test_unencrypted_on_the_command_line(tmp_path, capsys) -> None:
    plain, default = tmp_path / "plain.db", tmp_path / "default.db"
    assert main(["import", str(EXAMPLE), "--db", str(plain), "--unencrypted"]) == 0
    assert main(["--unencrypted", "import", str(EXAMPLE), "--db", str(tmp_path / "b.db")]) == 0
    assert main(["import", str(EXAMPLE), "--db", str(default)]) == 0
    assert plain.read_bytes()[:16] == HEADER == (tmp_path / "b.db").read_bytes()[:16]
    assert default.read_bytes()[:16] != HEADER
    key = tmp_path / "key.txt"
    key.write_text("words\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(EXAMPLE), "--db", str(tmp_path / "c.db"), "--unencrypted",
                 "--passphrase-file", str(key)]) == 2
    assert "contradict" in capsys.readouterr().err


def test_without_a_key_store_the_command_line_says_what_to_do(tmp_path, monkeypatch,
                                                               capsys) -> None:
    _no_key_store(monkeypatch)
    path = tmp_path / "clinic.db"
    with pytest.raises(NoKeyStore, match="no key store"):
        open_database(path)
    assert not path.exists()  # nothing half-made, and no key beside the database
    capsys.readouterr()
    assert main(["import", str(EXAMPLE), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    for words in ("no key store", "--passphrase-file", "MESODESK_PASSPHRASE", "--unencrypted"):
        assert words in err, err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []
    # The ways out it names work.
    monkeypatch.setenv("MESODESK_PASSPHRASE", GREEK)
    assert main(["import", str(EXAMPLE), "--db", str(path)]) == 0
    monkeypatch.delenv("MESODESK_PASSPHRASE")
    assert main(["import", str(EXAMPLE), "--db", str(tmp_path / "plain.db"), "--unencrypted"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["clinic.db",
                                                                               "plain.db"]


def test_a_moved_file_or_a_wrong_stored_key_asks_for_the_passphrase(tmp_path) -> None:
    path = tmp_path / "clinic.db"
    with open_database(path) as db:
        _fill(db)
    moved = tmp_path / "moved.db"
    path.rename(moved)
    with pytest.raises(NotADatabase, match="key store has no key for it.*passphrase"):
        open_database(moved)
    keystore.set_secret(key_name(moved), "ab" * 32)  # some other database's key
    with pytest.raises(WrongPassphrase, match="key store keeps for .* does not open it"):
        open_database(moved)


def test_a_new_database_where_one_was_keeps_that_key(tmp_path) -> None:
    """Backups of the earlier database at that place stay readable."""
    path = tmp_path / "clinic.db"
    with open_database(path) as db:
        _fill(db)
        backup = db.backup(tmp_path / "backup.db")
    key = keystore.get_secret(key_name(path))
    path.unlink()
    with open_database(path) as db:
        assert db.patients.count() == 0
    assert keystore.get_secret(key_name(path)) == key
    assert records.restore(path, None, backup).summary.patients == 1


# -- passphrases, NFC ---------------------------------------------------------------------------

def test_a_decomposed_greek_passphrase_opens_the_database_made_with_the_composed_one(
        tmp_path, monkeypatch, capsys) -> None:
    composed, decomposed = (unicodedata.normalize(form, GREEK) for form in ("NFC", "NFD"))
    assert composed != decomposed
    path = tmp_path / "secret.db"
    with open_database(path, composed) as db:
        _fill(db)
    with open_database(path, decomposed) as db:  # typed on a keyboard that decomposes
        assert db.patients.count() == 1
    key = tmp_path / "key.txt"
    key.write_text(decomposed + "\n", encoding="utf-8")
    assert main(["audit", "verify", "--db", str(path), "--passphrase-file", str(key)]) == 0
    monkeypatch.setenv("MESODESK_PASSPHRASE", decomposed)
    assert main(["audit", "verify", "--db", str(path)]) == 0


# -- encrypt ------------------------------------------------------------------------------------

def _plain_clinic(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.db"
    with open_database(path, unencrypted=True) as db:
        _fill(db)
    assert main(["import", str(EXAMPLE), "--db", str(path)]) == 0
    return path


def _contents(db) -> tuple:
    patients = [(p.name, p.notes) for p in db.patients.search("", limit=50)]
    consultations = [(c.id, c.status, c.document.fingerprint())
                     for p in db.patients.search("", limit=50)
                     for c in db.consultations.for_patient(p.id)]
    return patients, consultations


def test_encrypt_round_trip_with_the_key_store(tmp_path, capsys) -> None:
    path = _plain_clinic(tmp_path)
    with open_database(path) as db:
        before, events = _contents(db), len(db.audit.events(1000))
    capsys.readouterr()
    assert main(["encrypt", "--db", str(path)]) == 0
    assert "key store" in capsys.readouterr().out
    assert path.read_bytes()[:16] != HEADER
    assert _files(path) == [path] and os.stat(path).st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    for file in _files(path):
        assert NAME.encode() not in file.read_bytes()
    with open_database(path) as db:
        assert db.location.key_in_key_store
        assert _contents(db) == before
        assert db.audit.verify().ok
        latest = db.audit.events(1000)
        assert len(latest) == events + 1
        assert latest[0].action == "encrypt-database" and latest[0].details == {"key": "key store"}
    capsys.readouterr()
    assert main(["encrypt", "--db", str(path)]) == 2
    assert "already encrypted" in capsys.readouterr().err


def test_encrypt_with_a_passphrase(tmp_path) -> None:
    path = _plain_clinic(tmp_path)
    change = records.encrypt(path, unicodedata.normalize("NFD", GREEK), actor="test")
    assert change.location.key_source == "passphrase"
    assert keystore.get_secret(key_name(path)) is None
    with open_database(path, GREEK) as db:
        assert db.patients.count() == 1 and db.audit.verify().ok
        assert db.audit.events(1)[0].details == {"key": "passphrase"}


def test_encrypt_refuses_while_the_database_is_open_and_changes_nothing(tmp_path) -> None:
    path = _plain_clinic(tmp_path)
    with open_database(path) as db:
        db.patients.count()  # the app holds a connection
        before = _digest(path)
        with pytest.raises(ServiceError, match="open in another program") as caught:
            records.encrypt(path)
        assert isinstance(caught.value.__cause__, DatabaseLocked)
        assert db.patients.count() == 1
    assert _digest(path) == before and path.read_bytes()[:16] == HEADER
    assert keystore.get_secret(key_name(path)) is None  # the key made for it is forgotten


def test_encrypt_keeps_the_plain_file_when_the_copy_fails_verification(tmp_path,
                                                                       monkeypatch) -> None:
    from mesodesk.store import encryption
    from mesodesk.store.base import IntegrityFailure

    path = _plain_clinic(tmp_path)

    def broken(*_args):
        raise IntegrityFailure("the encrypted copy does not hold what it held")

    monkeypatch.setattr(encryption, "_verify_copy", broken)
    with pytest.raises(ServiceError, match="does not hold"):
        records.encrypt(path)
    assert path.read_bytes()[:16] == HEADER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.db"]
    with open_database(path) as db:
        assert db.patients.count() == 1 and db.audit.verify().ok


# -- rekey --------------------------------------------------------------------------------------

def test_rekey_round_trip_key_store_to_passphrase_and_back(tmp_path, capsys) -> None:
    path = tmp_path / "clinic.db"
    with open_database(path) as db:
        _fill(db)
        before = _contents(db)
    first_key = keystore.get_secret(key_name(path))
    new = tmp_path / "new.txt"
    new.write_text(unicodedata.normalize("NFD", GREEK) + "\n", encoding="utf-8")
    assert main(["rekey", "--db", str(path), "--new-passphrase-file", str(new)]) == 0
    assert keystore.get_secret(key_name(path)) is None  # the old key is not left behind
    with pytest.raises(NotADatabase):
        open_database(path)
    with open_database(path, GREEK) as db:
        assert _contents(db) == before and db.audit.verify().ok
        assert db.audit.events(1)[0].action == "rekey-database"
    old = tmp_path / "old.txt"
    old.write_text(GREEK + "\n", encoding="utf-8")
    assert main(["rekey", "--db", str(path), "--passphrase-file", str(old), "--key-store"]) == 0
    second_key = keystore.get_secret(key_name(path))
    assert second_key is not None and second_key != first_key
    with pytest.raises(WrongPassphrase):
        open_database(path, GREEK)
    with open_database(path) as db:
        assert _contents(db) == before and db.audit.verify().ok
        actions = [event.action for event in db.audit.events(2)]
        assert actions == ["rekey-database", "rekey-database"]
        assert db.audit.events(1)[0].details == {"key": "key store"}


def test_rekey_needs_an_encrypted_database_and_a_new_key(tmp_path, capsys) -> None:
    path = tmp_path / "plain.db"
    open_database(path, unencrypted=True).close()
    capsys.readouterr()
    assert main(["rekey", "--db", str(path), "--key-store"]) == 2
    assert "not encrypted" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: one of the two is required
        main(["rekey", "--db", str(path)])
    with pytest.raises(InvalidInput, match="not encrypted"):
        records.rekey(path, None, "new words")


def test_rekey_without_a_key_store_to_a_new_stored_key_changes_nothing(tmp_path,
                                                                       monkeypatch) -> None:
    path = tmp_path / "secret.db"
    with open_database(path, GREEK) as db:
        _fill(db)
    before = _digest(path)
    _no_key_store(monkeypatch)
    with pytest.raises(InvalidInput, match="no key store"):
        records.rekey(path, GREEK, None)
    assert _digest(path) == before
    with open_database(path, GREEK) as db:
        assert db.patients.count() == 1
