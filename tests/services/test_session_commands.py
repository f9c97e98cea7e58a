"""The session commands end to end: session add, sessions, recall, calendar, consultations,
demo-db; exit codes 0/2/3, messages by path; recall and calendar read back by independent
parsers (csv, icalendar)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest

from mesodesk.cli import main
from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import default_knowledge
from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.services.records import open_records

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=21)  # sessions 1-4 are due by today, 5-10 to come


def consultation_doc(language="en", substances=("caffeine", "l-carnitine", "lidocaine")):
    return {
        "format": "mesodesk.consultation/2", "date": (TODAY - dt.timedelta(days=30)).isoformat(),
        "patient": {"name": "Ελένη Παπαδοπούλου", "date_of_birth": "1988-04-12",
                    "phone": "+30 210 000 0000", "weight_kg": 64},
        "concerns": ["cellulite"], "areas": ["thighs"], "substances": list(substances),
        "courses": [{"concern": "cellulite", "sessions": 10, "interval_days": 7,
                     "start_date": START.isoformat()}],
        "history_reviewed": True, "language": language,
    }


@pytest.fixture
def clinic(tmp_path):
    """A database with one finalized consultation (id 1) and the clinic's address."""
    path = tmp_path / "clinic.db"
    kb = default_knowledge()
    db = open_records(path)
    try:
        db.settings.save(ClinicSettings(name="Κλινική <b>&", address="12 Example Street\n10558 Athens",
                                        phone="+30 210 111 2222"))
        patient = db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                                date_of_birth=dt.date(1988, 4, 12),
                                                phone="+30 210 000 0000"))
        doc = parse_consultation(consultation_doc(), kb)
        draft = db.consultations.save_draft(patient.id, doc)
        db.consultations.finalize(draft.id, doc)
    finally:
        db.close()
    return path


@pytest.fixture
def cli(clinic, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, "--db", str(clinic)])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def session_file(tmp_path: Path, name="s.json", number=1, **changes) -> str:
    data = {
        "format": "mesodesk.session/1", "consultation": "1", "concern": "cellulite",
        "number": number, "date": (START + dt.timedelta(days=7 * (number - 1))).isoformat(),
        "areas": ["thighs"],
        "products": [
            {"substance": "lidocaine", "product": "Lidocaine 2% 5 mL", "lot": "LD2291",
             "expiry": f"{TODAY.year + 1}-06", "concentration_mg_per_ml": 20, "volume_ml": 2.0},
            {"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": "CF0042",
             "expiry": f"{TODAY.year + 1}-01", "volume_ml": 4.0}],
    }
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_session_add_prints_the_new_id_last_and_the_course_shows_it(cli, tmp_path, clinic):
    code, out, err = cli("session", "add", session_file(tmp_path))
    assert code == 0, err
    assert out.splitlines()[-1] == "1"
    code, out, _ = cli("session", "add", session_file(tmp_path, "s2.json", number=2))
    assert out.splitlines()[-1] == "2"
    code, out, _ = cli("sessions", "1")
    assert code == 0
    lines = out.splitlines()
    assert "done" in lines[1] and "(session 1)" in lines[1]
    assert "planned" in lines[3]
    assert lines[-1].startswith("next: session 3 of cellulite on "
                                + (START + dt.timedelta(days=14)).isoformat())
    db = open_records(clinic, migrate=False)
    try:
        assert db.audit.verify().ok
    finally:
        db.close()


def test_a_substance_outside_the_consent_exits_3_by_path(cli, tmp_path):
    path = session_file(tmp_path, products=[{"substance": "isoproterenol", "lot": "IS9",
                                             "expiry": "2099-01", "volume_ml": 1}])
    code, out, err = cli("session", "add", path)
    assert code == 3
    assert "products[0].substance: 'isoproterenol' is not covered by the signed consent" in err
    assert "nothing was recorded" in err


def test_lidocaine_over_the_ceiling_exits_3_with_the_figures(cli, tmp_path):
    path = session_file(tmp_path, patient_weight_kg=40)  # 180 mg ceiling
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["products"][0]["volume_ml"] = 10  # 200 mg
    Path(path).write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli("session", "add", path)
    assert code == 3
    assert "200 mg" in err and "180 mg" in err and "40 kg" in err


def test_an_expired_lot_exits_3(cli, tmp_path):
    path = session_file(tmp_path)
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["products"][1]["expiry"] = (START - dt.timedelta(days=40)).strftime("%Y-%m")
    Path(path).write_text(json.dumps(data), encoding="utf-8")
    code, _out, err = cli("session", "add", path)
    assert code == 3 and "products[1].expiry" in err


@pytest.mark.parametrize("changes, path", [
    ({"lot_number": "x"}, "lot_number: unknown field"),
    ({"number": 0}, "number:"),
    ({"consultation": "999"}, "consultation: there is no consultation 999"),
    ({"consultation": "zz"}, "consultation: 'zz' is neither"),
    ({"date": "2099-01-01"}, "date: 2099-01-01 is in the future"),
])
def test_invalid_input_exits_2_naming_the_path(cli, tmp_path, changes, path):
    code, _out, err = cli("session", "add", session_file(tmp_path, **changes))
    assert code == 2
    assert path in err
    assert "Traceback" not in err


