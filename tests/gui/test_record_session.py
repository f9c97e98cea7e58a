"""Record session end to end: the course in the patient pane, the dialog starting from the
last session's products, a GS1 code typed by a scanner as keystrokes, the checks' messages,
and the session recorded through the services."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import default_knowledge
from mesodesk.domain.records import NewPatient
from mesodesk.services import records, sessions
from tests.gui.conftest import TIMEOUT, screenshot, settle

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=14)
GTIN = "09506000134352"


def clinic_with_a_course(db_path):
    kb = default_knowledge()
    db = records.open_records(str(db_path))
    try:
        patient = db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                                date_of_birth=dt.date(1988, 4, 12)))
        doc = parse_consultation({
            "format": "mesodesk.consultation/2",
            "date": (TODAY - dt.timedelta(days=20)).isoformat(),
            "patient": {"name": "Ελένη Παπαδοπούλου", "date_of_birth": "1988-04-12",
                        "weight_kg": 60},
            "practitioner": {"name": "Dr Maria Ioannou"},
            "concerns": ["cellulite"], "areas": ["thighs"],
            "substances": ["caffeine", "lidocaine"], "history_reviewed": True,
            "courses": [{"concern": "cellulite", "sessions": 6, "interval_days": 7,
                         "start_date": START.isoformat()}]}, kb)
        final = db.consultations.finalize(db.consultations.save_draft(patient.id, doc).id, doc)
        first = sessions.parse_session_text({
            "format": "mesodesk.session/1", "consultation": str(final.id),
            "concern": "cellulite", "number": 1, "date": START.isoformat(),
            "areas": ["thighs"], "patient_weight_kg": 60,
            "technique": {"depth": "intradermal", "needle": "30G 4 mm"},
            "products": [
                {"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": "CF0042",
                 "expiry": f"{TODAY.year + 1}-01", "volume_ml": 4},
                {"substance": "lidocaine", "product": "Lidocaine 2% 5 mL", "lot": "LD1111",
                 "expiry": f"{TODAY.year + 1}-06", "volume_ml": 2,
                 "concentration_mg_per_ml": 20}]})
        sessions.record_session(db, kb, first)
        return final.id
    finally:
        db.close()


def open_course(qtbot, window):
    window.search.setText("ελενη")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=TIMEOUT)
    window.history.selectRow(0)
    panel = window.detail.course
    qtbot.waitUntil(lambda: panel.record_button.isEnabled(), timeout=TIMEOUT)
    settle(qtbot, window)
    return panel


def open_dialog(qtbot, window, panel):
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    actions = window.main_actions.sessions
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(),
                    timeout=TIMEOUT)
    return actions.dialog


def test_the_pane_shows_the_course_done_and_next(qtbot, open_window, db_path):
    clinic_with_a_course(db_path)
    window = open_window(db_path)
    panel = open_course(qtbot, window)
    assert panel.table.rowCount() == 6
    assert "(session 1)" in panel.table.item(0, 3).text()
    assert panel.table.item(1, 3).text() == "next"
    assert panel.table.item(1, 2).text() == (START + dt.timedelta(days=7)).isoformat()
    assert "1 of 6 sessions done" in panel.summary.text()
    screenshot(window, "course-panel")


def test_a_session_is_recorded_with_a_scanned_lot(qtbot, open_window, db_path):
    consultation = clinic_with_a_course(db_path)
    window = open_window(db_path)
    dialog = open_dialog(qtbot, window, open_course(qtbot, window))
    # It starts from the last session's products and the next session of the course.
    assert dialog.products.rowCount() == 2
    assert dialog.cell(0, "product") == "Caffeine 2.5% 5 mL" and dialog.cell(1, "lot") == "LD1111"
    assert dialog.number.value() == 2
    # A scanner types the GS1 DataMatrix: symbology prefix, GTIN, lot, FNC1, expiry, Enter.
    # The FNC1 separator arrives as the control character GS (what QTest's keyClicks cannot
    # type, so it is sent as one key event with that text, as the scanner's keyboard does).
    dialog.products.selectRow(1)
    qtbot.keyClicks(dialog.scan, f"]d201{GTIN}10LD2291")
    QTest.sendKeyEvent(QTest.KeyAction.Click, dialog.scan, Qt.Key.Key_unknown, "\x1d",
                       Qt.KeyboardModifier.NoModifier)
    qtbot.keyClicks(dialog.scan, f"17{str(TODAY.year + 1)[2:]}0630")
    qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert dialog.cell(1, "lot") == "LD2291"
    assert dialog.cell(1, "expiry") == f"{TODAY.year + 1}-06-30"
    assert "GTIN 09506000134352" in dialog.messages.text()
    qtbot.waitUntil(lambda: "Scanned" not in dialog.messages.text(), timeout=TIMEOUT)
    assert "checks pass" in dialog.messages.text(), dialog.messages.text()
    screenshot(dialog, "record-session")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    [hit] = window.session.db.sessions.recall("LD2291")
    assert hit.consultation_id == consultation and hit.product == "Lidocaine 2% 5 mL"
    qtbot.waitUntil(lambda: "2 of 6 sessions done" in window.detail.course.summary.text(),
                    timeout=TIMEOUT)


def test_a_refused_session_says_why_and_keeps_what_was_typed(qtbot, open_window, db_path):
    clinic_with_a_course(db_path)
    window = open_window(db_path)
    dialog = open_dialog(qtbot, window, open_course(qtbot, window))
    dialog.set_cell(1, "volume_ml", "14")  # 280 mg of lidocaine for 60 kg (ceiling 270 mg)
    dialog.set_cell(0, "expiry", "2001-01")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ceiling" in dialog.messages.text(), timeout=TIMEOUT)
    text = dialog.messages.text()
    assert "280 mg" in text and "270 mg" in text and "60 kg" in text
    assert "products[0].expiry" in text
    assert dialog.isVisible() and dialog.cell(1, "volume_ml") == "14"
    assert len(window.session.db.sessions.for_patient(1)) == 1
    screenshot(dialog, "record-session-refused")
    # An unreadable scan is a message, not a crash.
    qtbot.keyClicks(dialog.scan, "hello <b>&")
    qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert "could not be read" in dialog.messages.text()
    dialog.reject()


def test_recall_from_the_menu_finds_the_patients_and_saves_the_csv(qtbot, open_window,
                                                                    db_path, tmp_path):
    import csv

    clinic_with_a_course(db_path)
    window = open_window(db_path)
    actions = window.main_actions.sessions
    assert actions.menu.title() == "&Sessions"
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Sessions") == len(titles) - 2  # before Help
    actions.recall_action.trigger()
    dialog = actions.recall_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    qtbot.keyClicks(dialog.lot, "cf0042")
    qtbot.keyClick(dialog.lot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=TIMEOUT)
    assert dialog.table.item(0, 1).text() == "Ελένη Παπαδοπούλου"
    assert "1 uses by 1 patients" in dialog.message.text()
    screenshot(dialog, "recall")
    target = tmp_path / "recall.csv"
    actions.save_recall_to(dialog.shown_lot, str(target))
    qtbot.waitUntil(lambda: "Saved to" in dialog.message.text(), timeout=TIMEOUT)
    with target.open(newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["lot"] == "CF0042" and row["name"] == "Ελένη Παπαδοπούλου"
    dialog.reject()


def test_the_calendar_is_saved_from_the_course(qtbot, open_window, db_path, tmp_path):
    import icalendar

    clinic_with_a_course(db_path)
    window = open_window(db_path)
    panel = open_course(qtbot, window)
    assert panel.calendar_button.isEnabled()
    target = tmp_path / "course.ics"
    window.main_actions.sessions.save_calendar_to(1, str(target))
    settle(qtbot, window)
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        START + dt.timedelta(days=7 * n) for n in range(6) if START + dt.timedelta(days=7 * n) >= TODAY]


def test_a_severe_adverse_event_asks_what_was_done_and_keeps_a_follow_up(qtbot, open_window,
                                                                       db_path):
    clinic_with_a_course(db_path)
    window = open_window(db_path)
    dialog = open_dialog(qtbot, window, open_course(qtbot, window))
    qtbot.keyClicks(dialog.event_kind, "bruising")
    dialog.event_severity.setCurrentText("severe")
    assert dialog.follow_up.isVisible() and "what was done" in dialog.severe_hint.text()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert "needs what was done" in dialog.messages.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.event_note, "Cold pack, pressure 10 min")
    follow_up = (TODAY + dt.timedelta(days=2)).isoformat()
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    recorded = window.session.db.sessions.for_patient(1)[-1].session
    assert recorded.adverse_events[0].severity == "severe"
    assert recorded.adverse_events[0].note == "Cold pack, pressure 10 min"
    assert f"Follow-up planned for {follow_up}." in recorded.notes
