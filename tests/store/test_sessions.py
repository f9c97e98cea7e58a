"""Recorded sessions: kept once, never changed (repository and triggers); a correction is a
new record; a recall finds every patient who received a lot."""

from __future__ import annotations

import pytest

from mesodesk.domain.session import parse_session_structure
from mesodesk.store import ImmutableRecord, InvalidRecord, NotFound


def session_doc(number=1, lot="LD2291", **changes):
    data = {"format": "mesodesk.session/1", "consultation": "1", "concern": "cellulite",
            "number": number, "date": "2026-12-03",
            "products": [{"substance": "caffeine", "product": "Caffeine 2.5% 5 mL",
                          "manufacturer": "Demo Pharma", "lot": lot, "expiry": "2027-06",
                          "volume_ml": 4.0},
                         {"substance": "l-carnitine", "lot": "LC77", "expiry": "2027-06",
                          "volume_ml": 2}]}
    data.update(changes)
    return parse_session_structure(data)


@pytest.fixture
def final(db, patient, doc):
    draft = db.consultations.save_draft(patient.id, doc)
    return db.consultations.finalize(draft.id, doc)


def test_a_session_is_recorded_with_its_products_and_audit(db, final, patient) -> None:
    record = db.sessions.record(final.id, session_doc(), actor="test")
    assert (record.consultation_id, record.patient_id) == (final.id, patient.id)
    assert record.session == session_doc()
    assert db.sessions.get(record.id) == record
    assert db.sessions.for_consultation(final.id) == [record]
    actions = [(e.action, e.table) for e in db.audit.events(3)]
    assert actions == [("record-session", "sessions"), ("record-session", "session_products"),
                       ("record-session", "session_products")]
    assert db.audit.verify().ok


def test_only_a_finalized_consultation_takes_sessions(db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(InvalidRecord, match="not finalized"):
        db.sessions.record(draft.id, session_doc())
    with pytest.raises(NotFound):
        db.sessions.record(999, session_doc())


def test_one_session_per_number_in_force(db, final) -> None:
    first = db.sessions.record(final.id, session_doc())
    with pytest.raises(InvalidRecord, match=f"already recorded \\(session {first.id}\\)"):
        db.sessions.record(final.id, session_doc())


def test_a_correction_is_a_new_record_naming_the_one_it_corrects(db, final) -> None:
    first = db.sessions.record(final.id, session_doc(lot="LD2219"))
    fixed = db.sessions.record(final.id, session_doc(
        lot="LD2291", corrects={"session": first.id, "reason": "lot digits swapped"}))
    assert (fixed.corrects, fixed.correction_reason) == (first.id, "lot digits swapped")
    assert db.sessions.get(first.id).corrected_by == fixed.id
    assert db.sessions.get(first.id).session.products[0].lot == "LD2219"  # kept as it was
    assert [r.id for r in db.sessions.for_patient(final.patient_id)] == [fixed.id]
    [event] = db.audit.events(1)
    assert (event.action, event.details["corrects"]) == ("correct-session", str(first.id))
    with pytest.raises(ImmutableRecord, match="already corrected"):
        db.sessions.record(final.id, session_doc(corrects={"session": first.id, "reason": "x"}))


def test_a_recorded_session_cannot_be_changed_by_raw_sql(backend, db, final) -> None:
    record = db.sessions.record(final.id, session_doc())
    with pytest.raises(Exception, match="recorded session cannot be changed"):
        backend.execute("UPDATE sessions SET number = 2 WHERE id = ?", (record.id,))
    with pytest.raises(Exception, match="recorded session cannot be deleted"):
        backend.execute("DELETE FROM sessions WHERE id = ?", (record.id,))
    with pytest.raises(Exception, match="recorded session cannot be changed"):
        backend.execute("UPDATE session_products SET lot = 'X' WHERE session_id = ?", (record.id,))
    with pytest.raises(Exception, match="recorded session cannot be changed"):
        backend.execute("DELETE FROM session_products WHERE session_id = ?", (record.id,))
    with pytest.raises(Exception, match="recorded session cannot be changed"):
        backend.execute(
            "INSERT INTO session_products (session_id, position, patient_id, consultation_id, "
            "session_date, substance, product, manufacturer, lot, lot_key, expiry, volume_ml) "
            "VALUES (?, 9, 1, 1, '2026-12-03', 'caffeine', '', '', 'X', 'X', '2027-01', 1.0)",
            (record.id,))
    assert db.sessions.get(record.id) == record
    assert db.audit.verify().ok


def test_raw_sql_cannot_add_a_session_to_a_draft(backend, db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    with pytest.raises(Exception, match="only be recorded for a finalized consultation"):
        backend.execute(
            "INSERT INTO sessions (consultation_id, patient_id, concern, number, date, document, "
            "fingerprint, correction_reason, recorded_at) VALUES (?, ?, 'cellulite', 1, "
            "'2026-12-03', '{}', '000000000000', '', '2026-12-03 10:00:00')",
            (draft.id, patient.id))


def test_a_lot_altered_behind_the_triggers_is_detected(backend, db, final) -> None:
    record = db.sessions.record(final.id, session_doc())
    backend.drop_trigger("session_products_no_update", "session_products")
    backend.execute("UPDATE session_products SET lot = 'FORGED' WHERE session_id = ?",
                    (record.id,))
    report = db.audit.verify()
    assert not report.ok
    assert any("session product" in problem for problem in report.problems)


def test_recall_finds_every_patient_who_received_the_lot(db, final, patient) -> None:
    first = db.sessions.record(final.id, session_doc(1, lot="LD2291"))
    db.sessions.record(final.id, session_doc(2, lot="OTHER", date="2026-12-10"))
    third = db.sessions.record(final.id, session_doc(3, lot="ld2291 ", date="2026-12-17"))
    hits = db.sessions.recall(" LD2291")
    assert [h.session_id for h in hits] == [first.id, third.id]
    assert hits[0].patient_name == patient.name and hits[0].phone == patient.phone
    assert hits[0].date_of_birth == patient.date_of_birth
    assert hits[0].product == "Caffeine 2.5% 5 mL"
    assert db.sessions.recall("NOPE") == []


def test_a_corrected_session_is_not_recalled_for_the_lot_it_got_wrong(db, final) -> None:
    first = db.sessions.record(final.id, session_doc(lot="LD2219"))
    db.sessions.record(final.id, session_doc(
        lot="LD2291", corrects={"session": first.id, "reason": "typo"}))
    assert db.sessions.recall("LD2219") == []
    assert len(db.sessions.recall("LD2291")) == 1


def test_recall_reads_the_lot_index_not_the_tables(file_backend) -> None:
    """What keeps a recall fast at 500,000 sessions (bench/bench_recall.py measures it): one
    run of the covering lot index, already in order, and each patient by primary key; the
    sessions' rows are never read (SQLite's plan)."""
    from sqlalchemy.dialects import sqlite

    from mesodesk.store.sessions import recall_query

    sql = str(recall_query("LD2291").compile(dialect=sqlite.dialect(),
                                             compile_kwargs={"literal_binds": True}))
    file_backend.open().close()  # the schema, migrated
    plan = " / ".join(row[-1] for row in file_backend.execute("EXPLAIN QUERY PLAN " + sql))
    assert "SEARCH session_products USING COVERING INDEX ix_session_products_lot" in plan, plan
    assert "SEARCH patients USING INTEGER PRIMARY KEY" in plan, plan
    assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan  # no scan, no sort
