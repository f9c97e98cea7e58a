"""The course record printed with a signed plan: every session with its lots, corrections
as such, the sessions to come; long and hostile text stays inside the margins, in both
languages and on both papers; the same records give the same bytes."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.session import SessionRecord, parse_session_structure
from mesodesk.reports.course_record import PlannedSession, render_course_record
from tests.reports.pdfcheck import ink_inside, ink_outside_margins, one_line, page_texts, render_pages
from tests.reports.samples import LONG_WORD

CONSULTATION = {
    "format": "mesodesk.consultation/2", "date": "2026-01-05",
    "patient": {"name": "Ελένη <b>&</b> Παπαδοπούλου " * 3, "date_of_birth": "1988-04-12"},
    "concerns": ["cellulite"], "areas": ["thighs"], "substances": ["caffeine", "lidocaine"],
    "courses": [{"concern": "cellulite", "sessions": 12, "interval_days": 7,
                 "start_date": "2026-01-10"}],
    "history_reviewed": True,
}
CLINIC = ClinicSettings(name="Κλινική <Lumière> & Co " * 4, address="12 Odos Ermou\n10558 Athens",
                        phone="+30 210 111 2222")


def session(number: int, **changes) -> dict:
    data = {
        "format": "mesodesk.session/1", "consultation": "1", "concern": "cellulite",
        "number": number, "date": (dt.date(2026, 1, 10) + dt.timedelta(days=7 * (number - 1)))
        .isoformat(),
        "practitioner": {"name": "Dr Maria Ioannou", "registration": "12345"},
        "areas": ["thighs", "<font size=40>" + "Εσωτερικός μηρός " * 6],
        "products": [
            {"substance": "lidocaine", "product": "Lidocaine 2% 5 mL " + LONG_WORD[:60],
             "lot": f"LD{number:04}", "expiry": "2027-06", "concentration_mg_per_ml": 20,
             "volume_ml": 2.5},
            {"substance": "caffeine", "product": "Caffeine & <i>co</i>", "lot": f"CF{number:04}",
             "expiry": "2027-01", "volume_ml": 4}],
        "technique": {"depth": "superficial-subcutaneous", "needle": "30G 4 mm " * 5,
                      "method": "nappage"},
        "adverse_events": [{"kind": "bruising", "severity": "moderate",
                            "note": "left thigh " * 20 + LONG_WORD}],
        "notes": "Tolerated well.\n" * 8 + LONG_WORD, "patient_weight_kg": 68,
    }
    data.update(changes)
    return data


def history() -> list[SessionRecord]:
    at = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    records = [SessionRecord(n, 1, 1, parse_session_structure(session(n)), at)
               for n in range(1, 9)]
    replaced = SessionRecord(9, 1, 1, parse_session_structure(session(9)), at, corrected_by=10)
    correction = SessionRecord(10, 1, 1, parse_session_structure(session(
        9, corrects={"session": 9, "reason": "lot digits swapped " * 10})), at, corrects=9,
        correction_reason="lot digits swapped " * 10)
    return [*records, replaced, correction]


TO_COME = [PlannedSession("cellulite", n, dt.date(2026, 1, 10) + dt.timedelta(days=7 * (n - 1)))
           for n in range(10, 13)]


@pytest.fixture
def pages(qapp, tmp_path):
    def render(pdf: bytes):
        path = tmp_path / "course.pdf"
        path.write_bytes(pdf)
        return render_pages(path)
    return render


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_course_stays_inside_the_margins(kb, pages, language, paper):
    doc = parse_consultation({**CONSULTATION, "language": language}, kb)
    pdf = render_course_record(doc, history(), TO_COME, kb, CLINIC, paper, dt.date(2026, 3, 20),
                               "abcdef123456")
    images = pages(pdf)
    assert len(images) >= 3
    assert all(ink_inside(image) for image in images), "a page rendered blank"
    assert ink_outside_margins(images) == []
    texts = page_texts(pdf)
    text = one_line(" ".join(texts))
    for number in range(1, 10):
        assert f"LD{number:04}" in text and f"CF{number:04}" in text
    assert "<font size=40>" in text and "Caffeine & <i>co</i>" in text  # printed, not markup
    footer = "Page 1 of" if language == "en" else "Σελίδα 1 από"
    assert footer in texts[0] and doc.fingerprint() in texts[0]
    if language == "el":
        assert "Διόρθωση της καταγραφής 9" in text and "επιφανειακά υποδόρια" in text
        assert "Μέτριο: Μελανιές" in text
    else:
        assert "Correction of record 9" in text and "superficial subcutaneous" in text
        assert "Replaced by the correction recorded as 10" in text
        assert "Moderate: Bruising" in text and "20 mg/mL" in text


def test_the_same_records_give_the_same_bytes(kb):
    doc = parse_consultation({**CONSULTATION, "language": "en"}, kb)
    once = render_course_record(doc, history(), TO_COME, kb, CLINIC, "a4", dt.date(2026, 3, 20))
    again = render_course_record(doc, history(), TO_COME, kb, CLINIC, "a4", dt.date(2026, 3, 20))
    assert once == again


def test_a_course_without_sessions_to_come_says_so(kb):
    doc = parse_consultation({**CONSULTATION, "language": "el"}, kb)
    pdf = render_course_record(doc, history()[:1], [], kb, None, "a4", dt.date(2026, 3, 20))
    text = one_line(" ".join(page_texts(pdf)))
    assert "Δεν έχει προγραμματιστεί άλλη συνεδρία." in text and "LD0001" in text
