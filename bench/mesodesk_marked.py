"""mesodesk's start-up, instrumented like bare_window.py: prints 'MARK painted' when the
main window with its search box is painted, 'MARK rows' when the patient list shows its
first rows, 'MARK ready' when the toolbar's actions are enabled (database open, knowledge
base loaded), and the peak memory, then exits (MESODESK_EXIT_AFTER=ready).

    python bench/mesodesk_marked.py --db PATH
"""

import resource
import sys
import time

from mesodesk.ui import main_window

_original_init = main_window.MainWindow.__init__


def _marked_init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.painted.connect(lambda: print(f"MARK painted {time.time()}", flush=True))
    self.firstRowsShown.connect(lambda: print(f"MARK rows {time.time()}", flush=True))
    self.ready.connect(lambda: print(f"MARK ready {time.time()}", flush=True))


main_window.MainWindow.__init__ = _marked_init

from mesodesk.cli import main  # noqa: E402

code = main(["--no-crash-dialog", *sys.argv[1:]])
print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
sys.exit(code)
