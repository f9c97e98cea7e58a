"""Garbage collection on the GUI thread only.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed. If that is a worker thread and the cycle holds a Qt widget, the
widget is destroyed off the GUI thread and the process crashes. The well-known remedy
(used by Qt applications with worker threads): switch automatic collection off and
collect from a timer on the GUI thread, with the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

INTERVAL_MS = 500

_installed: list[GuiThreadCollector] = []


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
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


def install() -> GuiThreadCollector | None:
    """Once per application; call from the GUI thread after QApplication exists."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _installed and _installed[0].parent() is app:
        return _installed[0]
    collector = GuiThreadCollector(app)
    _installed[:] = [collector]
    return collector
