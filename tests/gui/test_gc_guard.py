"""Garbage collection on the GUI thread: installed once by the app's start, not by a window,
and given back through the public ``uninstall``."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from mesodesk.ui import gc_guard
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions

REPO = Path(__file__).resolve().parents[2]


def test_a_main_window_leaves_garbage_collection_alone(qtbot, db_path):
    gc_guard.uninstall()  # this package's fixture installed it, as the app does
    try:
        assert gc.isenabled()
        window = MainWindow(StartOptions(location=str(db_path)))
        qtbot.addWidget(window)
        assert gc.isenabled() and gc_guard.installed() is None
    finally:
        gc_guard.install()


def test_install_once_and_uninstall_gives_automatic_collection_back(qapp):
    gc_guard.uninstall()
    try:
        assert gc.isenabled()
        collector = gc_guard.install()
        assert collector is not None and gc_guard.install() is collector  # once per application
        assert not gc.isenabled() and collector.timer.isActive()
        gc_guard.uninstall()
        assert gc.isenabled() and gc_guard.installed() is None
        gc_guard.uninstall()  # twice is harmless
        assert gc.isenabled()
    finally:
        gc_guard.install()


def test_the_app_installs_it_when_it_starts(tmp_path):
    script = textwrap.dedent(f"""
        import gc
        from mesodesk.ui import gc_guard, main_window
        seen = {{}}
        original = main_window.MainWindow.__init__
        def init(self, *args, **kwargs):
            seen["gc enabled"] = gc.isenabled()
            seen["installed"] = gc_guard.installed() is not None
            original(self, *args, **kwargs)
        main_window.MainWindow.__init__ = init
        from mesodesk.cli import main
        code = main(["--db", {str(tmp_path / "clinic.db")!r}, "--no-crash-dialog"])
        assert code == 0, code
        assert seen == {{"gc enabled": False, "installed": True}}, seen
        assert gc.isenabled() and gc_guard.installed() is None  # given back when the app quit
        print("ok")
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MESODESK_EXIT_AFTER": "painted",
           "MESODESK_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("ok")
