"""Background work with results delivered on the GUI thread.

Anki's pattern: an operation runs in a worker; its success or failure callback runs on
the GUI thread, reached through a queued signal. A worker never touches a widget.

Two runners exist in the app:

- ``db``: one thread, so database calls run one after another in the order they were
  asked for (a draft saved twice never races itself, and nothing needs a lock);
- ``work``: several threads, for CPU-bound work such as rendering a PDF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ErrorHandler = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, the GUI thread's slots receive."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject, on_done: Callable[[Any], None],
                 on_error: Callable[[BaseException], None]):
        super().__init__(parent)
        self._on_done, self._on_error = on_done, on_error
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._fail, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, result: Any) -> None:
        self._on_done(result)

    @Slot(object)
    def _fail(self, error: BaseException) -> None:
        self._on_error(error)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._kwargs, self._relay = fn, args, kwargs, relay

    def run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as error:  # reported on the GUI thread, never swallowed
            self._relay.failed.emit(error)
        else:
            self._relay.done.emit(result)


class Runner(QObject):
    """Runs callables off the GUI thread and calls back on it.

    ``busyChanged(bool)`` tells the status bar when to show its busy indicator.
    An error without an ``on_error`` callback goes to ``default_error_handler``
    (the crash dialog in the app), so nothing fails silently.
    """

    busyChanged = Signal(bool)

    default_error_handler: ErrorHandler | None = None

    def __init__(self, name: str, max_threads: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.pool = QThreadPool(self)
        if max_threads is not None:
            self.pool.setMaxThreadCount(max_threads)
            if max_threads == 1:
                # Keep the one thread alive so a database connection bound to it stays valid.
                self.pool.setExpiryTimeout(-1)
        self._pending: set[_Relay] = set()
        self._silent = False

    def silence(self) -> None:
        """Drop the callbacks of work still in flight (the window that asked is gone)."""
        self._silent = True

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(self, fn: Callable[..., Any], *args: Any,
               on_done: Callable[[Any], None] | None = None,
               on_error: ErrorHandler | None = None, **kwargs: Any) -> None:
        was_busy = self.busy

        def finish(relay: _Relay) -> None:
            self._pending.discard(relay)
            relay.deleteLater()
            if not self.busy:
                self.busyChanged.emit(False)

        def done(result: Any) -> None:
            finish(relay)
            if self._silent:
                return
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            finish(relay)
            if self._silent:
                log.warning("%s task failed after closing: %r", self.name, error)
                return
            handler = on_error or Runner.default_error_handler
            if handler is None:
                log.error("%s task failed", self.name, exc_info=error)
                raise error
            handler(error)

        relay = _Relay(self, done, failed)
        self._pending.add(relay)
        self.pool.start(_Task(fn, args, kwargs, relay))
        if not was_busy:
            self.busyChanged.emit(True)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the queued work is done (used when closing)."""
        return self.pool.waitForDone(msecs)
