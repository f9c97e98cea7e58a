"""Restore as a person meets it: what the backup holds is shown (clinic, date, patients,
consultations, chain head, which installation made it), the database is replaced only
when confirmed, a locked database is answered, and the copies kept aside are listed and
the oldest cleaned beyond a limit."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.paths import user_config_dir
from mesodesk.services import records
from mesodesk.services.installation import FILE_NAME, installation_id
from mesodesk.store import DatabaseLocked
from mesodesk.store.backup import kept_copies, restore
from mesodesk.store.engine import resolve_location
from tests.store.helpers import Backend, make_backend, table_dump


def backed_up(file_backend, doc, tmp_path: Path, clinic: str = "Κλινική Αθηνών") -> Path:
    """A database with two patients and a consultation, and a backup of it."""
    with file_backend.open() as db:
        first, _second = db.patients.create_many([
            NewPatient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12)),
            NewPatient(name="José Núñez", date_of_birth=dt.date(1975, 6, 30))])
        db.consultations.save_draft(first.id, doc)
        db.settings.save(ClinicSettings(name=clinic))
        path = records.backup(db, tmp_path / "backup.db").path
    return path


def cli(file_backend, tmp_path: Path, capsys, *args: str) -> tuple[int, str, str]:
    options = ["--db", file_backend.location]
    options += file_backend.cli_choice
    if file_backend.passphrase is not None:
        key = tmp_path / "passphrase.txt"
        key.write_text(file_backend.passphrase + "\n", encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    capsys.readouterr()
    code = main([*args, *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_preview_says_what_the_backup_holds(file_backend, doc, tmp_path) -> None:
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    path = backed_up(file_backend, doc, tmp_path)
    preview = records.preview_restore(file_backend.location, file_backend.passphrase, path)
    summary = preview.summary
    assert (summary.clinic, summary.patients, summary.consultations) == (
        "Κλινική Αθηνών", 2, 1)
    assert summary.backed_up_at is not None and summary.backed_up_at >= before
    assert summary.installation == installation_id() and preview.from_here is True
    with file_backend.open() as db:  # the chain head of the copy: the backup event itself
        head = db.audit.events(limit=1)[0]
    assert head.action == "backup" and summary.chain_head == head.hash[:12]
    text = "\n".join(preview.lines())
    for expected in ("Clinic: Κλινική Αθηνών", "Made by: this installation",
                     "Patients: 2, consultations: 1", f"chain head {head.hash[:12]}",
                     summary.backed_up_at.astimezone().strftime("Backed up: %Y-%m-%d %H:%M")):
        assert expected in text


def test_a_backup_from_another_installation_is_named_as_such(file_backend, doc,
                                                              tmp_path) -> None:
    path = backed_up(file_backend, doc, tmp_path)
    theirs = installation_id()
    (user_config_dir() / FILE_NAME).unlink()  # this laptop is now another installation
    ours = installation_id()
    assert ours and ours != theirs
    preview = records.preview_restore(file_backend.location, file_backend.passphrase, path)
    assert preview.from_here is False
    assert f"ANOTHER installation ({theirs[:8]})" in "\n".join(preview.lines())


def test_a_copied_database_is_of_unknown_origin(file_backend, tmp_path) -> None:
    with file_backend.open() as db:
        db.patients.create(NewPatient(name="Ann", date_of_birth=dt.date(1990, 1, 1)))
        db.backup(tmp_path / "copy.db")  # the store's copy: no backup event in it
    preview = records.preview_restore(file_backend.location, file_backend.passphrase,
                                      tmp_path / "copy.db")
    assert preview.from_here is None and preview.summary.backed_up_at is None
    text = "\n".join(preview.lines())
    assert "Backed up: unknown" in text and "Made by: unknown" in text
    assert "Clinic: (no name in its settings)" in text


def test_without_a_terminal_or_yes_nothing_is_restored(file_backend, doc, tmp_path,
                                                      capsys) -> None:
    path = backed_up(file_backend, doc, tmp_path)
    with file_backend.open() as db:
        db.patients.create(NewPatient(name="After The Backup", date_of_birth=dt.date(2000, 1, 1)))
    before = table_dump(file_backend)
    code, out, err = cli(file_backend, tmp_path, capsys, "restore", str(path))
    assert code == 2
    assert "Clinic: Κλινική Αθηνών" in out and "Patients: 2" in out  # shown first
    assert "nothing was restored" in err and "--yes" in err
    assert table_dump(file_backend) == before
    assert kept_copies(file_backend.path) == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer, restored", [("y\n", True), ("\n", False), ("no\n", False)])
def test_on_a_terminal_it_asks_first(file_backend, doc, tmp_path, capsys, monkeypatch,
                                     answer, restored) -> None:
    path = backed_up(file_backend, doc, tmp_path)
    with file_backend.open() as db:
        db.patients.create(NewPatient(name="After The Backup", date_of_birth=dt.date(2000, 1, 1)))
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    code, out, err = cli(file_backend, tmp_path, capsys, "restore", str(path))
    assert f"Replace {file_backend.path} with this backup? [y/N]" in out
    with file_backend.open() as db:
        assert db.patients.count() == (2 if restored else 3)
    assert code == (0 if restored else 2)
    assert ("restored it into" in out) if restored else ("not confirmed" in err)


def test_a_locked_database_is_answered_not_waited_on_for_ever(file_backend, doc,
                                                               tmp_path) -> None:
    path = backed_up(file_backend, doc, tmp_path)
    before = table_dump(file_backend)
    outcome: list[BaseException | None] = []
    with file_backend.raw() as holder:  # another program in the middle of writing
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE clinic_settings SET name = 'busy'")
        worker = threading.Thread(target=lambda: outcome.append(_restore_error(
            file_backend, path)), daemon=True)
        worker.start()
        worker.join(60)  # SQLite's backup step alone would retry for ever
        assert not worker.is_alive(), "restore kept waiting on the locked database"
        holder.execute("ROLLBACK")
    assert isinstance(outcome[0], DatabaseLocked)
    assert "locked by another program" in str(outcome[0]) and "nothing was restored" in str(
        outcome[0])
    assert table_dump(file_backend) == before
    assert kept_copies(file_backend.path) == []  # no copy kept of what was not replaced


def _restore_error(file_backend, path: Path) -> BaseException | None:
    try:
        restore(resolve_location(file_backend.location, file_backend.passphrase), path,
                busy_timeout=0.5)
    except BaseException as error:  # noqa: BLE001 - handed to the test
        return error
    return None


@pytest.fixture
def plain_backend(tmp_path: Path) -> Iterator[Backend]:
    """A plain SQLite file: naming and cleaning copies does not depend on the key (and
    SQLCipher's key derivation would make seven restores slow)."""
    with contextlib.ExitStack() as stack:
        yield make_backend("sqlite", tmp_path, stack)


def test_the_copies_kept_aside_are_listed_and_the_oldest_cleaned(plain_backend, doc, tmp_path,
                                                                capsys) -> None:
    file_backend = plain_backend
    path = backed_up(file_backend, doc, tmp_path)
    made = []
    for _round in range(7):
        outcome = records.restore(file_backend.location, file_backend.passphrase, path)
        made.append(outcome.kept_aside)
    kept = kept_copies(file_backend.path)
    assert kept == made[-5:]  # the newest five, oldest first
    assert not any(copy.exists() for copy in made[:2])
    code, out, _err = cli(file_backend, tmp_path, capsys, "restore", "--list-kept")
    assert code == 0 and [line.split()[-1] for line in out.splitlines()] == [
        str(copy) for copy in kept]
    code, out, _err = cli(file_backend, tmp_path, capsys, "restore", str(path), "--yes",
                          "--keep", "2")
    assert code == 0 and out.count("removed the oldest copy kept aside") == 4
    assert len(kept_copies(file_backend.path)) == 2


def test_restore_without_a_file_or_with_a_bad_keep_says_so(file_backend, tmp_path,
                                                          capsys) -> None:
    code, _out, err = cli(file_backend, tmp_path, capsys, "restore")
    assert code == 2 and "give the backup FILE" in err
    code, _out, err = cli(file_backend, tmp_path, capsys, "restore", "x.db", "--keep", "0")
    assert code == 2 and "keep at least 1" in err
    code, out, _err = cli(file_backend, tmp_path, capsys, "restore", "--list-kept")
    assert code == 0 and "no copies" in out
