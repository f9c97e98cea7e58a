"""Run by test_two_processes.py as its own process: the real main window on a database,
which saves patients through the app's own connection when told to, printing
``ACK <id>`` once each save is committed."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mesodesk.domain.records import NewPatient
from mesodesk.services.patients import create_patient
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions

SAVES = 5


def main(database: str, go_file: str) -> None:
    app = QApplication(sys.argv[:1])
    window = MainWindow(StartOptions(location=database))
    ready = {"rows": False}
    window.firstRowsShown.connect(lambda: ready.update(rows=True))

    def save(number: int) -> None:
        if number == SAVES:
            print("DONE", flush=True)
            return
        new = NewPatient(name=f"Saved by the app {number}", date_of_birth=dt.date(1980, 1, 1))

        def done(patient) -> None:
            print(f"ACK {patient.id}", flush=True)
            save(number + 1)

        window.db_runner.submit(create_patient, window.session.db, new, on_done=done)

    def poll() -> None:
        session = window.session
        if not ready["rows"] or session is None or session.kb is None:
            return  # the window is still opening the database
        if not ready.get("announced"):
            ready["announced"] = True
            print("READY", flush=True)
        if Path(go_file).exists():
            timer.stop()
            save(0)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
