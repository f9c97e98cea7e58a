"""How it is laid out: long notes over several pages with nothing lost, tables that
split with their header, nothing drawn in the margins (rendered with QtPdf), paper
sizes, and the same bytes for the same consultation."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from mesodesk.domain.records import ClinicSettings
from mesodesk.reports.layout import SAFE_MARGIN
from mesodesk.reports.words import long_date
from tests.reports.conftest import CLINIC, PRINTABLE
from tests.reports.pdfcheck import (
    body_runs,
    body_text,
    ink_inside,
    ink_outside_margins,
    page_texts,
    reader,
    render_pages,
    squash,
)
from tests.reports.samples import LONG_WORD, logo_png, stress_document, token_notes

REPO = Path(__file__).resolve().parents[2]


# -- nothing lost -----------------------------------------------------------------------

def test_twenty_thousand_characters_of_notes_fill_several_pages_with_nothing_lost(stress):
    notes = stress.doc.notes
    assert len(notes) == 20_000
    pages = page_texts(stress.pdf)
    notes_pages = [i for i, text in enumerate(pages) if "n01000" in text or "n02000" in text]
    assert len(pages) >= 10 and len(notes_pages) == 2 and notes_pages[0] != notes_pages[1]

    body = body_text(stress.pdf)
    # Every character of the notes, in order: whitespace aside, the notes are one
    # unbroken run of the text frame's contents.
    assert squash(notes) in squash(body)
    # And token by token, in order (a dropped line would break the sequence).
    _text, tokens = token_notes()
    position = 0
    for token in tokens:
        found = body.find(token, position)
        assert found >= 0, f"{token} is missing or out of order"
        position = found
    assert LONG_WORD in squash(body)


def test_the_notes_reach_the_page_after_the_plan_and_before_the_consent(stress):
    pages = page_texts(stress.pdf)
    first_notes = next(i for i, t in enumerate(pages) if "n00001" in t)
    last_notes = next(i for i, t in enumerate(pages) if "n02698" in t)
    consent = next(i for i, t in enumerate(pages) if "Consent summary\nA summary" in t)
    assert "Notes from your consultation" in pages[first_notes]
    assert first_notes < last_notes < consent


def test_a_long_course_repeats_its_table_header_on_every_page(render):
    rendered = render("skin-rejuvenation.json",
                      courses=[{"concern": "skin-rejuvenation", "sessions": 90, "interval_days": 7,
                                "start_date": "2026-11-26"}])
    pages = page_texts(rendered.pdf)
    sessions = rendered.result.courses[0].sessions

    with_rows = [i for i, text in enumerate(pages)
                 if any(f"\n{s.number}\n{long_date(s.date)}\n" in text for s in sessions)]
    assert len(with_rows) >= 2, "90 sessions do not fit on one page"
    for index in with_rows:
        assert re.search(r"Session\nDate\nDay\n", pages[index]), f"page {index + 1} has no header"
    text = "\n".join(pages)
    for session in sessions:
        assert f"\n{session.number}\n{long_date(session.date)}\n" in text


@pytest.mark.parametrize("language", ["en", "el"])  # Greek is longer: pages break elsewhere
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_heading_or_an_introduction_never_ends_a_page(stress, render, paper, language):
    from mesodesk.reports.styles import BODY_SIZE

    pdfs = {"stress": render(stress_document(), paper=paper, language=language).pdf}
    pdfs.update({name: render(name, paper=paper, language=language).pdf for name in PRINTABLE})
    # A course longer than a page: the group its heading and introduction are kept
    # with must split.
    pdfs["long course"] = render("skin-rejuvenation.json", paper=paper, language=language, courses=[
        {"concern": "skin-rejuvenation", "sessions": 90, "interval_days": 7,
         "start_date": "2026-11-26"}]).pdf
    for name, pdf in pdfs.items():
        for number, runs in enumerate(body_runs(pdf), start=1):
            if not runs:
                continue
            last = runs[-1]
            where = f"{name}, page {number}: {last.text.strip()!r}"
            assert last.size <= BODY_SIZE + 0.01, f"a heading ends the page ({where})"
            assert not last.text.strip().endswith(":"), f"an introduction ends the page ({where})"


def test_the_page_end_check_sees_headings(stress):
    from mesodesk.reports.styles import BODY_SIZE

    sizes = {run.text.strip(): run.size for runs in body_runs(stress.pdf) for run in runs}
    assert sizes["What we plan to use"] > BODY_SIZE + 2
    assert sizes["What this means for your treatment"] > BODY_SIZE + 0.5


# -- margins, rendered with QtPdf -------------------------------------------------------

@pytest.fixture
def rendered_pages(qapp, tmp_path):
    def _render(pdf: bytes):
        path = tmp_path / "plan.pdf"
        path.write_bytes(pdf)
        return render_pages(path)
    return _render


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_nothing_is_drawn_outside_the_margins(stress, render, rendered_pages, paper, language):
    clinic = ClinicSettings(name="Κλινική <Lumière> & Co " * 4, address="12 Odos Ermou",
                            logo_png=logo_png())
    rendered = render(stress_document(), clinic=clinic, paper=paper, language=language)
    images = rendered_pages(rendered.pdf)
    assert len(images) == len(reader(rendered.pdf).pages) >= 10
    assert all(ink_inside(image) for image in images), "a page rendered blank"
    assert ink_outside_margins(images) == []


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("name", PRINTABLE)
def test_the_examples_stay_inside_the_margins(render, rendered_pages, name, language):
    images = rendered_pages(render(name, language=language).pdf)
    assert ink_outside_margins(images) == []


@pytest.mark.parametrize("x, y, side", [(3, 400, "left"), (590, 400, "right"),
                                        (300, 5, "bottom"), (300, 836, "top")])
def test_the_margin_check_finds_ink_in_a_margin(rendered_pages, x, y, side):
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(200, 400, "inside")
    canvas.rect(x, y, 2, 2, fill=1)
    canvas.showPage()
    canvas.save()
    found = ink_outside_margins(rendered_pages(buffer.getvalue()))
    assert [ink.side for ink in found] == [side]


def test_footer_and_header_keep_clear_of_the_edge():
    from mesodesk.reports import layout

    assert layout.FOOTER_BASELINE - 2 > SAFE_MARGIN
    assert layout.HEADER_BASELINE - layout.DECOR_SIZE > SAFE_MARGIN
    assert layout.FOOTER_RULE < layout.BOTTOM_MARGIN and layout.HEADER_RULE < layout.TOP_MARGIN
    assert layout.FIRST_TOP_MARGIN > SAFE_MARGIN


@pytest.mark.parametrize("paper, size", [("a4", A4), ("letter", LETTER)])
def test_paper_size(render, paper, size):
    pdf = reader(render("skin-rejuvenation.json", paper=paper).pdf)
    for page in pdf.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size)


# -- deterministic ----------------------------------------------------------------------

def test_two_runs_give_identical_bytes(kb, render):
    from mesodesk.reports import render_plan

    first = render(stress_document())
    again = render_plan(first.doc, first.result, kb, CLINIC)
    assert again == first.pdf
    assert b"CreationDate" in again and b"D:20000101000000" in again  # invariant, not the clock
    other = render(stress_document(), notes="different")
    assert other.pdf != first.pdf


_RENDER_IN_A_NEW_PROCESS = """
import datetime as dt, hashlib, sys
from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.screening import screen
from mesodesk.paths import knowledge_dir
from mesodesk.reports import render_plan
from tests.reports.conftest import CLINIC
from tests.reports.samples import stress_document
kb = load_knowledge(knowledge_dir())
doc = parse_consultation(stress_document(), kb, today=dt.date(2026, 11, 26))
sys.stdout.write(hashlib.sha256(render_plan(doc, screen(doc, kb), kb, CLINIC)).hexdigest())
"""


def test_the_same_bytes_in_another_process(stress):
    digests = set()
    for seed in ["1", "12345"]:
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO))
        done = subprocess.run([sys.executable, "-c", _RENDER_IN_A_NEW_PROCESS], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout)
    assert digests == {hashlib.sha256(stress.pdf).hexdigest()}


def test_importing_the_package_does_not_load_reportlab():
    code = ("import sys, mesodesk.reports; "
            "sys.exit(1 if any(m.split('.')[0] == 'reportlab' for m in sys.modules) else 0)")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr or "reportlab was imported"