def test_not_json_and_missing_files_exit_2(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{<b>&", encoding="utf-8")
    code, _out, err = cli("session", "add", str(bad))
    assert code == 2 and "not valid JSON" in err
    code, _out, err = cli("session", "add", str(tmp_path / "missing.json"))
    assert code == 2 and "no such session document" in err


def test_a_correction_names_the_session_it_corrects(cli, tmp_path):
    cli("session", "add", session_file(tmp_path, products=[
        {"substance": "caffeine", "lot": "CF0024", "expiry": "2099-01", "volume_ml": 4}]))
    code, out, err = cli("session", "add", session_file(
        tmp_path, "fix.json", products=[{"substance": "caffeine", "lot": "CF0042",
                                         "expiry": "2099-01", "volume_ml": 4}],
        corrects={"session": 1, "reason": "lot digits swapped"}))
    assert code == 0, err
    assert "corrects session 1" in out and out.splitlines()[-1] == "2"
    code, out, _ = cli("recall", "CF0024", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize("corrects, path", [
    ({"session": 9, "reason": "typo"}, "corrects.session: 9 is not a recorded session"),
    ({"session": "1", "reason": "typo"}, "corrects.session: must be a whole number"),
    ({"session": 0, "reason": "typo"}, "corrects.session:"),
    ({"reason": "typo"}, "corrects.session: is required"),
    ({"session": 1}, "corrects.reason: is required"),
    ({"session": 1, "reason": "  \n "}, "corrects.reason: must say why the session is corrected"),
    ({"session": 1, "reason": "x" * 2001}, "corrects.reason:"),
    ({"session": 1, "reason": "typo", "by": "<b>&"}, "corrects.by: unknown field"),
    ("1", "corrects: must be an object"),
])
def test_a_bad_correction_exits_2_naming_its_path(cli, tmp_path, corrects, path):
    assert cli("session", "add", session_file(tmp_path))[0] == 0
    code, out, err = cli("session", "add", session_file(tmp_path, "fix.json", corrects=corrects))
    assert code == 2, (out, err)
    assert path in err and "Traceback" not in err
    assert "nothing was recorded" in err or "not a valid session document" in err


def test_a_corrected_session_cannot_be_corrected_again(cli, tmp_path):
    cli("session", "add", session_file(tmp_path))
    fix = {"session": 1, "reason": "Λάθος παρτίδα 🙂"}
    assert cli("session", "add", session_file(tmp_path, "fix.json", corrects=fix))[0] == 0
    code, _out, err = cli("session", "add", session_file(tmp_path, "again.json", corrects=fix))
    assert code == 2 and "corrects.session: 1 is not a recorded session" in err
    fix_of_fix = {"session": 2, "reason": "the volume too"}
    code, out, err = cli("session", "add", session_file(tmp_path, "fix2.json", corrects=fix_of_fix))
    assert code == 0, err
    assert "corrects session 2" in out and out.splitlines()[-1] == "3"


def test_session_add_help_documents_the_correction(capsys):
    with pytest.raises(SystemExit):
        main(["session", "add", "--help"])
    out = capsys.readouterr().out
    assert '"corrects": {"session": ID, "reason": "why"}' in out
    assert "session-format-extensions.md" in out


def test_recall_json_and_csv_read_back(cli, tmp_path, clinic):
    cli("session", "add", session_file(tmp_path))
    cli("session", "add", session_file(tmp_path, "s2.json", number=2))
    code, out, _ = cli("recall", "ld2291", "--json")
    assert code == 0
    hits = json.loads(out)
    assert [h["session"] for h in hits] == [1, 2]
    assert hits[0]["name"] == "Ελένη Παπαδοπούλου" and hits[0]["phone"] == "+30 210 000 0000"
    assert hits[0]["date_of_birth"] == "1988-04-12"
    target = tmp_path / "recall.csv"
    code, out, _ = cli("recall", "LD2291", "--csv", str(target))
    assert code == 0 and "2 uses by 1 patients" in out
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["session"] for row in rows] == ["1", "2"]
    assert rows[0]["name"] == "Ελένη Παπαδοπούλου" and rows[0]["product"] == "Lidocaine 2% 5 mL"
    assert rows[1]["session_date"] == (START + dt.timedelta(days=7)).isoformat()
    db = open_records(clinic, migrate=False)
    try:
        [event] = db.audit.events(1)
        assert event.action == "recall" and event.details["lot"] == "LD2291"
    finally:
        db.close()
    code, _out, err = cli("recall", " ")
    assert code == 2 and "LOT" in err


def test_the_calendar_holds_the_sessions_to_come_at_the_clinic(cli, tmp_path):
    for number in (1, 2, 3, 4):
        cli("session", "add", session_file(tmp_path, f"s{number}.json", number=number))
    target = tmp_path / "course.ics"
    code, out, err = cli("calendar", "1", "--out", str(target))
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    starts = [event.decoded("dtstart") for event in events]
    assert starts == [START + dt.timedelta(days=7 * n) for n in range(4, 10)]
    assert all(day >= TODAY for day in starts)
    assert str(events[0]["summary"]) == "Mesotherapy session 5 of 10: Cellulite"
    assert str(events[0]["location"]) == "Κλινική <b>&, 12 Example Street, 10558 Athens"
    assert "+30 210 111 2222" in str(events[0]["description"])
    assert len({str(event["uid"]) for event in events}) == 6
    assert "6 sessions to come" in out


def test_consultations_lists_and_filters(cli):
    code, out, _ = cli("consultations", "--json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["id"], row["name"], row["status"]) == (1, "Ελένη Παπαδοπούλου", "final")
    code, out, _ = cli("consultations", "--patient", "ελενη")
    assert "Ελένη Παπαδοπούλου" in out and "1 consultations" in out
    code, out, _ = cli("consultations", "--patient", "Nobody 😊", "--json")
    assert json.loads(out) == []


def test_demo_db_writes_signed_consultations_with_sessions_and_lots(tmp_path, capsys):
    target = tmp_path / "demo.db"
    assert main(["demo-db", "--out", str(target)]) == 0
    assert "sessions" in capsys.readouterr().out
    db = open_records(target, migrate=False)
    try:
        rows = db.sessions.consultation_list()
        signed = [r for r in rows if db.consultations.get(r["id"]).has_signed_consent]
        assert signed and any(r["sessions"] for r in signed)
        patients = {hit.patient_id for hit in db.sessions.recall("LD2291")}
        assert len(patients) >= 2
        assert db.audit.verify().ok
    finally:
        db.close()
    assert main(["demo-db", "--out", str(target)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_session_summary_writes_the_patients_page(cli, tmp_path, clinic):
    from tests.reports.pdfcheck import full_text, one_line, reader

    cli("session", "add", session_file(tmp_path))
    target = tmp_path / "summary.pdf"
    code, out, err = cli("session", "summary", "1", "--out", str(target))
    assert code == 0, err
    pdf = target.read_bytes()
    assert len(reader(pdf).pages) == 1
    text = one_line(full_text(pdf))
    assert "LD2291" in text and "10558 Athens" in text
    assert f"Planned for {(START + dt.timedelta(days=7)).isoformat()}" in text
    db = open_records(clinic, migrate=False)
    try:
        [event] = db.audit.events(1)
        assert event.action == "session-summary" and event.details["to"] == str(target.absolute())
    finally:
        db.close()
    code, _out, err = cli("session", "summary", "99", "--out", str(target))
    assert code == 2 and "there is no session 99" in err
    code, _out, err = cli("session", "summary", "x", "--out", str(target))
    assert code == 2 and "not a session id" in err


def test_the_consultation_may_be_named_by_its_fingerprint(cli, tmp_path, clinic):
    db = open_records(clinic, migrate=False)
    try:
        fingerprint = db.consultations.get(1).document.fingerprint()
        stored = db.sessions.consultations_with_fingerprint(fingerprint)
    finally:
        db.close()
    assert stored == [1]
    code, out, err = cli("session", "add", session_file(tmp_path, consultation=fingerprint))
    assert code == 0, err
    code, out, _ = cli("sessions", fingerprint)
    assert code == 0 and "(session 1)" in out
    code, _out, err = cli("sessions", "abcdefabcdef")
    assert code == 2 and "no consultation has the fingerprint abcdefabcdef" in err


def test_demo_db_with_a_passphrase_file_or_unencrypted(tmp_path, capsys, monkeypatch):
    """Where no key store is at hand (a server, a fresh laptop), the demo clinic is written
    with a passphrase or as a plain file, as the refusal's message suggests."""
    monkeypatch.delenv("MESODESK_PASSPHRASE", raising=False)
    secret = tmp_path / "passphrase.txt"
    secret.write_text("Κωδικός demo 😊\n", encoding="utf-8")
    locked, plain = tmp_path / "locked.db", tmp_path / "plain.db"
    assert main(["demo-db", "--out", str(locked), "--passphrase-file", str(secret)]) == 0
    assert main(["demo-db", "--out", str(plain), "--unencrypted"]) == 0
    assert plain.read_bytes().startswith(b"SQLite format 3")
    assert not locked.read_bytes().startswith(b"SQLite format 3")
    for path, passphrase in ((locked, "Κωδικός demo 😊"), (plain, None)):
        db = open_records(path, passphrase, migrate=False)
        try:
            assert db.sessions.consultation_list()
        finally:
            db.close()
    capsys.readouterr()
    assert main(["demo-db", "--out", str(tmp_path / "x.db"),
                 "--passphrase-file", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()
