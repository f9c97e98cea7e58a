"""Tamper evidence against someone who has the database file.

Each test plays an attacker with the file and a bare driver connection (no mesodesk):
changing a row, deleting or forging events, cutting the tail, rebuilding the whole chain
after rewriting a signed consent, dropping or changing a trigger. ``audit verify`` must
name each one. The sessions end as the app and the commands end them: with a signed
checkpoint of the chain's head, kept outside the database (see store/checkpoints.py).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.services.verify import Session, verify
from mesodesk.store import audit, checkpoints
from mesodesk.store.base import GENESIS_HASH
from tests.store.helpers import MINIMAL_PDF

SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)
PROTECTED = ("audit_events_no_update", "audit_events_no_delete", "signed_consents_no_update")


@pytest.fixture
def signed(db, doc):
    """A session that stored a patient, a finalized consultation and its signed consent,
    and ended with a checkpoint."""
    session = Session(db)
    patient = db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                            date_of_birth=dt.date(1988, 4, 12)))
    draft = db.consultations.save_draft(patient.id, doc)
    final = db.consultations.finalize(draft.id, doc)
    db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
    db.patients.create(NewPatient(name="Νίκος", date_of_birth=dt.date(1975, 2, 3)))
    written = session.end()
    assert written is not None and written.written and written.signed
    report = verify(db)
    assert report.ok, report.problems
    assert any("signature valid" in line for line in report.checked)
    return db


def _table_of(trigger: str) -> str:
    return trigger.rsplit("_no_", 1)[0].removesuffix("_final")


def _trigger_sql(backend, name: str) -> str:
    if backend.name == "postgresql":
        return backend.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = ? "
                               "AND tgrelid = to_regclass(?)", (name, _table_of(name)))[0][0]
    return backend.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                           (name,))[0][0]


def _without_triggers(backend, names=PROTECTED):
    """Drop the triggers, and give back how to put them back exactly as they were."""
    saved = {name: _trigger_sql(backend, name) for name in names}
    for name in names:
        backend.drop_trigger(name, _table_of(name))

    def restore() -> None:
        for sql in saved.values():
            backend.execute(sql)
    return restore


def _rows(backend):
    return backend.execute("SELECT id, at, actor, action, table_name, record_id, before_hash, "
                           "after_hash, details, previous_hash, hash FROM audit_events ORDER BY id")


def _time(value) -> dt.datetime:
    at = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.timezone.utc)


def _rechain(backend, rows) -> None:
    """Recompute every event's hash and link, as a forger with the file can."""
    previous = GENESIS_HASH
    backend.execute("UPDATE audit_events SET previous_hash = 'p' || id, hash = 'h' || id")
    for row in rows:
        event_id, at, actor, action, table, record_id, before, after, details = row[:9]
        digest = audit.event_hash(id=event_id, at=_time(at), actor=actor, action=action,
                                  table=table, record_id=record_id, before=before, after=after,
                                  details=json.loads(details), previous_hash=previous)
        backend.execute("UPDATE audit_events SET previous_hash = ?, hash = ? WHERE id = ?",
                        (previous, digest, event_id))
        previous = digest


def _problems(db) -> str:
    report = verify(db)
    assert not report.ok
    return "\n".join(report.problems)


def test_a_changed_row_is_named(backend, signed) -> None:
    backend.execute("UPDATE patients SET name = 'Somebody Else' WHERE id = 1")
    assert "patient 1: differs from its last audited state" in _problems(signed)


def test_a_changed_final_record_is_prevented(backend, signed) -> None:
    with pytest.raises(Exception, match="cannot be changed"):
        backend.execute("UPDATE signed_consents SET pdf_sha256 = 'x'")
    assert verify(signed).ok


def test_a_deleted_event_is_named(backend, signed) -> None:
    restore = _without_triggers(backend, ("audit_events_no_delete",))
    backend.execute("DELETE FROM audit_events WHERE id = 3")
    restore()
    assert "events 3..3 are missing" in _problems(signed)


def test_a_forged_event_inserted_in_the_middle_is_named(backend, signed) -> None:
    """Insert an event between 2 and 3: renumber the later ones, recompute the chain."""
    restore = _without_triggers(backend)
    rows = _rows(backend)
    for row in reversed(rows[2:]):
        backend.execute("UPDATE audit_events SET id = id + 1 WHERE id = ?", (row[0],))
    forged = (3, rows[2][1], "forger", "note", "database", None, None, None, "{}")
    backend.execute("INSERT INTO audit_events (id, at, actor, action, table_name, record_id, "
                    "before_hash, after_hash, details, previous_hash, hash) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'x', 'y')", forged)
    _rechain(backend, _rows(backend))
    restore()
    assert "the audit chain was rewritten or rebuilt" in _problems(signed)


