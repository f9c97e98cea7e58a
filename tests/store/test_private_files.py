"""Private files (issue 11, item 3): everything mesodesk writes is owner-only, 0600 files
and 0700 folders, whatever the umask: the database and its -wal/-shm, backups (the folder
made before a schema upgrade too), the copies a restore keeps aside, exports and plans,
the user data/config/log folders, and the private folder of the PDFs handed to the
system viewer, which is emptied at quit and at the next start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.paths import (
    make_private_dir,
    remove_viewer_copies,
    user_config_dir,
    user_data_dir,
    user_log_dir,
    viewer_copies_dir,
    viewer_copies_folder,
)
from mesodesk.store import open_database
from mesodesk.store.backup import restore
from mesodesk.store.engine import Location
from mesodesk.store.files import create_private_file, keep_private, write_atomically
from tests.store.helpers import PASSPHRASE, REPO

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")

EXAMPLE = REPO / "resources" / "examples" / "format-example.json"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture(params=[None, PASSPHRASE], ids=["sqlite", "sqlcipher"])
def passphrase(request: pytest.FixtureRequest) -> str | None:
    return request.param


def _fill(db) -> None:
    import datetime as dt

    from mesodesk.domain.records import NewPatient

    db.patients.create(NewPatient(name="Ζωή ΜΑΡΚΕΡ-7731", notes="private note",
                                  date_of_birth=dt.date(1980, 1, 1)))


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path, umask, passphrase) -> None:
    path = tmp_path / "clinic.db"
    with open_database(path, passphrase) as db:
        _fill(db)
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()  # WAL mode: SQLite made both, from the file's mode
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)


def test_a_database_an_older_version_left_open_is_made_owner_only(tmp_path, umask) -> None:
    path = tmp_path / "clinic.db"
    with open_database(path) as db:
        _fill(db)
    os.chmod(path, 0o644)  # as version 1 created it under umask 022
    Path(f"{path}-shm").write_bytes(b"")
    os.chmod(f"{path}-shm", 0o644)
    with open_database(path) as db:
        _fill(db)
        modes = [mode(Path(f"{path}{suffix}")) for suffix in ("", "-wal", "-shm")]
    assert modes == [0o600, 0o600, 0o600]


def test_keep_private_never_adds_a_permission(tmp_path) -> None:
    read_only = tmp_path / "read-only.db"
    read_only.write_bytes(b"")
    os.chmod(read_only, 0o444)
    assert keep_private(read_only) is True and mode(read_only) == 0o400
    assert keep_private(read_only) is False  # nothing left to take
    assert keep_private(tmp_path / "missing.db") is False


def test_the_default_data_config_and_log_folders_are_owner_only(_isolated_home, umask) -> None:
    with open_database(None) as db:
        _fill(db)
        assert db.path.parent == user_data_dir()
        assert mode(db.path) == 0o600
    for folder in (user_data_dir(), user_config_dir(), user_log_dir()):
        assert folder.is_dir() and mode(folder) == 0o700, folder


def test_an_own_folder_made_open_by_an_older_version_is_tightened(tmp_path, umask) -> None:
    own = tmp_path / "own"
    own.mkdir(mode=0o755)
    os.chmod(own, 0o755)
    assert mode(make_private_dir(own)) == 0o700
    users = tmp_path / "users"
    users.mkdir()
    os.chmod(users, 0o755)
    assert mode(make_private_dir(users, tighten=False)) == 0o755  # not ours to change
    nested = make_private_dir(tmp_path / "a" / "b" / "c")
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", nested)] == [0o700] * 3


def test_write_atomically_is_owner_only_and_replaces_an_open_file(tmp_path, umask) -> None:
    target = tmp_path / "Ζωή plan.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    write_atomically(target, b"%PDF new")
    assert mode(target) == 0o600 and target.read_bytes() == b"%PDF new"
    fresh = write_atomically(tmp_path / "export.json", "{}")
    assert mode(fresh) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.json", "Ζωή plan.pdf"]


def test_create_private_file_creates_once(tmp_path, umask) -> None:
    path = tmp_path / "new.db"
    assert create_private_file(path) is True
    assert mode(path) == 0o600 and path.stat().st_size == 0
    path.write_bytes(b"kept")
    assert create_private_file(path) is False and path.read_bytes() == b"kept"


def test_backups_and_the_upgrade_backup_folder_are_owner_only(tmp_path, umask, passphrase) -> None:
    with open_database(tmp_path / "clinic.db", passphrase) as db:
        _fill(db)
        copy = db.backup(tmp_path / "copy.db")
        before_upgrade = db.backup_before_upgrade("test")
    assert mode(copy) == 0o600
    assert before_upgrade.parent == tmp_path / "backups"
    assert mode(before_upgrade.parent) == 0o700 and mode(before_upgrade) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_backups_folder_that_was_there_keeps_its_mode(tmp_path, umask) -> None:
    """Beside a database the user placed, "backups" may be the user's own folder."""
    (tmp_path / "backups").mkdir()
    os.chmod(tmp_path / "backups", 0o755)
    with open_database(tmp_path / "clinic.db") as db:
        before_upgrade = db.backup_before_upgrade("test")
    assert mode(before_upgrade.parent) == 0o755 and mode(before_upgrade) == 0o600


