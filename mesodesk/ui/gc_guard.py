"""Garbage collection on the GUI thread only.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed. If that is a worker thread and the cycle holds a Qt widget, the
widget is destroyed off the GUI thread and the process crashes. The well-known remedy
(used by Qt applications with worker threads): switch automatic collection off and
collect from a timer on the GUI thread, with the same generation thresholds.

``install()`` is called once, by ``run_app`` when the app starts; ``uninstall()`` gives
the process its automatic collection back (when the app has quit, and for tests).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @Slot()
    def check(self) -> None:
        first, second, third = gc.get_count()
        if first > self.threshold[0]:
            gc.collect(0)
            if second > self.threshold[1]:
                gc.collect(1)
                if third > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        self.timer.stop()
        if self.was_enabled:
            gc.enable()


_collector: GuiThreadCollector | None = None


def installed() -> GuiThreadCollector | None:
    return _collector


def install() -> GuiThreadCollector | None:
    """Once per application; call from the GUI thread after QApplication exists."""
    global _collector
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _collector is not None:
        try:
            if _collector.parent() is app:
                return _collector
        except RuntimeError:  # the application it belonged to is gone
            pass
        uninstall()
    _collector = GuiThreadCollector(app)
    return _collector


def uninstall() -> None:
    """Collection back to automatic, as before ``install()``."""
    global _collector
    collector, _collector = _collector, None
    if collector is None:
        return
    try:
        collector.stop()
        collector.deleteLater()
    except RuntimeError:  # its application is gone, and the timer with it
        if collector.was_enabled:
            gc.enable()
