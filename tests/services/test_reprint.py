"""A signed plan printed again: the signed PDF stays byte for byte what the patient signed,
and the course as it happened (sessions done with their lots, corrections, sessions to
come) is a course record beside it, in the patient's language; ``mesodesk plan
--consultation`` writes both, and ``--calendar`` the sessions to come."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from mesodesk.cli import main
from mesodesk.services import consultations, plans, sessions
from tests.reports.pdfcheck import full_text, one_line, reader
from tests.services.test_consultations import SIGNATURES
from tests.store.helpers import example_document

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=14)  # sessions 1-3 are due by today, 4-10 to come


def signed(db, kb, patient, language="en"):
    doc = example_document(
        "format-example.json", kb, signatures=SIGNATURES, language=language,
        date=(TODAY - dt.timedelta(days=20)).isoformat(),
        courses=[{"concern": "cellulite", "sessions": 10, "interval_days": 7,
                  "start_date": START.isoformat()}])
    return consultations.finalize_signed(db, kb, None, patient.id, doc)


def add(db, kb, consultation_id, number, lot, **changes):
    data = {"format": "mesodesk.session/1", "consultation": str(consultation_id),
            "concern": "cellulite", "number": number,
            "date": (START + dt.timedelta(days=7 * (number - 1))).isoformat(),
            "practitioner": {"name": "Dr Maria Ioannou", "registration": "12345"},
            "areas": ["thighs", "Εσωτερικός μηρός <b>&"],
            "products": [{"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": lot,
                          "expiry": f"{TODAY.year + 1}-01", "volume_ml": 4.0},
                         {"substance": "l-carnitine", "lot": "LC1187",
                          "expiry": f"{TODAY.year + 1}-06", "volume_ml": 3}],
            "technique": {"depth": "intradermal", "needle": "30G 4 mm", "method": "nappage"}}
    data.update(changes)
    return sessions.record_session(db, kb, sessions.parse_session_text(json.dumps(data)))


def record_course(db, kb, consultation_id):
    first = add(db, kb, consultation_id, 1, "CF0024")
    add(db, kb, consultation_id, 1, "CF0042",
        corrects={"session": first.id, "reason": "lot digits swapped"})
    add(db, kb, consultation_id, 2, "CF7788",
        adverse_events=[{"kind": "bruising", "severity": "mild", "note": "left thigh 🙂"}])
    return first


def test_without_sessions_the_reprint_is_the_signed_pdf_alone(db, kb, patient):
    finished = signed(db, kb, patient)
    reprinted = plans.reprint(db, kb, finished.record.id)
    assert reprinted.plan.signed and reprinted.course_record is None
    assert reprinted.plan.pdf == db.consents.pdf(finished.consent.id)


def test_the_reprint_keeps_the_signed_pdf_and_adds_the_course_as_it_happened(db, kb, patient):
    finished = signed(db, kb, patient)
    stored = db.consents.pdf(finished.consent.id)
    first = record_course(db, kb, finished.record.id)
    reprinted = plans.reprint(db, kb, finished.record.id)
    assert reprinted.plan.pdf == stored  # byte for byte what the patient signed
    assert plans.signed_pdf(db, finished.record) == stored
    pdf = reprinted.course_record
    assert pdf is not None and pdf != stored
    text = one_line(full_text(pdf))
    assert "Course record" in text and finished.record.document.fingerprint() in text
    for lot in ("CF0024", "CF0042", "CF7788", "LC1187"):
        assert lot in text
    assert f"Correction of record {first.id}: lot digits swapped" in text
    assert "Replaced by the correction" in text
    assert "Mild: Bruising" in text and "left thigh" in text
    assert "Εσωτερικός μηρός <b>&" in text and "Thighs" in text  # typed text stays as typed
    assert "Sessions still to come" in text
    assert "4 mL" in text and "intradermal" in text
    # The planned sessions not recorded (3 to 10) are listed, each with its date.
    waiting = [s for s in sessions.course_state(db, kb, finished.record.id).sessions
               if s.done is None]
    assert [s.number for s in waiting if s.concern == "cellulite"] == list(range(3, 11))
    to_come = text[text.index("Sessions still to come"):]
    for planned in waiting:
        day = planned.planned
        assert f"{day.day} {day.strftime('%B')} {day.year}" in to_come
    assert ("(passed, not recorded)" in to_come) == any(s.planned < TODAY for s in waiting)


def test_the_course_record_speaks_the_patients_greek(db, kb, patient):
    finished = signed(db, kb, patient, language="el")
    record_course(db, kb, finished.record.id)
    pdf = plans.reprint(db, kb, finished.record.id).course_record
    text = one_line(full_text(pdf))
    assert "Καταγραφή του κύκλου συνεδριών" in text
    assert "Συνεδρίες που έγιναν" in text and "Συνεδρίες που απομένουν" in text
    assert "Διόρθωση της καταγραφής" in text and "Ήπιο: Μελανιές" in text
    assert "ενδοδερμικά" in text and "Παρτίδα" in text
    assert "CF0042" in text and "LC1187" in text
    assert "Course record" not in text and "Sessions done" not in text
    assert reader(pdf).metadata.title.startswith("Καταγραφή του κύκλου συνεδριών")


def test_plan_command_writes_the_signed_pdf_the_course_record_and_the_calendar(
        tmp_path, db, kb, patient, capsys):
    finished = signed(db, kb, patient)
    stored = db.consents.pdf(finished.consent.id)
    record_course(db, kb, finished.record.id)
    out, ics = tmp_path / "plan.pdf", tmp_path / "Ελένη.ics"
    code = main(["plan", "--consultation", str(finished.record.id), "--db", str(db.path),
                 "--out", str(out), "--calendar", str(ics)])
    printed = capsys.readouterr().out
    assert code == 0
    assert out.read_bytes() == stored
    course = tmp_path / "plan-course-record.pdf"
    assert "CF7788" in one_line(full_text(course.read_bytes()))
    assert str(course) in printed and str(ics) in printed
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    state = sessions.course_state(db, kb, finished.record.id)
    assert sorted(e.decoded("dtstart") for e in events) == sorted(
        s.planned for s in state.to_come(TODAY))
    assert len(events) >= 6
    disclosed = {event.action: event.details["to"] for event in db.audit.events(20)
                 if event.action in ("plan", "course-record", "calendar")}
    assert disclosed == {"plan": str(out.absolute()), "course-record": str(course.absolute()),
                         "calendar": str(ics.absolute())}


@pytest.mark.parametrize("where", ["file", "draft"])
def test_plan_calendar_needs_a_signed_stored_consultation(tmp_path, db, kb, patient, capsys,
                                                          where):
    from mesodesk.paths import examples_dir

    if where == "file":
        args = [str(examples_dir() / "format-example.json")]
    else:
        draft = consultations.save_draft(db, patient.id,
                                         example_document("format-example.json", kb))
        args = ["--consultation", str(draft.id)]
    out = tmp_path / "plan.pdf"
    code = main(["plan", *args, "--db", str(db.path), "--out", str(out),
                 "--calendar", str(tmp_path / "c.ics")])
    err = capsys.readouterr().err
    assert code == 2 and "--calendar" in err and "Traceback" not in err
    assert not (tmp_path / "c.ics").exists() and not out.exists()


def test_a_calendar_in_a_missing_folder_is_refused_before_anything_is_written(
        tmp_path, db, kb, patient, capsys):
    finished = signed(db, kb, patient)
    out = tmp_path / "plan.pdf"
    code = main(["plan", "--consultation", str(finished.record.id), "--db", str(db.path),
                 "--out", str(out), "--calendar", str(tmp_path / "nowhere" / "c.ics")])
    err = capsys.readouterr().err
    assert code == 2 and "--calendar" in err and "does not exist" in err
    assert not out.exists()
