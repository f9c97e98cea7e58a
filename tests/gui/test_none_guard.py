"""Void Qt calls must not wear ``None`` down (shiboken6 6.12 on Python 3.11)."""

import subprocess
import sys

PROBE = """
from mesodesk.ui import none_guard; none_guard.install()
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(200_000):
    label.setText("x")
    app.processEvents()
print("alive")
"""


def test_a_long_session_of_void_qt_calls_does_not_abort():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "alive"
