"""A signed plan opened again from the history: the signed PDF exactly as it was signed,
the course as it happened in a second tab, and the save that puts the sessions to come in
a calendar file beside the PDF (the option remembered)."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pypdf
import pytest

from mesodesk.domain.knowledge import default_knowledge
from mesodesk.ui.demo import fill_demo_database
from mesodesk.ui.preview import PdfPane

from .conftest import SCREEN, TIMEOUT, screenshot, settle


@pytest.fixture
def demo_db(db_path):
    from mesodesk.store import open_database

    db = open_database(str(db_path))
    fill_demo_database(db, default_knowledge())
    db.close()
    return db_path


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _signed_with_sessions(db):
    for row in db.sessions.consultation_list():
        record = db.consultations.get(row["id"])
        if record.has_signed_consent and row["sessions"]:
            return record
    raise AssertionError("the demo clinic has a signed consultation with sessions")


def test_a_signed_plan_reopens_unchanged_with_its_course_and_saves_a_calendar(
        qtbot, open_window, demo_db, tmp_path):
    window = open_window(demo_db)
    db = window.session.db
    record = _signed_with_sessions(db)
    stored = db.consents.pdf(db.consents.for_consultation(record.id).id)
    history = db.sessions.for_consultation(record.id)

    window.main_actions.open_pdf(record)
    qtbot.waitUntil(lambda: len(window.previews) == 1, timeout=TIMEOUT)
    preview = window.previews[0]
    assert preview.pane.pdf == stored  # byte for byte what the patient signed
    assert preview.course_pane is not None
    assert [preview.tabs.tabText(i) for i in range(2)] == ["Signed consent and plan",
                                                           "Course record"]
    text = pdf_text(preview.course_pane.pdf)
    assert "Course record" in text and record.document.fingerprint() in text
    for session in history:
        for product in session.session.products:
            assert product.lot in text
    assert preview.course_pane.calendar is None  # the calendar goes with the signed plan
    preview.resize(SCREEN)
    preview.tabs.setCurrentIndex(1)
    qtbot.wait(600)  # let QPdfView draw the pages for the picture
    screenshot(preview, "reprint-course-record")
    preview.tabs.setCurrentIndex(0)

    # Save with the calendar: <plan name>.ics beside the PDF, read back by icalendar.
    pane = preview.pane
    assert pane.calendar_option.isVisible() and not pane.calendar_option.isChecked()
    pane.calendar_option.click()
    assert pane.calendar_option.isChecked()
    qtbot.wait(300)
    screenshot(preview, "reprint-save-with-calendar")
    assert pane.save_to(tmp_path / "Ελένη <b>& plan")
    qtbot.waitUntil(lambda: ".ics" in pane.message.text(), timeout=TIMEOUT)
    assert (tmp_path / "Ελένη <b>& plan.pdf").read_bytes() == stored
    calendar = icalendar.Calendar.from_ical((tmp_path / "Ελένη <b>& plan.ics").read_bytes())
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    from mesodesk.services.sessions import course_state

    state = course_state(db, window.session.kb, record.id)
    assert starts == sorted(s.planned for s in state.to_come(dt.date.today()))
    actions = [event.action for event in db.audit.events(50)]
    assert "save-pdf" in actions and "calendar" in actions

    # Remembered: the next signed plan's pane starts with the option on.
    again = PdfPane(stored, "again", calendar=lambda *_args: None)
    qtbot.addWidget(again)
    assert again.calendar_option.isChecked()
    again.calendar_option.setChecked(False)
    assert not PdfPane(stored, "third", calendar=lambda *_args: None).calendar_option.isChecked()
    preview.close()
    settle(qtbot, window)


def test_the_pane_says_when_the_calendar_could_not_be_saved(qtbot, tmp_path):
    from mesodesk.domain.document import parse_consultation
    from mesodesk.reports.course_record import render_course_record
    from tests.reports.test_course_record import CONSULTATION, history

    pdf = tmp_path / "x.pdf"
    kb = default_knowledge()  # a small real PDF to show
    data = render_course_record(parse_consultation({**CONSULTATION, "language": "en"}, kb),
                                history()[:1], [], kb, None, "a4", dt.date(2026, 3, 20))
    asked: list = []

    def refuse(path, then, otherwise):
        asked.append(path)
        otherwise(OSError("the disk is full"))

    pane = PdfPane(data, "Plan", calendar=refuse)
    qtbot.addWidget(pane)
    pane.show()
    assert not pane.calendar_option.isChecked()
    assert pane.save_to(pdf) and asked == []  # off: the PDF alone
    assert pane.message.text() == f"Saved to {pdf}"
    pane.calendar_option.setChecked(True)
    assert pane.save_to(tmp_path / "y")
    assert asked == [tmp_path / "y.ics"]
    assert "the calendar was not saved: the disk is full" in pane.message.text()
    assert (tmp_path / "y.pdf").exists()

    plain = PdfPane(data, "Unsigned")  # no calendar: no option
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.calendar_option.isVisible()
