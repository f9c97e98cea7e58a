"""Run by test_draft_survives_a_kill.py as its own process: the real app's wizard, walked to
the medical-history page, where the questions are answered and notes typed; then on to the
lifestyle page for the clinical notes, and back to the concerns page, where the goals, the
weight and the documents' language are typed without leaving it. Prints ``TYPED`` and
waits to be killed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions
from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, LIFESTYLE

GOALS = "Λιγότερη κυτταρίτιδα <b>&</b> 🙂"
CLINICAL = "Private: <i>check</i> the bruising & ask about apixaban."
WEIGHT = "62,5"


def main(database: str, notes: str) -> None:
    app = QApplication(sys.argv[:1])
    window = MainWindow(StartOptions(location=database))
    steps = iter(["open", "concerns", "history", "type", "lifestyle", "back", "goals", "wait"])
    step = {"now": next(steps)}

    def tick() -> None:
        now = step["now"]
        wizard = window.wizard
        if now == "open" and window.usable and window.model.rowCount() > 0:
            window.table.selectRow(0)
            QTimer.singleShot(300, lambda: window.new_consultation())
            step["now"] = next(steps)
        elif now == "concerns" and wizard is not None and wizard.isVisible():
            wizard.next()  # the patient page: the existing patient, kept
            step["now"] = next(steps)
        elif now == "history" and wizard.currentId() == CONCERNS:
            wizard.page_object(CONCERNS).boxes["cellulite"].setChecked(True)
            wizard.next()
            step["now"] = next(steps)
        elif now == "type" and wizard.currentId() == HISTORY:
            page = wizard.page_object(HISTORY)
            page.answer("anticoagulants", True)
            page.no_to_rest.click()
            page.notes.setPlainText(notes)  # as typed
            wizard.next()
            step["now"] = next(steps)
        elif now == "lifestyle" and wizard.currentId() > HISTORY and wizard.currentId() < LIFESTYLE:
            wizard.next()  # the ingredients as suggested
            step["now"] = next(steps)
        elif now == "back" and wizard.currentId() == LIFESTYLE:
            wizard.page_object(LIFESTYLE).clinical_notes.setPlainText(CLINICAL)
            for _page in range(LIFESTYLE - CONCERNS):
                wizard.back()
            step["now"] = next(steps)
        elif now == "goals" and wizard.currentId() == CONCERNS:
            page = wizard.page_object(CONCERNS)
            page.goals.setPlainText(GOALS)
            page.weight.clear()
            QTest.keyClicks(page.weight, WEIGHT)  # typed: the line edit's textEdited
            page.language.setCurrentIndex(page.language.findData("el"))
            print("TYPED", flush=True)
            step["now"] = next(steps)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
