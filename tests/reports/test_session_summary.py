"""The session summary the patient takes home: one page, what was given with its lots, what
to watch for, the next date; markup in names stays text; deterministic."""

from __future__ import annotations

import datetime as dt

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.session import parse_session_structure
from mesodesk.reports.session_summary import render_session_summary
from tests.reports.pdfcheck import full_text, one_line, reader, render_pages, squash

CONSULTATION = {
    "format": "mesodesk.consultation/2", "date": "2026-11-26",
    "patient": {"name": "Ελένη <b>Παπαδοπούλου</b> & 😊", "date_of_birth": "1988-04-12"},
    "concerns": ["cellulite"], "substances": ["caffeine", "lidocaine"], "history_reviewed": True,
}
SESSION = {
    "format": "mesodesk.session/1", "consultation": "1", "concern": "cellulite", "number": 2,
    "date": "2026-12-10", "areas": ["thighs", "μηροί"],
    "products": [{"substance": "lidocaine", "product": "Lidocaine 2% 5 mL", "lot": "LD2291",
                  "expiry": "2027-06", "concentration_mg_per_ml": 20, "volume_ml": 2.0},
                 {"substance": "caffeine", "product": "Caffeine <i>2.5%</i>", "lot": "CF0042",
                  "expiry": "2027-01", "volume_ml": 4.0}],
    "adverse_events": [{"kind": "bruising", "severity": "mild", "note": "left thigh"}],
    "notes": "Drink water.\nSee you next week.",
}
CLINIC = ClinicSettings(name="Demo Aesthetic Clinic", address="12 Example Street\n10558 Athens",
                        phone="+30 210 000 0000")


def render(kb, next_date=dt.date(2026, 12, 17)) -> bytes:
    doc = parse_consultation(CONSULTATION, kb, today=dt.date(2026, 12, 1))
    return render_session_summary(parse_session_structure(SESSION), doc, kb, CLINIC, next_date)


def test_one_page_with_what_was_given_and_the_next_date(kb):
    pdf = render(kb)
    assert len(reader(pdf).pages) == 1
    text = one_line(full_text(pdf))
    for expected in ("Your treatment session", "LD2291", "CF0042", "2 mL", "4 mL",
                     "Planned for 2026-12-17", "1 to 12 weeks", "Demo Aesthetic Clinic",
                     "left thigh", "μηροί"):
        assert expected in text, expected
    assert squash("Ελένη <b>Παπαδοπούλου</b> &") in squash(full_text(pdf))
    assert "Caffeine <i>2.5%</i>" in text


def test_without_a_next_session_it_says_so_and_output_is_deterministic(kb):
    assert "No further session is planned" in one_line(full_text(render(kb, None)))
    assert render(kb) == render(kb)


def test_the_page_renders(kb, tmp_path, qapp):
    path = tmp_path / "summary.pdf"
    path.write_bytes(render(kb))
    [page] = render_pages(path)
    assert page.width() > 0
    from tests.gui.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    page.save(str(SCREENSHOTS / "session-summary.png"))
