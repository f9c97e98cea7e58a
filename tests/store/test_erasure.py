"""Erasing a patient after the retention period, on every backend: the store's erase
deletes the patient and every record (signed consent, sessions and products, photographs,
photo consent events), each with its audit event, and the trail still verifies; without
an erasure the triggers keep refusing any other program's delete; an erasure row never
changes; the period is checked again inside the store."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.domain.session import parse_session_structure
from mesodesk.store import ImmutableRecord, NotFound
from tests.store.helpers import MINIMAL_PDF

SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def patient_with_everything(db, doc):
    patient = db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                            date_of_birth=dt.date(1988, 4, 12)))
    draft = db.consultations.save_draft(patient.id, doc)
    final, consent = db.consultations.finalize_with_consent(
        draft.id, doc, MINIMAL_PDF, doc.fingerprint(), SIGNED_AT)
    session = db.sessions.record(final.id, parse_session_structure(
        '{"format": "mesodesk.session/1", "consultation": "%d", "concern": "cellulite", '
        '"number": 1, "date": "%s", "products": [{"substance": "caffeine", "lot": "CF1", '
        '"expiry": "2030-01", "volume_ml": 2}]}' % (final.id, doc.date.isoformat())))
    db.photos.give_consent(patient.id, doc.date)
    db.photos.add(patient.id, area="thighs", view="front", session_id=session.id,
                  taken_on=doc.date, width=8, height=8, image=JPEG, thumbnail=JPEG)
    newer = db.consultations.new_version(final.id, reason="typo in the notes")
    other = db.patients.create(NewPatient(name="Other", date_of_birth=dt.date(1970, 1, 1)))
    db.consultations.save_draft(other.id, doc)
    return patient, final, consent, session, newer, other


def test_erase_after_the_period_deletes_everything_audited(backend, db, doc) -> None:
    patient, final, consent, session, newer, other = patient_with_everything(db, doc)
    last = doc.date
    with pytest.raises(ImmutableRecord, match="must be kept until"):
        db.erasures.erase(patient.id, 10, today=last.replace(year=last.year + 10))
    assert db.patients.get(patient.id).id == patient.id  # nothing erased
    erased = db.erasures.erase(patient.id, 10, today=last.replace(year=last.year + 11),
                               actor="dr")
    assert erased.kept_until == last.replace(year=last.year + 10)
    assert erased.deleted == {"session_products": 1, "photos": 1, "photo_consents": 1,
                              "sessions": 1, "signed_consents": 1, "consultations": 2}
    with pytest.raises(NotFound):
        db.patients.get(patient.id)
    for table in ("consultations", "sessions", "session_products", "photos", "photo_consents"):
        assert backend.execute(f"SELECT count(*) FROM {table} WHERE patient_id = ?",
                               (patient.id,))[0][0] == 0, table
    assert backend.execute("SELECT count(*) FROM signed_consents WHERE id = ?",
                           (consent.id,))[0][0] == 0
    assert backend.execute("SELECT patient_id FROM erasures") == [(patient.id,)]
    assert db.consultations.for_patient(other.id)  # another patient's records stay
    last_event = db.audit.events(limit=1)[0]
    assert (last_event.action, last_event.table, last_event.record_id, last_event.after) == (
        "erase", "patients", patient.id, None)
    assert last_event.details["consultations"] == "2"
    report = db.audit.verify()
    assert report.ok, report.problems


def test_without_an_erasure_the_triggers_still_refuse(backend, db, doc) -> None:
    patient, final, consent, session, _newer, _other = patient_with_everything(db, doc)
    for statement, message in (
            (f"DELETE FROM signed_consents WHERE id = {consent.id}", "signed consent cannot"),
            (f"DELETE FROM session_products WHERE session_id = {session.id}", "cannot be changed"),
            (f"DELETE FROM photos WHERE patient_id = {patient.id}", "cannot be deleted"),
            (f"DELETE FROM photo_consents WHERE patient_id = {patient.id}", "cannot be changed")):
        with pytest.raises(Exception, match=message):
            backend.execute(statement)
    db.erasures.erase(patient.id, 1, today=doc.date.replace(year=doc.date.year + 2))
    with pytest.raises(Exception, match="erasure record cannot be changed"):
        backend.execute("UPDATE erasures SET patient_id = 999")
    with pytest.raises(Exception, match="erasure record cannot be changed"):
        backend.execute("DELETE FROM erasures")
