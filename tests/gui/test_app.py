"""Starting the app: the real ``mesodesk`` command, a fast first paint, the demo, the
single-instance lock, the display check, the crash handler."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication

from mesodesk.ui.app import _lock_paths, acquire_instance_lock, run_app
from mesodesk.ui.crash import CrashHandler, log_file, setup_logging
from mesodesk.ui.demo import DEMO_PATIENTS
from mesodesk.ui.platform_check import display_problem
from mesodesk.ui.session import StartOptions

from .conftest import TIMEOUT, screenshot, settle

REPO = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str] | None = None, timeout: int = 120):
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run([sys.executable, *args], cwd=REPO, env=environment, text=True,
                          capture_output=True, timeout=timeout)


@pytest.mark.parametrize("stage", ["rows", "ready"])
def test_mesodesk_starts_opens_the_database_and_quits(tmp_path, stage):
    database = tmp_path / "clinic.db"
    result = run(["-m", "bench.mesodesk_marked", "--db", str(database)],
                 env={"MESODESK_EXIT_AFTER": stage})
    assert result.returncode == 0, result.stderr
    assert database.exists()  # created on first start
    marks = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("MARK")]
    assert marks[-1] == stage and "painted" in marks


def test_the_window_paints_before_the_database_layer_is_imported(tmp_path):
    """Painted before SQLAlchemy and pydantic are imported; the first rows come through the
    app's one SQLite driver (sqlcipher3) before the database has opened, and the built-in
    sqlite3, a second copy of SQLite that would drop the process's POSIX locks, is never
    loaded."""
    from mesodesk.domain.records import NewPatient
    from mesodesk.store import open_database

    database = tmp_path / "clinic.db"
    db = open_database(str(database))
    db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12)))
    db.close()
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from mesodesk.ui.main_window import MainWindow
        from mesodesk.ui.session import StartOptions
        heavy = ("sqlalchemy", "sqlmodel", "alembic", "reportlab", "pydantic")
        seen = {{}}
        window = MainWindow(StartOptions(location={str(database)!r}))
        def painted():
            seen["painted"] = [name for name in heavy if name in sys.modules]
        def rows():
            seen["rows_before_open"] = window.session is None
            seen["count"] = window.model.rowCount()
        def ready():
            seen["ready"] = [name for name in heavy if name in sys.modules]
            seen["after"] = window.model.rowCount()
            seen["sqlite"] = sorted(name for name in ("sqlite3", "_sqlite3") if name in sys.modules)
            app.quit()
        window.painted.connect(painted)
        window.firstRowsShown.connect(rows)
        window.ready.connect(ready)
        window.show()
        app.exec()
        window.close()
        print(seen)
        assert seen["painted"] == [], seen
        # the first page through the app's own driver (store/first_page.py), shown before the
        # database (and SQLAlchemy with it) has opened
        assert seen["rows_before_open"] and seen["count"] == 1, seen
        assert "sqlalchemy" in seen["ready"] and seen["after"] == 1, seen
        assert seen["sqlite"] == [], seen
    """)
    result = run(["-c", script])
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_opens_on_a_temporary_database_full_of_patients(qtbot, open_window):
    window = open_window(demo=True)
    qtbot.waitUntil(lambda: window.model.total == len(DEMO_PATIENTS), timeout=TIMEOUT)
    assert len(DEMO_PATIENTS) >= 30
    assert "Demo database" in window.db_label.text()
    assert "mesodesk — demo" == window.windowTitle()
    db = window.session.db
    statuses = {}
    signed = 0
    for patient in db.patients.search("", limit=100):
        for record in db.consultations.for_patient(patient.id):
            statuses[record.status] = statuses.get(record.status, 0) + 1
            signed += record.has_signed_consent
    assert statuses.get("final", 0) >= 20
    assert statuses.get("not-treated", 0) >= 2  # the pregnant and the under-18 examples
    assert signed >= 5
    scripts = {name[0] for name, *_rest in DEMO_PATIENTS}
    assert {"Ε", "И", "C"} <= scripts or any("\u0370" <= n[0][0] <= "\u03ff" for n in DEMO_PATIENTS)
    demo_dir = window.session.demo_dir
    assert demo_dir is not None and demo_dir.exists()
    # The picture for the README: a patient with a signed consultation selected.
    row = window.model.row_of(db.patients.search("Ελένη Παπαδοπούλου", limit=1)[0].id)
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 3, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.history_model.record(0).has_signed_consent
    screenshot(window, "main-window-demo")


