"""The comparison sheet: one A4 page in the patient's language, both photographs at one
scale with their dates, area and view, the consent line; markup in names stays text;
nothing drawn in the margins; deterministic."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.photos import PhotoInfo
from mesodesk.domain.records import ClinicSettings
from mesodesk.reports.comparison import SheetPhoto, render_comparison, same_scale
from mesodesk.services.photo_images import process_photo
from tests.reports.pdfcheck import (
    full_text,
    image_count,
    ink_outside_margins,
    one_line,
    reader,
    render_pages,
    squash,
)
from tests.services.photo_helpers import camera_jpeg, plain_jpeg

CLINIC = ClinicSettings(name="Demo <b>Aesthetic</b> Clinic & Co",
                        address="12 Example Street\n10558 Athens", phone="+30 210 000 0000",
                        practitioner_name="Dr Maria Ioannou", practitioner_registration="12345")
PATIENT = "Ελένη <b>Παπαδοπούλου</b> & 😊"
ADDED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def photo(number: int, data: bytes, taken: dt.date, session: int | None) -> SheetPhoto:
    processed = process_photo(data)
    info = PhotoInfo(id=number, patient_id=1, area="face", view="front",
                     session_id=None if session is None else 40 + session, taken_on=taken,
                     width=processed.width, height=processed.height, added_at=ADDED)
    return SheetPhoto(info=info, image=processed.image, session_number=session)


@pytest.fixture(scope="module")
def pair():
    return (photo(3, camera_jpeg(), dt.date(2026, 10, 13), None),
            photo(7, plain_jpeg((1200, 1600)), dt.date(2026, 12, 1), 4))


def render(pair, kb, language: str) -> bytes:
    return render_comparison(*pair, PATIENT, kb, CLINIC, language, printed=dt.date(2026, 12, 2))


def test_english_sheet_reads_back(pair, kb):
    pdf = render(pair, kb, "en")
    assert len(reader(pdf).pages) == 1 and image_count(pdf, 0) == 2
    text = one_line(full_text(pdf))
    for expected in ("Your photographs compared", "Face", "Front", "Before the course",
                     "Session 4", "13 October 2026", "1 December 2026", "same scale",
                     "kept in your record with your consent to photographs",
                     "withdraw that consent at any time", "Dr Maria Ioannou",
                     "photographs 3 and 7"):
        assert expected in text, expected
    assert squash("Ελένη <b>Παπαδοπούλου</b> &") in squash(full_text(pdf))  # markup as text
    assert squash(CLINIC.name) in squash(full_text(pdf))


def test_greek_sheet_reads_back(pair, kb):
    pdf = render(pair, kb, "el")
    text = one_line(full_text(pdf))
    for expected in ("Σύγκριση των φωτογραφιών σας", "Πρόσωπο", "Μπροστινή όψη",
                     "Πριν από τον κύκλο συνεδριών", "Συνεδρία 4", "13 Οκτωβρίου 2026",
                     "1 Δεκεμβρίου 2026", "με τη συγκατάθεσή σας για φωτογραφίες",
                     "Σελίδα 1 από 1"):
        assert expected in text, expected
    assert "Your photographs" not in text and "Before the course" not in text


def test_the_same_scale_fits_the_larger_photograph_and_shrinks_the_other_alike():
    scale = same_scale([(1500, 2400), (600, 800)], 300, 400)
    assert scale == pytest.approx(400 / 2400)  # the taller one fills the height
    assert same_scale([(600, 800), (1500, 2400)], 300, 400) == scale  # whichever comes first
    assert same_scale([(1500, 2400)], 240, 400) == pytest.approx(240 / 1500)  # or the width


def test_nothing_is_drawn_in_the_margins_and_output_is_deterministic(pair, kb, tmp_path, qapp):
    pdf = render(pair, kb, "el")
    assert pdf == render(pair, kb, "el")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    images = render_pages(path)
    assert len(images) == 1 and ink_outside_margins(images) == []
