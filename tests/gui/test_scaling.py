"""The first window fits a scaled screen (issue 13): 150% on a 1920×1080 laptop with a
taskbar (1280×680 logical pixels left) and 200% on a 2732×1536 screen (1366×768 logical).
Each runs in a process of its own, because Qt reads the screen at start-up."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import open_database
from tests.gui.conftest import SCREENSHOTS

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import json, sys
    from PySide6.QtWidgets import QApplication, QScrollArea
    app = QApplication([])
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions
    window = MainWindow(StartOptions(location=sys.argv[1], unencrypted=True))
    window.show()
    window.start()
    window.ready.connect(app.quit)
    window.firstRowsShown.connect(lambda: window.patient_list.table.selectRow(0))
    app.exec()
    app.processEvents()
    screen = window.screen()
    available, frame = screen.availableGeometry(), window.frameGeometry()
    window.grab().save(sys.argv[2])
    print(json.dumps({
        "ratio": screen.devicePixelRatio(),
        "available": [available.width(), available.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "sideways": [type(a).__name__ for a in window.findChildren(QScrollArea)
                     if a.isVisible() and a.horizontalScrollBar().isVisible()],
    }))
    window.close()
""")


@pytest.mark.parametrize("name, pixels, ratio", [
    ("main-window-150", (1920, 1020), 1.5),  # 1920×1080 less a 60-pixel taskbar
    ("main-window-200", (2732, 1536), 2.0),
])
def test_the_first_window_fits_a_scaled_screen(tmp_path, name, pixels, ratio) -> None:
    width, height = round(pixels[0] / ratio), round(pixels[1] / ratio)
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": pixels[0], "height": pixels[1],
        "logicalDpi": 96, "logicalBaseDpi": 96}]}), encoding="utf-8")
    db = open_database(str(tmp_path / "clinic.db"), unencrypted=True)
    for number, patient in enumerate(["Ελένη Παπαδοπούλου", "José Núñez", "Anna <b>&</b> Smith"]):
        db.patients.create(NewPatient(name=patient, date_of_birth=dt.date(1980 + number, 4, 12),
                                      phone=f"+30 210 000 000{number}"))
    db.close()
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "QT_SCALE_FACTOR": str(ratio),
           "MESODESK_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "clinic.db"), str(shot)],
                            cwd=REPO, env=env, text=True, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["ratio"] == ratio and seen["available"] == [width, height]
    x, y, frame_width, frame_height = seen["frame"]
    assert x >= 0 and y >= 0 and x + frame_width <= width and y + frame_height <= height, seen
    assert seen["minimum"][0] <= width and seen["minimum"][1] <= height, seen
    assert seen["sideways"] == [], seen
    assert shot.stat().st_size > 0
