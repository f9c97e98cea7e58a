"""The PDF pane: printing renders and paints one page at a time in a worker and honours
the print dialog's page range; saving leaves no temporary file behind when it fails."""

from __future__ import annotations

import io
import json
import os

import pypdf
import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.screening import screen
from mesodesk.paths import examples_dir
from mesodesk.reports import render_plan
from mesodesk.ui.preview import PreviewWindow, pages_to_print
from mesodesk.ui.workers import Runner

from .conftest import SCREEN, TIMEOUT, screenshot


@pytest.fixture(scope="module")
def plan_pdf() -> bytes:
    from mesodesk.domain.knowledge import default_knowledge

    kb = default_knowledge()
    data = json.loads((examples_dir() / "format-example.json").read_text(encoding="utf-8"))
    doc = parse_consultation(data, kb)
    return render_plan(doc, screen(doc, kb), kb)


@pytest.fixture
def pane(qtbot, plan_pdf):
    runner = Runner("work", None)
    window = PreviewWindow(plan_pdf, "Plan", "plan", runner)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    yield window.pane
    runner.wait(TIMEOUT)


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(100)
    return printer


def printed_pages(path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_printing_renders_and_paints_one_page_at_a_time_off_the_gui_thread(qtbot, pane, tmp_path,
                                                                         monkeypatch):
    events: list[str] = []
    gui_thread = QApplication.instance().thread()
    render, draw = QPdfDocument.render, QPainter.drawImage

    def rendering(document, page, size, *args):
        events.append(f"render {page}" + (" on the GUI thread" if QThread.currentThread()
                                          is gui_thread else ""))
        return render(document, page, size, *args)

    def drawing(painter, *args):
        events.append("draw")
        return draw(painter, *args)

    monkeypatch.setattr(QPdfDocument, "render", rendering)
    monkeypatch.setattr(QPainter, "drawImage", drawing)
    count = pane.document.pageCount()
    assert count >= 3
    printed = tmp_path / "printed.pdf"
    pane.print_to(pdf_printer(printed))
    qtbot.waitUntil(lambda: "Sent" in pane.message.text(), timeout=TIMEOUT)
    monkeypatch.undo()
    assert pane.message.text() == f"Sent {count} pages to the printer."
    # Each page is painted before the next is rendered: one page image at a time.
    assert events == [e for page in range(count) for e in (f"render {page}", "draw")]
    assert len(printed_pages(printed)) == count
    screenshot(pane.window(), "preview-printed")


def test_printing_honours_the_page_range(qtbot, pane, tmp_path, monkeypatch):
    rendered: list[int] = []
    render = QPdfDocument.render

    def rendering(document, page, size, *args):
        rendered.append(page)
        return render(document, page, size, *args)

    monkeypatch.setattr(QPdfDocument, "render", rendering)
    printer = pdf_printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    pane.print_to(printer)
    qtbot.waitUntil(lambda: "Sent" in pane.message.text(), timeout=TIMEOUT)
    monkeypatch.undo()
    assert pane.message.text() == "Sent 2 pages to the printer."
    assert rendered == [1, 2]  # pages 2 and 3, and no other
    assert len(printed_pages(tmp_path / "range.pdf")) == 2


@pytest.mark.parametrize(("print_range", "first", "last", "order", "current", "expected"), [
    (QPrinter.PrintRange.AllPages, 0, 0, QPrinter.PageOrder.FirstPageFirst, 0, [0, 1, 2, 3, 4]),
    (QPrinter.PrintRange.PageRange, 2, 4, QPrinter.PageOrder.FirstPageFirst, 0, [1, 2, 3]),
    (QPrinter.PrintRange.PageRange, 4, 9, QPrinter.PageOrder.FirstPageFirst, 0, [3, 4]),
    (QPrinter.PrintRange.PageRange, 2, 3, QPrinter.PageOrder.LastPageFirst, 0, [2, 1]),
    (QPrinter.PrintRange.CurrentPage, 0, 0, QPrinter.PageOrder.FirstPageFirst, 3, [3]),
])
def test_pages_to_print(qtbot, print_range, first, last, order, current, expected):
    printer = QPrinter()
    printer.setPrintRange(print_range)
    if first:
        printer.setFromTo(first, last)
    printer.setPageOrder(order)
    assert pages_to_print(printer, 5, current) == expected


def test_a_save_that_fails_leaves_no_temporary_file(qtbot, pane, tmp_path, monkeypatch):
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert not pane.save_to(target)
    monkeypatch.undo()
    assert "No space left on device" in pane.message.text()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]
    screenshot(pane.window(), "preview-save-failed")