def test_demo_command_runs_and_cleans_up(tmp_path):
    result = run(["-m", "mesodesk", "--demo", "--no-crash-dialog"],
                 env={"MESODESK_EXIT_AFTER": "rows", "TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob("mesodesk-demo-*"))  # the temporary database is removed


def test_a_second_instance_on_the_same_database_is_refused(tmp_path, capsys):
    options = StartOptions(location=str(tmp_path / "clinic.db"))
    holder = QLockFile(_lock_paths(options)[0])
    assert holder.tryLock(100)
    try:
        lock, refusal = acquire_instance_lock(options)
        assert lock is None
        assert "already open on this database" in refusal
        args = types.SimpleNamespace(db=str(tmp_path / "clinic.db"), passphrase_file=None,
                                     demo=False, no_crash_dialog=True)
        assert run_app(args) == 1
        assert "already open on this database" in capsys.readouterr().err
        # Another database is not affected.
        other, refusal = acquire_instance_lock(StartOptions(location=str(tmp_path / "other.db")))
        assert other is not None and refusal is None
        other.unlock()
    finally:
        holder.unlock()


def test_the_lock_is_keyed_on_the_database_not_on_how_it_is_named(tmp_path):
    from mesodesk.services.records import open_records

    database = tmp_path / "clinic.db"
    open_records(database, unencrypted=True).close()  # a plain file: any name opens it
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "same-clinic.db"
    os.link(database, link)
    (tmp_path / "alias").symlink_to(tmp_path)
    same = [StartOptions(location=str(path)) for path in (
        database, link, tmp_path / "alias" / "clinic.db", tmp_path / "elsewhere" / ".." / "clinic.db")]
    keys = [set(options.lock_keys()) for options in same]
    assert all(keys[0] & other for other in keys[1:])
    assert not keys[0] & set(StartOptions(location=str(tmp_path / "other.db")).lock_keys())
    server = StartOptions(location="postgresql://ann:secret@DB.clinic.example/records").lock_keys()
    assert server == StartOptions(
        location="postgresql+psycopg://bob@db.clinic.example:5432/records").lock_keys()
    assert server != StartOptions(location="postgresql://db.clinic.example/other").lock_keys()


def test_a_hard_link_in_another_tmpdir_cannot_open_a_second_window(tmp_path):
    from mesodesk.services.records import open_records

    database = tmp_path / "clinic.db"
    open_records(database, unencrypted=True).close()  # a plain file: any name opens it
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "linked.db"
    os.link(database, link)
    other_tmp = tmp_path / "other-tmp"
    other_tmp.mkdir()
    lock, refusal = acquire_instance_lock(StartOptions(location=str(database)))
    assert lock is not None, refusal
    try:
        # Without the lock, this process would open the window and quit at its first rows.
        second = run(["-m", "mesodesk", "--db", str(link), "--no-crash-dialog"],
                     env={"TMPDIR": str(other_tmp), "MESODESK_EXIT_AFTER": "rows"})
        assert second.returncode == 1, second.stderr
        assert "already open on this database" in second.stderr
    finally:
        lock.unlock()
    # Once the first window is gone, the linked name opens.
    third = run(["-m", "mesodesk", "--db", str(link), "--no-crash-dialog"],
                env={"TMPDIR": str(other_tmp), "MESODESK_EXIT_AFTER": "rows"})
    assert third.returncode == 0, third.stderr


def test_the_locks_live_in_the_data_folder_or_else_the_temporary_one(tmp_path, monkeypatch):
    from PySide6.QtCore import QDir

    from mesodesk.paths import user_data_dir
    from mesodesk.ui.app import lock_dir

    assert Path(lock_dir()) == user_data_dir() / "locks"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder would go")
    monkeypatch.setenv("MESODESK_HOME", str(blocked))
    assert lock_dir() == QDir.tempPath()  # a read-only home still gets a lock
    lock, refusal = acquire_instance_lock(StartOptions(location=str(tmp_path / "clinic.db")))
    assert lock is not None and refusal is None
    lock.unlock()


def test_an_unreadable_passphrase_file_is_named(tmp_path, capsys):
    args = types.SimpleNamespace(db=str(tmp_path / "clinic.db"), demo=False, no_crash_dialog=True,
                                 passphrase_file=str(tmp_path / "missing.txt"))
    assert run_app(args) == 2
    assert f"{tmp_path / 'missing.txt'}: no such passphrase file" in capsys.readouterr().err


def test_missing_x11_libraries_are_named_with_their_packages():
    missing = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    message = display_problem({"DISPLAY": ":0"}, "linux", loads=lambda name: name not in missing)
    assert "libxcb-cursor.so.0" in message and "libxcb-icccm.so.4" in message
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in message
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in message
    # No display at all: said plainly, instead of Qt's abort.
    assert "DISPLAY is not set" in display_problem({}, "linux", loads=lambda name: True)
    # Everything present, another platform asked for, or not Linux: Qt manages.
    assert display_problem({"DISPLAY": ":0"}, "linux", loads=lambda name: True) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", loads=lambda n: False) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", loads=lambda n: False) is None
    assert display_problem({}, "win32", loads=lambda name: False) is None


def test_the_command_reports_missing_libraries_instead_of_aborting(tmp_path):
    script = textwrap.dedent("""
        import sys, types
        import mesodesk.ui.platform_check as check
        check._loads = lambda name: name != "libxcb-cursor.so.0"
        from mesodesk.ui.app import run_app
        args = types.SimpleNamespace(db=None, passphrase_file=None, demo=False,
                                     no_crash_dialog=True)
        sys.exit(run_app(args))
    """)
    environment = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    environment.update({"DISPLAY": ":99", "PYTHONPATH": str(REPO)})
    environment.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=environment, text=True,
                            capture_output=True, timeout=60)
    assert result.returncode == 1
    assert "libxcb-cursor0" in result.stderr
    assert "PySide6" not in result.stderr and "Aborted" not in result.stderr


