"""Run by test_draft_survives_a_kill.py as its own process: the real app's wizard, walked to
the medical-history page, where notes are typed; prints ``TYPED`` and waits to be killed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions
from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY


def main(database: str, notes: str) -> None:
    app = QApplication(sys.argv[:1])
    window = MainWindow(StartOptions(location=database))
    steps = iter(["open", "concerns", "history", "type", "wait"])
    step = {"now": next(steps)}

    def tick() -> None:
        now = step["now"]
        if now == "open" and window.usable and window.model.rowCount() > 0:
            window.table.selectRow(0)
            QTimer.singleShot(300, lambda: window.new_consultation())
            step["now"] = next(steps)
        elif now == "concerns" and window.wizard is not None and window.wizard.isVisible():
            window.wizard.next()  # the patient page: the existing patient, kept
            step["now"] = next(steps)
        elif now == "history" and window.wizard.currentId() == CONCERNS:
            window.wizard.page_object(CONCERNS).boxes["cellulite"].setChecked(True)
            window.wizard.next()
            step["now"] = next(steps)
        elif now == "type" and window.wizard.currentId() == HISTORY:
            window.wizard.page_object(HISTORY).notes.setPlainText(notes)  # as typed
            print("TYPED", flush=True)
            step["now"] = next(steps)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