def test_a_forged_event_appended_after_the_checkpoint_is_named_and_stays_named(
        backend, signed) -> None:
    """Appending needs no trigger dropped (audit rows may be inserted) and a valid hash is
    easy to compute: no signature covers it, and no later session vouches for it."""
    last = _rows(backend)[-1]
    forged_id = last[0] + 1
    at = _time(last[1])
    digest = audit.event_hash(id=forged_id, at=at, actor="forger", action="note",
                              table="database", record_id=None, before=None, after=None,
                              details={}, previous_hash=last[10])
    backend.execute("INSERT INTO audit_events (id, at, actor, action, table_name, record_id, "
                    "before_hash, after_hash, details, previous_hash, hash) VALUES "
                    "(?, ?, 'forger', 'note', 'database', NULL, NULL, NULL, '{}', ?, ?)",
                    (forged_id, last[1], last[10], digest))
    notice = f"events {forged_id}..{forged_id} are not covered by a signed checkpoint"
    assert any(notice in line for line in verify(signed).notices)
    session = Session(signed)  # the next session writes, and ends
    signed.patients.create(NewPatient(name="Later", date_of_birth=dt.date(1990, 1, 1)))
    assert session.end().written
    report = verify(signed)
    assert any(notice in line for line in report.notices)
    assert not any(f"events {forged_id + 1}.." in line for line in report.notices)


def test_a_cut_tail_is_named_even_with_the_trigger_put_back(backend, signed) -> None:
    total = len(_rows(backend))
    restore = _without_triggers(backend, ("audit_events_no_delete",))
    backend.execute("DELETE FROM audit_events WHERE id > ?", (total - 2,))
    backend.execute("DELETE FROM patients WHERE id = 2")  # the record the cut events made
    restore()
    problems = _problems(signed)
    assert (f"the tail of the audit trail was cut: the checkpoint of" in problems
            and f"counted {total} events, the database ends at event {total - 2}" in problems)
    assert "schema" not in problems  # the trigger is back exactly as it was


def test_a_rebuilt_chain_after_rewriting_a_signed_consent_is_named(backend, signed) -> None:
    """The attack that passed before: drop the triggers, rewrite the signed consent,
    recompute its audited state and the whole chain, put the triggers back."""
    restore = _without_triggers(backend)
    forged_pdf = MINIMAL_PDF + b"% a different consent\n"
    digest = audit.sha256_hex(forged_pdf)
    backend.execute("UPDATE signed_consents SET pdf = ?, pdf_sha256 = ? WHERE id = 1",
                    (forged_pdf, digest))
    consent = backend.execute("SELECT id, consultation_id, pdf_sha256, fingerprint, signed_at "
                              "FROM signed_consents WHERE id = 1")[0]
    state = audit.state_hash("signed_consents", {
        "id": consent[0], "consultation_id": consent[1], "pdf_sha256": consent[2],
        "fingerprint": consent[3], "signed_at": _time(consent[4])})
    event = [row for row in _rows(backend) if row[3] == "record-consent"][0]
    details = json.loads(event[8])
    details["pdf_sha256"] = digest
    backend.execute("UPDATE audit_events SET after_hash = ?, details = ? WHERE id = ?",
                    (state, audit.canonical(details), event[0]))
    _rechain(backend, _rows(backend))
    restore()
    assert signed.audit.verify().ok  # the chain alone is fooled: this is the attack
    assert "the audit chain was rewritten or rebuilt" in _problems(signed)


def test_a_dropped_trigger_is_named(backend, signed) -> None:
    backend.drop_trigger("signed_consents_no_delete", "signed_consents")
    problems = _problems(signed)
    assert "the trigger signed_consents_no_delete is missing" in problems
    assert "schema: the trigger signed_consents_no_delete was dropped" in problems


def test_a_changed_trigger_is_named(backend, signed) -> None:
    if backend.name == "postgresql":
        backend.execute("DROP TRIGGER audit_events_no_delete ON audit_events")
        backend.execute("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                        "FOR EACH ROW WHEN (OLD.id < 0) EXECUTE FUNCTION "
                        "mesodesk_refuse_change('the audit trail is append-only')")
    else:
        backend.execute("DROP TRIGGER audit_events_no_delete")
        backend.execute("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                        "WHEN OLD.id < 0 BEGIN SELECT RAISE(ABORT, 'mesodesk: the audit trail "
                        "is append-only'); END")
    assert "schema: the trigger audit_events_no_delete was changed" in _problems(signed)


def test_a_session_does_not_sign_a_tampered_chain(backend, signed) -> None:
    total = len(_rows(backend))
    restore = _without_triggers(backend, ("audit_events_no_delete",))
    backend.execute("DELETE FROM audit_events WHERE id = ?", (total,))
    backend.execute("DELETE FROM patients WHERE id = 2")
    restore()
    session = Session(signed)
    signed.patients.create(NewPatient(name="After", date_of_birth=dt.date(1990, 1, 1)))
    written = session.end()
    # the new event took the deleted one's number: the checkpointed event is not there
    assert not written.written and "the audit chain was rewritten" in written.reason
    assert "the audit chain was rewritten" in _problems(signed)


def test_an_altered_checkpoint_file_is_named(signed) -> None:
    path = checkpoints.checkpoint_path(signed.location)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["events"] -= 1
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "its signature does not verify" in _problems(signed)


def test_the_triggers_verify_expects_are_those_of_a_new_database(backend, db) -> None:
    with db.reading() as connection:
        made = {name.split(" ", 1)[1] for name in checkpoints.schema_objects(connection)
                if name.startswith("trigger ")}
        assert checkpoints.missing_triggers(connection) == []
    expected = (checkpoints.POSTGRESQL_TRIGGERS if backend.name == "postgresql"
                else checkpoints.SQLITE_TRIGGERS)
    assert made == set(expected)
