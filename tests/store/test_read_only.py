"""A database that cannot be written can still be verified, exported and backed up.

Two ways to make it so, both real: the read-only open itself (``store.readonly``), and a
file or folder the process cannot write. File modes do not bind root (these tests also
run as root in CI containers), so as root the file or folder is made immutable with
``chattr +i``, which the kernel enforces for root too; as any other user it is chmod
0444/0555. Each is undone after the test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.domain.records import NewPatient
from mesodesk.services.verify import verify
from mesodesk.store import ReadOnlyLocation, outside
from mesodesk.store.readonly import open_read_only, read_only_uri
from tests.store.helpers import REPO

EXAMPLE = str(REPO / "resources" / "examples" / "format-example.json")


@contextlib.contextmanager
def unwritable(path: Path):
    """``path`` (a file or a folder) that this process cannot write, then as it was."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        path.chmod(mode)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _options(file_backend, tmp_path) -> list[str]:
    options = ["--db", str(file_backend.path)]
    options += file_backend.cli_choice
    if file_backend.passphrase:
        key = tmp_path / "key.txt"
        key.write_text(file_backend.passphrase, encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    return options


@pytest.fixture
def stored(file_backend, tmp_path):
    """A database in a folder of its own, with one imported consultation."""
    folder = tmp_path / "records"
    folder.mkdir()
    file_backend.path = folder / file_backend.path.name
    file_backend.location = str(file_backend.path)
    assert main(["import", EXAMPLE, *_options(file_backend, tmp_path)]) == 0
    return file_backend


def test_the_read_only_open_writes_nothing_and_refuses_writes(stored) -> None:
    before = _digest(stored.path)
    with open_read_only(stored.location, stored.passphrase) as db:
        assert db.read_only
        report = verify(db)
        assert report.ok, report.problems
        assert db.consultations.get(1).status == "draft"
        with pytest.raises(ReadOnlyLocation):
            with db.writing() as connection:
                from sqlalchemy import text

                connection.execute(text("DELETE FROM practitioners"))
    assert sorted(p.name for p in stored.path.parent.iterdir()) == [stored.path.name]
    assert _digest(stored.path) == before


def test_a_write_ahead_log_is_read_not_skipped(stored) -> None:
    """While another connection has committed changes still in the -wal file, the read-only
    open reads the log (``mode=ro``), not the main file alone (``immutable=1`` would not)."""
    with stored.open() as writer:
        writer.patients.create(NewPatient(name="Νίκος", date_of_birth=dt.date(1975, 2, 3)))
        wal = Path(f"{stored.path}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert read_only_uri(stored.path).endswith("?mode=ro")
        with open_read_only(stored.location, stored.passphrase) as reader:
            assert [p.name for p in reader.patients.search("Νίκος")] == ["Νίκος"]
    assert read_only_uri(stored.path).endswith("?immutable=1")


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_database_is_verified_exported_and_backed_up(stored, tmp_path, capsys,
                                                                 what) -> None:
    options = _options(stored, tmp_path)
    before = _digest(stored.path)
    out = tmp_path / "export.json"
    copy = tmp_path / "backup.db"
    with unwritable(stored.path.parent if what == "folder" else stored.path):
        capsys.readouterr()
        assert main(["audit", "verify", *options]) == 0
        said = capsys.readouterr()
        assert "the records are whole" in said.out
        assert "cannot be written: opened read-only" in said.err
        assert main(["export", "1", "--out", str(out), *options]) == 0
        assert main(["backup", "--out", str(copy), *options]) == 0
        assert main(["audit", "verify", *options]) == 0
        said = capsys.readouterr()
        assert "2 events of this database were recorded outside it while it could not be " \
               "written (backup, export)" in said.out
        assert main(["import", EXAMPLE, *options]) != 0  # writing is refused, with a message
        assert "read-only" in capsys.readouterr().err
    assert _digest(stored.path) == before
    assert sorted(p.name for p in stored.path.parent.iterdir()) == [stored.path.name]
    assert json.loads(out.read_text(encoding="utf-8"))["patient"]["name"] == "Ελένη Παπαδοπούλου"
    with stored.open(migrate=False) as db:
        kept = outside.outside_path(db.location)
    lines = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    assert [line["action"] for line in lines] == ["export", "backup"]
    assert all(line["signature"] for line in lines)
    assert oct(kept.stat().st_mode & 0o777) == "0o600"


def test_an_altered_event_kept_outside_is_named(stored, tmp_path) -> None:
    options = _options(stored, tmp_path)
    with unwritable(stored.path.parent):
        assert main(["export", "1", "--out", str(tmp_path / "e.json"), *options]) == 0
    with stored.open(migrate=False) as db:
        kept = outside.outside_path(db.location)
        entry = json.loads(kept.read_text(encoding="utf-8"))
        entry["details"]["to"] = "somewhere harmless"
        kept.write_text(json.dumps(entry) + "\n", encoding="utf-8")
        report = verify(db)
    assert not report.ok
    assert any("line 1: altered" in problem for problem in report.problems)
