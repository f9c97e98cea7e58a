"""The plan PDF (treatment plan + consent summary) against a bare reportlab document
of the same pages, made through reportlab's public API only (SimpleDocTemplate and
Paragraph) with the same embedded font. Budget: at most 3.0x."""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, report  # noqa: E402

REPEATS = 15
BUDGET = 3.0  # plan + consent PDF, times the bare document


def _page_texts(pdf: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    return [[line for line in page.extract_text().splitlines() if line.strip()]
            for page in PdfReader(io.BytesIO(pdf)).pages]


def _bare_document(pages: list[list[str]]) -> bytes:
    """The same text, page for page, as plain paragraphs in the same font: no tables,
    boxes, lists, headers or footers."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    fonts = {"BareDejaVu": "DejaVuSans.ttf", "BareDejaVuBold": "DejaVuSans-Bold.ttf",
             "BareDejaVuItalic": "DejaVuSans-Oblique.ttf"}
    if "BareDejaVu" not in pdfmetrics.getRegisteredFontNames():  # parsed once, as the plan's are
        for name, file in fonts.items():
            pdfmetrics.registerFont(TTFont(name, str(ROOT / "resources" / "fonts" / file)))
    # The same three faces the plan embeds: headings bold, notes italic, the rest regular.
    styles = [ParagraphStyle(name, fontName=name, fontSize=9.5, leading=13) for name in fonts]
    story = []
    for lines in pages:
        # Wrapped lines joined back into paragraphs of a few lines each.
        chunks = [" ".join(lines[i:i + 4]) for i in range(0, len(lines), 4)]
        story += [Paragraph(escape(chunk), styles[n % 3]) for n, chunk in enumerate(chunks)]
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(story[:-1])
    return buffer.getvalue()


def _median_times(*makes) -> list[float]:
    """The median time of each, run in turn round after round: a load that comes and
    goes on a shared machine then falls on all of them alike."""
    for make in makes:
        make()  # warm-up: font parsing and module imports are paid once per process
    times: list[list[float]] = [[] for _ in makes]
    for _ in range(REPEATS):
        for make, taken in zip(makes, times, strict=True):
            started = time.perf_counter()
            make()
            taken.append(time.perf_counter() - started)
    return [statistics.median(taken) for taken in times]


def main() -> bool:
    from mesodesk.domain.document import parse_consultation
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.domain.screening import screen
    from mesodesk.reports import render_plan

    kb = default_knowledge()
    data = json.loads((ROOT / "resources" / "examples" / "format-example.json").read_text(encoding="utf-8"))
    doc = parse_consultation(data, kb)
    result = screen(doc, kb)
    pages = _page_texts(render_plan(doc, result, kb))
    plan, bare = _median_times(lambda: render_plan(doc, result, kb), lambda: _bare_document(pages))
    bare_pages = len(_page_texts(_bare_document(pages)))
    assert bare_pages == len(pages), (bare_pages, len(pages))
    return report(f"plan PDF ({len(pages)} pages) vs bare reportlab, same text and pages", plan, bare,
                  BUDGET)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
