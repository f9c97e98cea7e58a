"""Starting the desktop app: ``run_app(args)`` is what ``mesodesk`` runs without a command.

The order matters for a fast start: check that a window can be opened at all, create the
QApplication, take the single-instance lock, show the main window, and only then (in the
database thread, once the search box is painted) import SQLAlchemy, Alembic and pydantic
and open the database. Only QtCore, QtGui and QtWidgets are imported before the window is
on screen.

``MESODESK_EXIT_AFTER=painted``, ``=rows`` or ``=ready`` quits as soon as the window is
painted, as soon as the patient list shows its first rows, or as soon as the toolbar's
actions are enabled (database open, knowledge base loaded): for start-up benchmarks and
for checking a bundle in CI.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from mesodesk.exit_codes import EXIT_FAILURE, EXIT_INVALID, EXIT_OK
from mesodesk.i18n import _



class InstanceLock:
    """The lock files held while the app runs on a database (see ``StartOptions.lock_keys``)."""

    def __init__(self, locks: list[Any]):
        self.locks = locks

    def unlock(self) -> None:
        for lock in self.locks:
            lock.unlock()


def lock_dir() -> str:
    """Where the lock files are: the user's own data folder, the same whatever TMPDIR a
    process was started with (a lock under TMPDIR let a second window open)."""
    from mesodesk.paths import make_private_dir, user_data_dir

    return str(make_private_dir(user_data_dir() / "locks"))


def _lock_paths(options: Any) -> list[str]:
    folder = lock_dir()
    return [os.path.join(folder, f"mesodesk-{key}.lock") for key in options.lock_keys()]


def acquire_instance_lock(options: Any) -> tuple[InstanceLock | None, str | None]:
    """The locks held while the app runs on this database, or a message why not."""
    from PySide6.QtCore import QLockFile

    held = []
    try:
        paths = _lock_paths(options)
    except OSError as error:  # the data folder cannot be made: the database cannot either
        return None, _("mesodesk cannot keep its lock files in the data folder: "
                       "{reason}").format(reason=error.strerror or error)
    for path in paths:
        lock = QLockFile(path)
        lock.setStaleLockTime(0)  # a lock left by a crashed process is detected by its pid
        if lock.tryLock(200):
            held.append(lock)
            continue
        InstanceLock(held).unlock()
        pid, host, _application = lock.getLockInfo()
        detail = _(" (process {pid} on {host})").format(pid=pid, host=host) if pid else ""
        return None, _("mesodesk is already open on this database{detail}. Switch to that "
                       "window; two windows on the same records could overwrite each other's "
                       "work.").format(detail=detail)
    return InstanceLock(held), None


def _refuse(message: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, _("mesodesk is already open"), message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def run_app(args: Any) -> int:
    from mesodesk.ui.platform_check import display_problem

    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_FAILURE

    from mesodesk.ui.session import StartOptions, needs_first_run

    try:
        options = StartOptions.from_args(args)
    except ValueError as error:
        print(f"mesodesk: {error}", file=sys.stderr)
        return EXIT_INVALID

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from mesodesk.paths import remove_viewer_copies
    from mesodesk.ui import gc_guard
    from mesodesk.ui.crash import CrashHandler, setup_logging
    from mesodesk.ui.icons import icon
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.workers import Runner

    remove_viewer_copies(at_start=True)  # the PDFs a crashed run left for the viewer
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("mesodesk")
    app.setApplicationDisplayName("mesodesk")
    app.setOrganizationName("mesodesk")
    app.setDesktopFileName("mesodesk")
    app.setWindowIcon(icon("mesodesk"))
    lock = None
    if not options.demo:
        lock, refusal = acquire_instance_lock(options)
        if refusal:
            print(f"mesodesk: {refusal}", file=sys.stderr)
            if not getattr(args, "no_crash_dialog", False):
                _refuse(refusal)
            return EXIT_FAILURE

    if needs_first_run(options):
        from mesodesk.ui.first_run import run_first_run

        choice = run_first_run(options)  # the clinic set up, or the demo chosen
        if choice is None:
            if lock is not None:
                lock.unlock()
            return EXIT_OK  # cancelled: nothing was made
        if choice == "demo" and lock is not None:
            lock.unlock()
            lock = None

    crash = CrashHandler(show_dialog=not getattr(args, "no_crash_dialog", False))
    crash.install()
    Runner.default_error_handler = crash.report
    gc_guard.install()  # before the window's worker threads: none of them may collect a widget

    window = MainWindow(options)
    window.painted.connect(setup_logging)  # the log file once the window is on screen
    exit_after = os.environ.get("MESODESK_EXIT_AFTER", "")
    if exit_after == "painted":
        window.painted.connect(lambda: QTimer.singleShot(0, window.close))
    elif exit_after in ("rows", "ready"):
        signal = window.firstRowsShown if exit_after == "rows" else window.ready
        signal.connect(lambda: QTimer.singleShot(0, window.close))
        window.openFailed.connect(lambda _text: app.exit(EXIT_FAILURE))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    try:
        code = app.exec()
    finally:
        remove_viewer_copies(at_start=False)  # no plain copy of a patient's PDF left behind
        crash.uninstall()
        gc_guard.uninstall()
        Runner.default_error_handler = None
        if lock is not None:
            lock.unlock()
        if window.session is not None and window.session.demo_dir is not None:
            import shutil

            shutil.rmtree(window.session.demo_dir, ignore_errors=True)
    return code or crash.exit_code
