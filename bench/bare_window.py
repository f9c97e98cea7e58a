"""The bare baseline: a PySide6 script that shows a QMainWindow, waits for its first
paint, and quits. Prints the same marks as mesodesk's start-up bench hook."""

import resource
import sys
import time

from PySide6.QtWidgets import QApplication, QMainWindow


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):  # noqa: N802 (Qt naming)
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print(f"MARK painted {time.time()}", flush=True)
            app.quit()


app = QApplication(sys.argv)
window = Window()
window.resize(1366, 768)
window.show()
app.exec()
print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
