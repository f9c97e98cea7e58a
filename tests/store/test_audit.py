"""The audit trail: one event per change, in the same transaction, hash-chained, append-only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import ImmutableRecord, audit
from mesodesk.store.base import GENESIS_HASH


def _workload(db, doc) -> None:
    patient = db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1988, 4, 12)))
    db.patients.update(patient.id, NewPatient(name="Ελένη Π.", date_of_birth=dt.date(1988, 4, 12)))
    draft = db.consultations.save_draft(patient.id, doc)
    db.consultations.save_draft(patient.id, doc.with_changes(notes="edited"), draft.id)
    db.consultations.finalize(draft.id, doc)
    spare = db.consultations.save_draft(patient.id, doc.with_changes(notes="spare"))
    db.consultations.delete_draft(spare.id)


def test_every_change_writes_one_event_chained_to_the_last(db, doc) -> None:
    _workload(db, doc)
    events = list(reversed(db.audit.events(limit=1000)))
    assert [(e.action, e.table) for e in events] == [
        ("create-database", "schema"),
        ("create", "patients"), ("update", "patients"),
        ("create", "practitioners"), ("create-draft", "consultations"),
        ("update-draft", "consultations"), ("finalize", "consultations"),
        ("create-draft", "consultations"), ("delete-draft", "consultations"),
    ]
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    assert events[0].previous_hash == GENESIS_HASH
    for earlier, later in zip(events, events[1:]):
        assert later.previous_hash == earlier.hash
    assert events[-1].before is not None and events[-1].after is None
    assert events[2].before == events[1].after  # an update starts where the create ended
    assert all(e.actor for e in events)
    report = db.audit.verify()
    assert report.ok and report.checked == len(events) and report.first_broken_id is None
    assert "whole" in report.message


def test_the_actor_is_recorded(db) -> None:
    db.patients.create(NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1)), actor="dr.ioannou")
    assert db.audit.events(limit=1)[0].actor == "dr.ioannou"
    db.patients.create(NewPatient(name="B", date_of_birth=dt.date(1980, 1, 1)))
    assert db.audit.events(limit=1)[0].actor == audit.default_actor()


def test_a_refused_change_writes_no_event(db, patient, doc) -> None:
    draft = db.consultations.save_draft(patient.id, doc)
    db.consultations.finalize(draft.id, doc)
    before = db.audit.events(limit=1000)
    with pytest.raises(ImmutableRecord):
        db.consultations.save_draft(patient.id, doc, draft.id)
    assert db.audit.events(limit=1000) == before


def test_the_change_and_its_event_commit_together(db, monkeypatch) -> None:
    """If the audit event cannot be written, the change is rolled back too."""
    def broken_append(*args, **kwargs):
        raise RuntimeError("the disk vanished")

    monkeypatch.setattr(audit, "append", broken_append)
    monkeypatch.setattr(audit, "append_many", broken_append)
    with pytest.raises(RuntimeError):
        db.patients.create(NewPatient(name="Ghost", date_of_birth=dt.date(1980, 1, 1)))
    monkeypatch.undo()
    assert db.patients.count() == 0
    assert db.audit.verify().ok


def test_the_audit_trail_cannot_be_changed_by_raw_sql(backend, db, patient) -> None:
    with pytest.raises(Exception, match="append-only"):
        backend.execute("UPDATE audit_events SET actor = 'someone else' WHERE id = 2")
    with pytest.raises(Exception, match="append-only"):
        backend.execute("DELETE FROM audit_events WHERE id = 2")
    assert db.audit.verify().ok


@pytest.fixture
def busy(db, doc):
    _workload(db, doc)
    return db


def test_tampering_with_one_audit_row_makes_verify_name_it(backend, busy) -> None:
    backend.drop_trigger("audit_events_no_update", "audit_events")
    backend.execute("UPDATE audit_events SET actor = 'somebody else' WHERE id = 4")
    report = busy.audit.verify()
    assert not report.ok
    assert report.first_broken_id == 4
    assert "broken at event 4" in report.message
    assert "event 4: its contents were changed after it was written" in report.problems[0]


def test_recomputing_the_tampered_rows_hash_breaks_the_next_link(backend, busy) -> None:
    row = backend.execute("SELECT id, at, actor, action, table_name, record_id, before_hash, "
                          "after_hash, details, previous_hash FROM audit_events WHERE id = 3")[0]
    at = row[1] if isinstance(row[1], dt.datetime) else dt.datetime.fromisoformat(str(row[1]))
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    import json

    forged = audit.event_hash(id=3, at=at, actor="forger", action=row[3], table=row[4],
                              record_id=row[5], before=row[6], after=row[7],
                              details=json.loads(row[8]), previous_hash=row[9])
    backend.drop_trigger("audit_events_no_update", "audit_events")
    backend.execute("UPDATE audit_events SET actor = 'forger', hash = ? WHERE id = 3", (forged,))
    report = busy.audit.verify()
    assert not report.ok and report.first_broken_id == 4
    assert "event 4: does not follow the event before it" in report.problems[0]


def test_a_deleted_audit_row_is_named(backend, busy) -> None:
    backend.drop_trigger("audit_events_no_delete", "audit_events")
    backend.execute("DELETE FROM audit_events WHERE id = 5")
    report = busy.audit.verify()
    assert not report.ok and report.first_broken_id == 6
    assert "events 5..5 are missing" in report.message


def test_a_record_changed_outside_mesodesk_is_found(backend, busy) -> None:
    backend.execute("UPDATE patients SET name = 'Somebody Else' WHERE id = 1")
    report = busy.audit.verify()
    assert not report.ok and report.first_broken_id is None
    assert "patient 1: differs from its last audited state" in report.message


def test_a_record_written_outside_mesodesk_is_found(backend, busy) -> None:
    backend.execute("INSERT INTO patients (name, search_key, latin_key, date_of_birth, notes, "
                    "phone_digits, created_at, updated_at) VALUES ('X', 'x', 'x', '1990-01-01', "
                    "'', '', "
                    "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    report = busy.audit.verify()
    assert not report.ok
    assert any("has no audit event" in problem for problem in report.problems)


def test_concurrent_writers_keep_one_chain(db) -> None:
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for index in range(15):
                db.patients.create(NewPatient(name=f"Worker {worker} patient {index}",
                                              date_of_birth=dt.date(1980, 1, 1)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.patients.count() == 60
    report = db.audit.verify()
    assert report.ok, report.problems
    assert report.checked == 61


def test_events_that_change_no_record_join_the_chain(db, patient) -> None:
    from mesodesk.store import NotFound

    printed = db.audit.note("print-plan", table="patients", record_id=patient.id,
                            details={"copies": "2"}, actor="front desk")
    assert printed.before == printed.after  # the record did not change
    db.audit.note("open-on-new-computer")
    with pytest.raises(NotFound):
        db.audit.note("print-plan", table="patients", record_id=999)
    assert [e.action for e in db.audit.events(limit=2)] == ["open-on-new-computer", "print-plan"]
    assert db.audit.events(table="patients", record_id=patient.id)[0].details == {"copies": "2"}
    assert db.audit.verify().ok
