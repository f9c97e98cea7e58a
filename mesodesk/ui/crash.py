"""Uncaught errors: logged to a file, shown in a dialog on the GUI thread, data kept safe.

Picard's habit: a crash handler installed at start-up, and a ``--no-crash-dialog``
switch so tests and CI get a log line and an exit code instead of a modal dialog.
Frescobaldi's habit: the dialog is only ever shown on the GUI thread; an error raised
in a worker thread is handed over through a queued signal.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from mesodesk import __version__
from mesodesk.paths import user_log_dir
from mesodesk.ui.crash_dialog import CrashDialog

log = logging.getLogger("mesodesk")

LOG_FILE_NAME = "mesodesk.log"


def log_file() -> Path:
    return user_log_dir() / LOG_FILE_NAME


def setup_logging() -> Path:
    """Log to a rotating file in the user log directory (and warnings to stderr)."""
    path = log_file()
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_mesodesk", False)]:
        if getattr(existing, "baseFilename", None) == str(path):
            return path
        root.removeHandler(existing)  # the log directory changed (a test, another home)
        existing.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._mesodesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("mesodesk").setLevel(logging.INFO)
    return path


def error_details(error_type: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> str:
    lines = traceback.format_exception(error_type, error, tb)
    header = (f"mesodesk {__version__}, Python {platform.python_version()}, "
              f"{platform.platform()}\n")
    return header + "".join(lines)


class CrashHandler(QObject):
    """Installed as ``sys.excepthook`` and ``threading.excepthook``."""

    _report = Signal(str, str)

    def __init__(self, show_dialog: bool = True, parent: QObject | None = None,
                 exit_app: Callable[[int], None] | None = None):
        super().__init__(parent)
        self.show_dialog = show_dialog
        self._exit_app = exit_app or QApplication.exit
        self.exit_code = 0
        self.dialog: CrashDialog | None = None
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = lambda hook_args: self.excepthook(
            hook_args.exc_type, hook_args.exc_value or hook_args.exc_type(), hook_args.exc_traceback)

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def report(self, error: BaseException) -> None:
        """For errors caught by a worker and handed to the GUI thread."""
        self.excepthook(type(error), error, error.__traceback__)

    def excepthook(self, error_type: type[BaseException], error: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(error_type, KeyboardInterrupt):
            self._exit_app(1)
            return
        details = error_details(error_type, error, tb)
        setup_logging()  # normally done once the window is painted; make sure of it now
        log.critical("uncaught error\n%s", details)
        summary = f"{error_type.__name__}: {error}"
        if not self.show_dialog:
            print(details, file=sys.stderr)
            self.exit_code = 1
            self._exit_app(1)
            return
        self._report.emit(summary, details)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.text.appendPlainText("\n" + details)
            self.dialog.details += "\n" + details
            return
        self.dialog = CrashDialog(summary, details, log_file(), QApplication.activeWindow())
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.rejected.connect(self._quit)
        self.dialog.show()

    @Slot()
    def _quit(self) -> None:
        self.exit_code = 1
        # Closing the windows lets an open consultation save its draft first.
        QApplication.closeAllWindows()
        self._exit_app(1)