def test_crash_dialog_copies_details_and_logs(qtbot):
    setup_logging()
    handler = CrashHandler(show_dialog=True)
    try:
        raise RuntimeError("boom <b>&</b>")
    except RuntimeError as error:
        handler.report(error)
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(),
                    timeout=TIMEOUT)
    dialog = handler.dialog
    assert "RuntimeError: [message withheld" in dialog.details  # it may name a patient
    assert "RuntimeError: boom" not in dialog.details  # (the source line of the raise stays)
    screenshot(dialog, "crash-dialog")
    dialog.copy_button.click()
    assert "RuntimeError: [message withheld" in QApplication.clipboard().text()
    assert "Traceback" in QApplication.clipboard().text()
    assert "test_crash_dialog_copies_details_and_logs" in QApplication.clipboard().text()
    logged = log_file().read_text(encoding="utf-8")
    assert "RuntimeError: [message withheld" in logged and "RuntimeError: boom" not in logged
    # A second error while the dialog is open is added to it, not a second dialog.
    handler.report(ValueError("second"))
    qtbot.waitUntil(lambda: "ValueError: [message withheld" in dialog.details, timeout=TIMEOUT)
    dialog.continue_button.click()
    assert handler.exit_code == 0


def test_no_crash_dialog_logs_and_sets_the_exit_code(qtbot, capsys):
    exits = []
    handler = CrashHandler(show_dialog=False, exit_app=exits.append)
    handler.report(RuntimeError("quiet failure"))
    assert handler.dialog is None
    assert handler.exit_code == 1
    assert exits == [1]  # the app is told to quit with status 1
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "quiet failure" not in err
