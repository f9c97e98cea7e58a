"""Uncaught errors: logged to a file, shown in a dialog on the GUI thread, data kept safe.

Picard's habit: a crash handler installed at start-up, and a ``--no-crash-dialog``
switch so tests and CI get a log line and an exit code instead of a modal dialog.
Frescobaldi's habit: the dialog is only ever shown on the GUI thread; an error raised
in a worker thread is handed over through a queued signal.

Logs and crash reports carry no patient data: a name, a note or a document's text can
hide in an error's message (a store error quotes the value it refused, an ``OSError``
the file named after the patient). So every log record made once the handler is
installed (``protect_logs``) shows an exception as its type (an ``OSError`` with its
errno) and its traceback as frames of code only; the crash report (the log, the
"Copy details" text, stderr) is built the same way. The log file and its folder are
owner-only (0600, 0700).
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication

from mesodesk import __version__
from mesodesk.paths import PRIVATE_FILE_MODE, make_private_dir, user_log_dir
from mesodesk.ui.crash_dialog import CrashDialog

log = logging.getLogger("mesodesk")

LOG_FILE_NAME = "mesodesk.log"


def log_file() -> Path:
    return user_log_dir() / LOG_FILE_NAME


def setup_logging() -> Path:
    """Log to a rotating file in the user log directory (and warnings to stderr)."""
    protect_logs()
    path = log_file()
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_mesodesk", False)]:
        if getattr(existing, "baseFilename", None) == str(path):
            return path
        root.removeHandler(existing)  # the log directory changed (a test, another home)
        existing.close()
    try:
        make_private_dir(path.parent)
        _private_log(path)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.rotator = _rotate_privately  # type: ignore[attr-defined]
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._mesodesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("mesodesk").setLevel(logging.INFO)
    return path


def _private_log(path: Path) -> None:
    """The log file owner-only before the handler opens it (it appends to what is there)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, PRIVATE_FILE_MODE)  # an older log, or a wide umask
    finally:
        os.close(descriptor)


def _rotate_privately(source: str, destination: str) -> None:
    """``RotatingFileHandler.rotator``: move the full log aside, then make the new one
    owner-only before the handler opens it."""
    if os.path.exists(source):
        os.replace(source, destination)
    _private_log(Path(source))


# -- no patient data in a log record ----------------------------------------------------------

WITHHELD = "message withheld: it may hold patient data"


def error_label(error: BaseException) -> str:
    """An error as a log may show it: its type, and an ``OSError``'s errno; never its
    message, nor a field or file it names (an export's file is named after the patient):
    ``mesodesk.services.errors.InvalidInput``, ``FileNotFoundError (ENOENT)``."""
    kind = type(error)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"
    if isinstance(error, OSError) and isinstance(error.errno, int):
        return f"{name} ({errno.errorcode.get(error.errno, error.errno)})"
    return name


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def private_traceback(error: BaseException, tb: TracebackType | None = None) -> str:
    """The traceback as Python prints it (causes and contexts first), with each error's
    message replaced by its ``error_label``: code and line numbers, never values."""
    lines: list[str] = []
    seen: set[int] = set()

    def add(current: BaseException, current_tb: TracebackType | None) -> None:
        seen.add(id(current))
        cause, context = current.__cause__, current.__context__
        if cause is not None and id(cause) not in seen:
            add(cause, cause.__traceback__)
            lines.append(_CAUSE)
        elif (context is not None and not current.__suppress_context__
              and id(context) not in seen):
            add(context, context.__traceback__)
            lines.append(_CONTEXT)
        if current_tb is not None:
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(current_tb))
        lines.append(f"{error_label(current)}: [{WITHHELD}]\n")

    add(error, tb if tb is not None else error.__traceback__)
    return "".join(lines)


class _Withheld:
    """Stands in a log record for an error: ``%s`` and ``%r`` both give its label."""

    __slots__ = ("label",)

    def __init__(self, error: BaseException):
        self.label = error_label(error)

    def __str__(self) -> str:
        return self.label

    __repr__ = __str__


def _withhold(value: Any) -> Any:
    return _Withheld(value) if isinstance(value, BaseException) else value


_original_factory: Callable[..., logging.LogRecord] | None = None


def protect_logs() -> None:
    """From now on, every log record (any logger, any handler, pytest's too) shows errors
    by ``error_label`` and tracebacks by ``private_traceback``. Idempotent."""
    global _original_factory
    if _original_factory is not None:
        return
    _original_factory = original = logging.getLogRecordFactory()

    def private_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        if isinstance(record.msg, BaseException):
            record.msg = error_label(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_withhold(value) for value in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: _withhold(value) for key, value in record.args.items()}
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters use exc_text as it is when it is set.
            record.exc_text = private_traceback(record.exc_info[1], record.exc_info[2]).rstrip("\n")
        return record

    logging.setLogRecordFactory(private_record)


def error_details(error_type: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> str:
    """The crash report: versions and the traceback, without any error's message."""
    header = (f"mesodesk {__version__}, Python {platform.python_version()}, "
              f"{platform.platform()}\n")
    return header + private_traceback(error, tb)


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
        protect_logs()  # before the window logs anything
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
        summary = error_label(error)  # a screenshot of the dialog is a crash report too
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
