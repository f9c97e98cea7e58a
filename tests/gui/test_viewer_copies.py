""""Open in viewer" and printing leave no plain copy of a patient's PDF behind (issue 11,
item 3): the viewer's copy is owner-only in a private folder, not in the shared temporary
folder, and that folder is emptied when the app quits and at the next start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from mesodesk.paths import make_private_dir, remove_viewer_copies, viewer_copies_dir
from mesodesk.ui.preview import PreviewWindow, safe_file_name

from .conftest import TIMEOUT

REPO = Path(__file__).resolve().parents[2]
NAME = "Ζωή ΜΑΡΚΕΡ-7731 <b>&"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temporary_files() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


@pytest.fixture(scope="module")
def plan_pdf() -> bytes:
    import json

    from mesodesk.domain.document import parse_consultation
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.domain.screening import screen
    from mesodesk.paths import examples_dir
    from mesodesk.reports import render_plan

    kb = default_knowledge()
    data = json.loads((examples_dir() / "format-example.json").read_text(encoding="utf-8"))
    doc = parse_consultation(data, kb)
    return render_plan(doc, screen(doc, kb), kb)


@pytest.fixture
def pane(qtbot, plan_pdf):
    window = PreviewWindow(plan_pdf, "Plan", safe_file_name(NAME))
    qtbot.addWidget(window)
    window.show()
    yield window.pane


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_open_in_viewer_writes_an_owner_only_copy_in_the_private_folder(pane, plan_pdf,
                                                                        monkeypatch, umask):
    opened = []
    monkeypatch.setattr("mesodesk.ui.preview.QDesktopServices.openUrl",
                        lambda url: opened.append(url) or True)
    before = temporary_files()
    previous = os.umask(umask)
    try:
        pane.open_externally()
    finally:
        os.umask(previous)
    assert len(opened) == 1
    copy = Path(opened[0].toLocalFile())
    assert copy.parent == viewer_copies_dir() / str(os.getpid())
    assert copy.name == safe_file_name(NAME) + ".pdf" and copy.read_bytes() == plan_pdf
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
    assert mode(viewer_copies_dir()) == 0o700
    assert not pane.message.isVisible() or "could not" not in pane.message.text()
    assert temporary_files() - before == set()  # nothing in the shared temporary folder
    assert remove_viewer_copies(at_start=False) == [copy.parent]
    assert not copy.exists()


def test_printing_writes_no_copy_of_the_pdf(qtbot, pane, tmp_path):
    before = temporary_files()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer-output.pdf"))  # stands for the printer
    printer.setResolution(72)
    pane.print_to(printer)
    qtbot.waitUntil(lambda: pane.print_action.isEnabled(), timeout=TIMEOUT)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["printer-output.pdf"]
    assert not viewer_copies_dir().exists()
    assert temporary_files() - before == set()


def test_no_viewer_copy_is_left_after_quitting_and_a_crash_is_cleaned_at_start(
        tmp_path, _isolated_home):
    """The real app: a copy left by a run that was killed goes at start; the copy made
    while it runs goes when it quits."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    crashed = make_private_dir(viewer_copies_dir() / dead)
    (crashed / "Ελένη.pdf").write_bytes(b"%PDF")
    script = textwrap.dedent("""
        import sys, types
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])
        from mesodesk.ui.app import run_app
        from mesodesk.ui.preview import PdfPane

        def open_in_viewer():
            pane = PdfPane(b"%PDF-1.4\\n", sys.argv[2])
            print("COPY", pane.write_viewer_copy(), flush=True)

        QTimer.singleShot(0, open_in_viewer)
        sys.exit(run_app(types.SimpleNamespace(db=sys.argv[1], passphrase_file=None,
                                               demo=False, no_crash_dialog=True)))
    """)
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MESODESK_EXIT_AFTER": "ready",
                   "MESODESK_HOME": str(_isolated_home)}
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "clinic.db"), NAME],
                            cwd=REPO, env=environment, text=True, capture_output=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    copies = [Path(line[5:]) for line in result.stdout.splitlines() if line.startswith("COPY ")]
    assert len(copies) == 1 and copies[0].parent.parent == viewer_copies_dir()
    assert not copies[0].exists()  # removed at quit
    assert not crashed.exists()    # removed at start
    assert list(viewer_copies_dir().iterdir()) == []
