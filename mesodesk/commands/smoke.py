"""``mesodesk --smoke-test``: prove that this installation works end to end.

Run by CI against the frozen bundle, with no Python environment on the path. In a
temporary directory it creates a database and runs its migrations, imports a bundled
example with a Greek patient name, screens it, renders its PDF and finds the name in the
PDF's text, renders the first page through QtPdf, and opens the main window offscreen
until the patient list shows its rows. Exit 0, or 1 with the step that failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from mesodesk.exit_codes import EXIT_FAILURE, EXIT_OK

EXAMPLE = "localized-fat-soy.json"
WINDOW_TIMEOUT_MS = 30_000


class SmokeFailure(Exception):
    pass


def _normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def _database_and_example(workdir: Path):
    from mesodesk.commands.clinical import knowledge, load_document
    from mesodesk.paths import examples_dir
    from mesodesk.services import documents, records
    from mesodesk.store.base import SCHEMA_HEAD

    from mesodesk.store.keys import new_raw_key

    # Encrypted (SQLCipher in the bundle) with a key that lives as long as the check: the
    # machine's key store is not the bundle's to test, nor to fill with temporary entries.
    db = records.open_records(str(workdir / "smoke.db"), new_raw_key())
    _check(db.schema_revision == SCHEMA_HEAD,
           f"the schema is at {db.schema_revision}, not {SCHEMA_HEAD}, after migrating")
    kb = knowledge()
    doc = load_document(examples_dir() / EXAMPLE, kb)
    record = documents.import_document(db, doc, actor="smoke-test").record
    _check(db.consultations.get(record.id).document == doc, "the stored consultation differs")
    _check(any(ord(ch) > 0x370 for ch in doc.patient.name), "the example has no Greek name")
    return db, kb, doc


def _pdf(db, kb, doc) -> bytes:
    from mesodesk.services import Blocked, plans

    try:
        return plans.render(doc, kb, db.settings.get())
    except Blocked as blocked:
        raise SmokeFailure(f"the example is blocked: {blocked}") from None


def _qt_pdf_checks(pdf: bytes, name: str) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QColor
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    _check(document.status() == QPdfDocument.Status.Ready, f"QtPdf cannot load the PDF ({document.error()})")
    text = _normalized(" ".join(document.getAllText(page).text() for page in range(document.pageCount())))
    _check(_normalized(name) in text, "the patient's name is not in the PDF's text")
    image = document.render(0, QSize(595, 842))
    _check(not image.isNull(), "QtPdf rendered no image of page 1")
    white = QColor("white").rgb()
    inked = sum(1 for y in range(0, image.height(), 6) for x in range(0, image.width(), 6)
                if image.pixel(x, y) != white)
    _check(inked > 50, "page 1 renders blank")
    document.close()


def _main_window(database: Path, key: str | None) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(StartOptions(location=str(database), passphrase=key))
    loop = QEventLoop()
    outcome: dict[str, str] = {}
    window.firstRowsShown.connect(lambda: (outcome.setdefault("ok", "rows"), loop.quit()))
    window.openFailed.connect(lambda text: (outcome.setdefault("error", text), loop.quit()))
    QTimer.singleShot(WINDOW_TIMEOUT_MS, loop.quit)
    window.show()
    loop.exec()
    window.close()
    app.processEvents()
    _check("error" not in outcome, f"the main window could not open the database: {outcome.get('error')}")
    _check("ok" in outcome, "the main window showed no patients within 30 seconds")


def smoke_test(_args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="mesodesk-smoke-") as workdir:
        os.environ["MESODESK_HOME"] = workdir  # nothing touches the user's real data
        state: dict = {}
        steps: list[tuple[str, Callable[[], None]]] = [
            ("database created and migrated; example imported",
             lambda: state.update(zip(("db", "kb", "doc"), _database_and_example(Path(workdir))))),
            ("screened and rendered the plan PDF", lambda: state.update(pdf=_pdf(state["db"], state["kb"], state["doc"]))),
            ("QtPdf found the Greek name and rendered page 1",
             lambda: _qt_pdf_checks(state["pdf"], state["doc"].patient.name)),
            ("main window opened offscreen and listed the patient",
             lambda: (state["db"].close(), _main_window(Path(workdir) / "smoke.db",
                                                        state["db"].location.passphrase))),
        ]
        for label, step in steps:
            try:
                step()
            except SmokeFailure as failure:
                print(f"smoke test FAILED: {label}: {failure}", file=sys.stderr)
                return EXIT_FAILURE
            except Exception as error:  # noqa: BLE001 - any failure is the answer here
                print(f"smoke test FAILED: {label}: {type(error).__name__}: {error}", file=sys.stderr)
                return EXIT_FAILURE
            print(f"ok  {label}")
    print("smoke test passed")
    return EXIT_OK