def test_restore_keeps_the_current_database_aside_owner_only(tmp_path, umask, passphrase) -> None:
    target = tmp_path / "clinic.db"
    with open_database(target, passphrase) as db:
        _fill(db)
        backup = db.backup(tmp_path / "backup.db")
        key = db.location.passphrase  # without a passphrase: the key store's key
    result = restore(Location("sqlite", path=target, passphrase=key), backup)
    assert result.kept_aside is not None and mode(result.kept_aside) == 0o600
    assert mode(target) == 0o600
    # Into a place where there was no database yet: the restored file is 0600 too.
    elsewhere = tmp_path / "new" / "clinic.db"
    elsewhere.parent.mkdir()
    restore(Location("sqlite", path=elsewhere, passphrase=key), backup)
    assert mode(elsewhere) == 0o600


def test_restore_over_a_damaged_file_moves_it_aside_owner_only(tmp_path, umask) -> None:
    target = tmp_path / "clinic.db"
    with open_database(tmp_path / "good.db") as db:
        _fill(db)
        backup = db.backup(tmp_path / "backup.db")
        key = db.location.passphrase  # the key store's key
    target.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # damaged
    Path(f"{target}-wal").write_bytes(b"junk")
    os.chmod(target, 0o644)
    os.chmod(f"{target}-wal", 0o644)
    result = restore(Location("sqlite", path=target, passphrase=key), backup)
    aside = result.kept_aside
    assert aside is not None and aside.read_bytes().startswith(b"SQLite format 3")
    assert mode(aside) == 0o600 and mode(Path(f"{aside}-wal")) == 0o600
    assert mode(target) == 0o600


def test_export_and_plan_commands_write_owner_only_files(tmp_path, umask, capsys) -> None:
    options = ["--db", str(tmp_path / "clinic.db")]
    assert main(["import", str(EXAMPLE), *options]) == 0
    exported, plan = tmp_path / "exported.json", tmp_path / "plan.pdf"
    assert main(["export", "1", "--out", str(exported), *options]) == 0
    assert main(["plan", "--consultation", "1", "--out", str(plan), *options]) == 0, \
        capsys.readouterr().err
    assert plan.read_bytes().startswith(b"%PDF")
    assert (mode(exported), mode(plan)) == (0o600, 0o600)
    assert mode(tmp_path / "clinic.db") == 0o600


# -- the private folder of the PDFs handed to the system viewer --------------------------------

def test_the_viewer_folder_is_private_and_emptied_at_quit(_isolated_home, umask) -> None:
    folder = viewer_copies_folder()
    assert folder.parent == viewer_copies_dir()
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
    copy = write_atomically(folder / "Ζωή ΜΑΡΚΕΡ-7731.pdf", b"%PDF")
    assert mode(copy) == 0o600
    assert remove_viewer_copies(at_start=False) == [folder]
    assert not folder.exists() and list(viewer_copies_dir().iterdir()) == []
    assert remove_viewer_copies(at_start=False) == []  # nothing left: nothing to do


def test_the_next_start_removes_what_a_crashed_app_left(_isolated_home) -> None:
    root = make_private_dir(viewer_copies_dir())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    crashed = make_private_dir(root / dead)
    (crashed / "plan.pdf").write_bytes(b"%PDF")
    (crashed / "sub").mkdir()
    (crashed / "sub" / "x.pdf").write_bytes(b"%PDF")
    stray = root / "stray.pdf"
    stray.write_bytes(b"%PDF")
    own = viewer_copies_folder()  # a folder with this process's id, left by an earlier run
    (own / "old.pdf").write_bytes(b"%PDF")
    running = make_private_dir(root / str(os.getppid()))  # another mesodesk, still open
    (running / "open.pdf").write_bytes(b"%PDF")
    removed = remove_viewer_copies(at_start=True)
    assert sorted(removed) == sorted([crashed, stray, own])
    assert sorted(p.name for p in root.iterdir()) == [str(os.getppid())]
    assert (running / "open.pdf").exists()  # its viewer may still be reading it


def test_emptying_a_missing_viewer_folder_is_quiet(_isolated_home) -> None:
    assert not viewer_copies_dir().exists()
    assert remove_viewer_copies(at_start=True) == []
    assert remove_viewer_copies(at_start=False) == []
