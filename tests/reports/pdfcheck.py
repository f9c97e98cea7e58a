"""Reading a PDF back for the tests: its text (all of it, or only the text frame),
its fonts and images, and its pages rendered to images with QtPdf."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from mesodesk.reports.layout import (
    FOOTER_BASELINE,
    HEADER_BASELINE,
    HEADER_DETAILS_BASELINE,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    SAFE_MARGIN,
)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in reader(pdf).pages]


def full_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def squash(text: str) -> str:
    """Whitespace removed: line wrapping and page breaks cannot hide a lost character."""
    return re.sub(r"\s+", "", text)


def one_line(text: str) -> str:
    """Lines joined with single spaces; a line that ends in a hyphen was broken at the
    hyphen (``off-`` / ``label``), so it joins without one."""
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)-\n(?=\w)", "-", text))


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    size: float  # effective font size in points


def text_runs(pdf: bytes) -> list[list[Run]]:
    """Every piece of text with its position and effective size, page by page."""
    pages = []
    for page in reader(pdf).pages:
        runs: list[Run] = []

        def visit(text, cm, tm, font_dict, font_size, runs=runs):
            if not text.strip():
                return
            a, b, c, d, e, f = cm
            x = tm[4] * a + tm[5] * c + e
            y = tm[4] * b + tm[5] * d + f
            scale = (abs(tm[3] * d) or abs(tm[0] * a) or 1.0)
            runs.append(Run(text, x, y, font_size * scale))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def is_decor(run: Run, page_height: float) -> bool:
    """A run on the running header's or the footer's baseline."""
    return (abs(run.y - (page_height - HEADER_BASELINE)) < 0.5
            or abs(run.y - (page_height - HEADER_DETAILS_BASELINE)) < 0.5
            or abs(run.y - FOOTER_BASELINE) < 0.5)


def body_runs(pdf: bytes) -> list[list[Run]]:
    """Per page, the text of the text frame only (no running header, no footer)."""
    page_height = float(reader(pdf).pages[0].mediabox.height)
    return [[run for run in runs if not is_decor(run, page_height)] for runs in text_runs(pdf)]


def body_text(pdf: bytes) -> str:
    """The text inside the text frame only, in order."""
    return "\n".join(run.text for runs in body_runs(pdf) for run in runs)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def fonts_embedded(pdf: bytes) -> bool:
    for page in reader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                return False
    return True


def image_count(pdf: bytes, page_index: int) -> int:
    page = reader(pdf).pages[page_index]
    objects = page["/Resources"].get("/XObject", {})
    return sum(1 for x in objects.values() if x.get_object().get("/Subtype") == "/Image")


# -- rendering with QtPdf ----------------------------------------------------------------

DPI = 96
WHITE_ENOUGH = 245  # anti-aliasing leaves faint grey next to ink; paper is 255


@dataclass(frozen=True)
class Ink:
    page: int
    side: str
    darkest: int


def render_pages(pdf_path: Path, dpi: int = DPI):
    """Each page as a greyscale QImage (needs a Q(Gui)Application)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    error = document.load(str(pdf_path))
    assert error == QPdfDocument.Error.None_, f"QtPdf cannot open {pdf_path}: {error}"
    images = []
    for index in range(document.pageCount()):
        points = document.pagePointSize(index)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        image = document.render(index, size)
        # Rendered pages are transparent where nothing is drawn: put them on white paper.
        paper = QImage(size, QImage.Format.Format_ARGB32)
        paper.fill(0xFFFFFFFF)
        from PySide6.QtGui import QPainter

        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        images.append(paper.convertToFormat(QImage.Format.Format_Grayscale8))
    document.close()
    return images


def ink_outside_margins(images, dpi: int = DPI) -> list[Ink]:
    """Where anything darker than paper is drawn in the margins of each page.

    Left and right: nothing beyond the text margins (header and footer rules stop
    there too). Top and bottom: nothing within SAFE_MARGIN of the edge. One pixel is
    left for anti-aliasing at the boundary.
    """
    found = []
    side_band = int(LEFT_MARGIN * dpi / 72) - 1
    right_band = int(RIGHT_MARGIN * dpi / 72) - 1
    edge_band = int(SAFE_MARGIN * dpi / 72) - 1
    for number, image in enumerate(images, start=1):
        width, height, stride = image.width(), image.height(), image.bytesPerLine()
        bits = bytes(image.constBits())
        rows = [bits[y * stride:y * stride + width] for y in range(height)]
        regions = {
            "top": b"".join(rows[:edge_band]),
            "bottom": b"".join(rows[height - edge_band:]),
            "left": b"".join(row[:side_band] for row in rows),
            "right": b"".join(row[width - right_band:] for row in rows),
        }
        for side, pixels in regions.items():
            darkest = min(pixels)
            if darkest < WHITE_ENOUGH:
                found.append(Ink(number, side, darkest))
    return found


def ink_inside(image) -> bool:
    return min(bytes(image.constBits())) < 128
