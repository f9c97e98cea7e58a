"""Patients kept clean: two records of one person merged (their consultations move,
signed consents keep their PDFs byte for byte, the removed record's trail ends with the
merge), a record with no consultation deleted, one with consultations kept (and why)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.services import ServiceError
from mesodesk.services import patients as service
from mesodesk.store import NotFound
from tests.store.helpers import MINIMAL_PDF

SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)
UNCHANGED = ("id", "practitioner_id", "date", "concerns", "status", "document", "fingerprint",
             "supersedes", "created_at", "updated_at", "finalized_at", "format")


def two_records(db, doc):
    """The same person twice: the newer record holds a signed consultation and a draft."""
    kept = db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                         date_of_birth=dt.date(1988, 4, 12),
                                         notes="Allergic to lidocaine"))
    removed = db.patients.create(NewPatient(name="Eleni Papadopoulou",
                                            date_of_birth=dt.date(1988, 4, 12), sex="female",
                                            phone="+30 210 000 0000", email="eleni@example.org",
                                            notes="Prefers mornings"))
    draft = db.consultations.save_draft(removed.id, doc)
    final, consent = db.consultations.finalize_with_consent(
        draft.id, doc, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    other = db.consultations.save_draft(removed.id, doc.with_changes(notes="second"))
    return kept, removed, final, consent, other


def test_a_merge_moves_the_consultations_and_keeps_the_signed_pdf(db, doc) -> None:
    kept, removed, final, consent, other = two_records(db, doc)
    pdf_before = db.consents.pdf(consent.id)
    result = service.merge_patients(db, removed.id, kept.id, actor="dr")
    assert result.moved == (final.id, other.id) and result.removed_id == removed.id
    assert [c.id for c in db.consultations.for_patient(kept.id)] == sorted(
        [final.id, other.id], reverse=True)
    moved = db.consultations.get(final.id)
    assert moved.status == "final" and moved.document == final.document
    assert moved.patient_id == kept.id
    assert db.consents.pdf(consent.id) == pdf_before == MINIMAL_PDF
    assert hashlib.sha256(pdf_before).hexdigest() == db.consents.get(consent.id).pdf_sha256
    with pytest.raises(ServiceError, match=f"no patient {removed.id}"):
        service.merge_patients(db, removed.id, kept.id)
    assert db.audit.verify().ok


def test_the_richer_details_are_kept_unless_chosen(db, doc) -> None:
    kept, removed, *_ = two_records(db, doc)
    merged = service.merge_patients(db, removed.id, kept.id).patient
    assert (merged.name, merged.sex, merged.phone, merged.email) == (
        "Ελένη Παπαδοπούλου", "female", "+30 210 000 0000", "eleni@example.org")
    assert merged.notes == "Allergic to lidocaine\n\nPrefers mornings"


def test_the_practitioner_chooses_what_is_kept(db, doc) -> None:
    kept, removed, *_ = two_records(db, doc)
    chosen = NewPatient(name=removed.name, date_of_birth=kept.date_of_birth, sex="female",
                        phone=None, email="new@example.org", notes="chosen")
    merged = service.merge_patients(db, removed.id, kept.id, chosen).patient
    assert (merged.id, merged.name, merged.phone, merged.email, merged.notes) == (
        kept.id, "Eleni Papadopoulou", None, "new@example.org", "chosen")


def test_the_removed_records_trail_ends_with_the_merge(db, doc) -> None:
    kept, removed, final, _consent, other = two_records(db, doc)
    service.merge_patients(db, removed.id, kept.id, actor="dr")
    last = db.audit.events(limit=1, table="patients", record_id=removed.id)[0]
    assert (last.action, last.after, last.details["into"]) == ("merge-into", None, str(kept.id))
    assert last.details["consultations"] == f"{final.id},{other.id}"
    kept_event = db.audit.events(limit=1, table="patients", record_id=kept.id)[0]
    assert (kept_event.action, kept_event.details["merged"]) == ("merge", str(removed.id))
    moves = db.audit.events(limit=1, table="consultations", record_id=final.id)[0]
    assert (moves.action, moves.details["from_patient"]) == ("move-to-patient", str(removed.id))


def test_a_merge_fails_whole(db, doc) -> None:
    kept, removed, final, *_ = two_records(db, doc)
    wrong = NewPatient(name="", date_of_birth=kept.date_of_birth)
    with pytest.raises(ServiceError, match="name"):
        service.merge_patients(db, removed.id, kept.id, wrong)
    with pytest.raises(ServiceError, match="into itself"):
        service.merge_patients(db, kept.id, kept.id)
    assert db.consultations.get(final.id).patient_id == removed.id
    assert db.patients.get(removed.id).name == "Eleni Papadopoulou"


def test_the_trigger_lets_a_closed_consultation_change_its_patient_only(backend, db,
                                                                         doc) -> None:
    kept, removed, final, *_ = two_records(db, doc)
    literal = {"id": 9999, "practitioner_id": None, "date": "2001-01-01", "concerns": "x",
               "status": "draft", "document": "{}", "fingerprint": "000000000000",
               "supersedes": final.id, "created_at": "2001-01-01 00:00:00",
               "updated_at": "2001-01-01 00:00:00", "finalized_at": None, "format": "x"}
    for column in UNCHANGED:  # with the patient or without, every other change is refused
        for patient_too in (False, True):
            moving = ", patient_id = ?" if patient_too else ""
            with pytest.raises(Exception, match="finalized consultation cannot be changed"):
                backend.execute(f"UPDATE consultations SET {column} = ?{moving} WHERE id = ?",
                                (literal[column], *((kept.id,) if patient_too else ()),
                                 final.id))
    backend.execute("UPDATE consultations SET patient_id = ? WHERE id = ?", (kept.id, final.id))
    assert db.consultations.get(final.id).patient_id == kept.id
    assert not db.audit.verify().ok  # moved outside mesodesk: the audit check says so


def test_a_merge_moves_the_recorded_sessions_too(db, doc) -> None:
    from tests.store.test_sessions import session_doc

    kept, removed, final, *_ = two_records(db, doc)
    session = db.sessions.record(final.id, session_doc())
    service.merge_patients(db, removed.id, kept.id, actor="dr")
    moved = db.sessions.get(session.id)
    assert moved.patient_id == kept.id
    assert moved == dataclasses.replace(session, patient_id=kept.id)  # nothing else changed
    event = db.audit.events(limit=1, table="sessions", record_id=session.id)[0]
    assert (event.action, event.details["to_patient"]) == ("move-to-patient", str(kept.id))
    assert db.audit.verify().ok


SESSION_UNCHANGED = {"id": 9999, "consultation_id": 9999, "concern": "x", "number": 99,
                     "date": "2001-01-01", "document": "{}", "fingerprint": "000000000000",
                     "corrects": "itself", "correction_reason": "x",
                     "recorded_at": "2001-01-01 00:00:00"}


def test_the_trigger_lets_a_session_change_its_patient_only(backend, db, doc) -> None:
    from tests.store.test_sessions import session_doc

    kept, removed, final, *_ = two_records(db, doc)
    session = db.sessions.record(final.id, session_doc())
    for column, value in SESSION_UNCHANGED.items():
        value = session.id if value == "itself" else value
        for patient_too in (False, True):
            moving = ", patient_id = ?" if patient_too else ""
            with pytest.raises(Exception, match="recorded session cannot be changed"):
                backend.execute(f"UPDATE sessions SET {column} = ?{moving} WHERE id = ?",
                                (value, *((kept.id,) if patient_too else ()), session.id))
    backend.execute("UPDATE sessions SET patient_id = ? WHERE id = ?", (kept.id, session.id))
    assert db.sessions.get(session.id).patient_id == kept.id


def test_a_patient_with_no_consultation_is_deleted(db, doc) -> None:
    mistake = db.patients.create(NewPatient(name="Typo Name", date_of_birth=dt.date(1990, 1, 1)))
    assert service.consultation_count(db, mistake.id) == 0
    service.delete_patient(db, mistake.id, actor="dr")
    with pytest.raises(NotFound, match=f"no patient {mistake.id}"):
        db.patients.get(mistake.id)
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.record_id, event.after) == ("delete", mistake.id, None)
    assert db.audit.verify().ok


def test_a_patient_with_consultations_is_not_deleted_and_says_why(db, doc) -> None:
    _kept, removed, *_ = two_records(db, doc)
    assert service.consultation_count(db, removed.id) == 2
    with pytest.raises(ServiceError) as refused:
        service.delete_patient(db, removed.id)
    assert "has 2 consultations; clinical records are kept for 10 years" in str(refused.value)
    assert "cannot be erased before" in str(refused.value)
    assert "merge it into the other one" in str(refused.value)
    assert refused.value.exit_code == 3
    assert db.patients.get(removed.id).name == "Eleni Papadopoulou"


# -- the command line ----------------------------------------------------------------------

def run(backend, tmp_path, capsys, *args: str) -> tuple[int, str, str]:
    from mesodesk.cli import main

    options = ["--db", backend.location]

    options += backend.cli_choice
    if backend.passphrase is not None:
        key = tmp_path / "passphrase.txt"
        key.write_text(backend.passphrase + "\n", encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    capsys.readouterr()
    code = main([*args, *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_patient_merge_command_shows_both_and_asks(backend, db, doc, tmp_path, capsys) -> None:
    kept, removed, final, *_ = two_records(db, doc)
    code, out, err = run(backend, tmp_path, capsys, "patient", "merge", str(removed.id),
                         str(kept.id))
    assert code == 2 and "nothing was merged" in err and "--yes" in err
    assert f"Merge patient {removed.id}: Eleni Papadopoulou (1988-04-12, female" in out
    assert f"into patient {kept.id}: Ελένη Παπαδοπούλου (1988-04-12; 0 consultations)" in out
    assert db.consultations.get(final.id).patient_id == removed.id
    code, out, err = run(backend, tmp_path, capsys, "patient", "merge", str(removed.id),
                         str(kept.id), "--yes")
    assert code == 0, err
    assert f"merged: 2 consultations moved to patient {kept.id}, Ελένη Παπαδοπούλου" in out
    assert db.consultations.get(final.id).patient_id == kept.id


def test_patient_delete_command(backend, db, doc, tmp_path, capsys) -> None:
    _kept, removed, *_ = two_records(db, doc)
    mistake = db.patients.create(NewPatient(name="<b>&", date_of_birth=dt.date(1990, 1, 1)))
    code, _out, err = run(backend, tmp_path, capsys, "patient", "delete", str(removed.id))
    assert code == 3 and "has 2 consultations; clinical records are kept" in err
    code, out, err = run(backend, tmp_path, capsys, "patient", "delete", str(mistake.id), "--yes")
    assert code == 0 and f"deleted patient {mistake.id}, <b>&" in out
    for wrong, message in (("0", "not a patient id"), ("abc", "not a patient id"),
                           ("99999", "no patient 99999")):
        code, _out, err = run(backend, tmp_path, capsys, "patient", "delete", wrong, "--yes")
        assert code == 2 and message in err, err
