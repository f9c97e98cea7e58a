"""Photographs in the store, on every backend: the triggers keep a photograph's metadata as
stored (only the withdrawal's deletion of image data and a merge's move get through), a
merge moves photographs and consent events, a patient with photographs is not deleted,
lists read the covering index only, and a database at 0007 upgrades with its data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from mesodesk.domain.records import NewPatient
from mesodesk.services import patients as patient_service
from mesodesk.store import ImmutableRecord
from mesodesk.store import audit
from mesodesk.store.base import SCHEMA_HEAD
from mesodesk.store.engine import create_store_engine, resolve_location
from mesodesk.store.photos import NoPhotoConsent
from mesodesk.store.schema import current_revision, migration_connection, upgrade
from tests.services.photo_helpers import plain_jpeg
from tests.store.helpers import table_dump

TODAY = dt.date.today()
JPEG = plain_jpeg((64, 48))


def add(db, patient_id: int, view: str = "front"):
    return db.photos.add(patient_id, area="face", view=view, session_id=None, taken_on=TODAY,
                         width=64, height=48, image=JPEG, thumbnail=JPEG[:200] + b"thumb")


@pytest.fixture
def consented(db, patient):
    db.photos.give_consent(patient.id, TODAY - dt.timedelta(days=3), actor="dr")
    return patient


def test_the_store_refuses_a_photograph_without_consent(db, patient):
    with pytest.raises(NoPhotoConsent):
        add(db, patient.id)
    db.photos.give_consent(patient.id, TODAY)
    assert add(db, patient.id).patient_id == patient.id
    db.photos.withdraw_consent(patient.id, TODAY)
    with pytest.raises(NoPhotoConsent):
        add(db, patient.id)


METADATA = {"area": "neck", "view": "back", "session_id": 9999, "taken_on": "2001-01-01",
            "width": 1, "height": 1, "image_sha256": "0" * 64, "added_at": "2001-01-01 00:00:00"}


def test_the_triggers_keep_a_photographs_metadata(backend, db, consented):
    photo = add(db, consented.id)
    other = db.patients.create(NewPatient(name="Άλλος", date_of_birth=dt.date(1990, 1, 1)))
    for column, value in METADATA.items():
        for also in ("", ", patient_id = ?", ", image = NULL, thumbnail = NULL, deleted_at = ?"):
            extra = {"": (), ", patient_id = ?": (other.id,),
                     ", image = NULL, thumbnail = NULL, deleted_at = ?": ("2026-01-01 00:00:00",)}
            with pytest.raises(Exception, match="stored photograph cannot be changed"):
                backend.execute(f"UPDATE photos SET {column} = ?{also} WHERE id = ?",
                                (value, *extra[also], photo.id))
    for statement in ("UPDATE photos SET image = NULL WHERE id = ?",
                      "UPDATE photos SET image = ? WHERE id = ?",
                      "UPDATE photos SET thumbnail = NULL, deleted_at = '2026-01-01' WHERE id = ?"):
        params = (b"x", photo.id) if statement.count("?") == 2 else (photo.id,)
        with pytest.raises(Exception, match="stored photograph cannot be changed"):
            backend.execute(statement, params)
    with pytest.raises(Exception, match="stored photograph cannot be deleted"):
        backend.execute("DELETE FROM photos WHERE id = ?", (photo.id,))
    with pytest.raises(Exception, match="photo consent event cannot be changed"):
        backend.execute("UPDATE photo_consents SET on_date = '2001-01-01'")
    with pytest.raises(Exception, match="photo consent event cannot be changed"):
        backend.execute("DELETE FROM photo_consents")
    assert db.photos.image(photo.id) == JPEG
    # the two updates that get through: the withdrawal's, and a merge's move
    backend.execute("UPDATE photos SET patient_id = ? WHERE id = ?", (other.id, photo.id))
    backend.execute("UPDATE photos SET image = NULL, thumbnail = NULL, deleted_at = ? "
                    "WHERE id = ?", ("2026-01-01 00:00:00", photo.id))
    with pytest.raises(Exception, match="stored photograph cannot be changed"):
        backend.execute("UPDATE photos SET deleted_at = NULL WHERE id = ?", (photo.id,))


def test_withdrawal_in_the_store_is_one_event_and_leaves_the_audit_whole(db, consented):
    for view in ("front", "side"):
        add(db, consented.id, view)
    assert db.photos.withdraw_consent(consented.id, TODAY, actor="dr") == 2
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.table, event.details["deleted"]) == (
        "photo.consent.withdraw", "photo_consents", "2")
    assert db.photos.count(consented.id) == 0
    assert db.photos.count(consented.id, with_image=False) == 2
    assert db.audit.verify().ok, db.audit.verify().problems


def test_an_image_changed_outside_mesodesk_is_found_by_the_audit_check(backend, db, consented):
    photo = add(db, consented.id)
    backend.drop_trigger("photos_no_update", "photos")
    backend.execute("UPDATE photos SET area = 'neck' WHERE id = ?", (photo.id,))
    report = db.audit.verify()
    assert not report.ok and any(f"photograph {photo.id}" in p for p in report.problems)


def test_a_merge_moves_photographs_and_consent_events(db, consented):
    kept = db.patients.create(NewPatient(name="Eleni Papadopoulou",
                                         date_of_birth=dt.date(1988, 4, 12)))
    photos = [add(db, consented.id, view) for view in ("front", "side")]
    patient_service.merge_patients(db, consented.id, kept.id, actor="dr")
    moved = db.photos.for_patient(kept.id)
    assert [p.id for p in moved] == [p.id for p in photos]
    assert [p.patient_id for p in moved] == [kept.id, kept.id]
    assert moved[0].taken_on == photos[0].taken_on and db.photos.image(moved[0].id) == JPEG
    assert db.photos.consent(kept.id).in_force
    events = db.audit.events(limit=1, table="photos", record_id=photos[0].id)
    assert (events[0].action, events[0].details["to_patient"]) == ("move-to-patient",
                                                                   str(kept.id))
    assert db.audit.verify().ok, db.audit.verify().problems


def test_a_patient_with_photographs_or_consent_events_is_not_deleted(db, consented):
    with pytest.raises(ImmutableRecord, match="0 photographs and 1 photo consent event"):
        db.patients.delete(consented.id)
    add(db, consented.id)
    db.photos.withdraw_consent(consented.id, TODAY)
    with pytest.raises(ImmutableRecord, match="1 photograph and 2 photo consent events"):
        db.patients.delete(consented.id)
    assert db.patients.get(consented.id).id == consented.id


def test_a_patients_photographs_are_listed_from_the_index_alone(file_backend):
    """SQLite's plan: the rows, where the image data is, are never read. (PostgreSQL keeps
    large values out of the row anyway, in TOAST, and reads them only when selected.)"""
    from sqlalchemy import select

    from mesodesk.store.photos import LISTED_COLUMNS, PH

    with file_backend.open() as db:
        patient = db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1988, 4, 12)))
        db.photos.give_consent(patient.id, TODAY)
        for view in ("front", "side", "back"):
            add(db, patient.id, view)
        query = (select(*LISTED_COLUMNS).where(PH.patient_id == patient.id,
                                               PH.deleted_at.is_(None))
                 .order_by(PH.taken_on, PH.id))
        with db.reading() as connection:
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in connection.execute(
                text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "COVERING INDEX ix_photos_patient" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # and in date order without sorting


def _fill_0007(backend) -> int:
    engine = create_store_engine(resolve_location(backend.location, backend.passphrase))
    try:
        with migration_connection(engine) as connection:
            upgrade(connection, "0007")
            audit.append(connection, actor="old mesodesk", action="create-database",
                         table="schema", record_id=None, before=None, after=None,
                         details={"from": "", "to": "0007", "backup": ""})
        with engine.connect() as connection:
            connection.execution_options(mesodesk_begin="IMMEDIATE")
            with connection.begin():
                assert current_revision(connection) == "0007"
                from mesodesk.store import tables as t

                values = {"name": "Ελένη Παπαδοπούλου", "date_of_birth": dt.date(1988, 4, 12),
                          "sex": None, "phone": None, "email": None, "notes": "from 0007"}
                patient_id = connection.execute(t.patients.insert().values(
                    **values, search_key="ελενη παπαδοπουλου", latin_key="eleni papadopoulou",
                    phone_digits="", created_at=audit.now(), updated_at=audit.now())
                ).inserted_primary_key[0]
                audit.append(connection, actor="old mesodesk", action="create",
                             table="patients", record_id=patient_id, before=None,
                             after=audit.state_hash("patients", {**values, "id": patient_id}))
        return patient_id
    finally:
        engine.dispose()


def test_a_database_at_0007_with_data_upgrades_and_takes_photographs(backend):
    patient_id = _fill_0007(backend)
    before = table_dump(backend)
    with backend.open() as db:
        assert db.schema_revision == SCHEMA_HEAD == "0009"
        after = table_dump(backend)
        assert after["patients"] == before["patients"]
        assert after["audit_events"][:len(before["audit_events"])] == before["audit_events"]
        assert not db.photos.consent(patient_id).in_force
        db.photos.give_consent(patient_id, TODAY)
        photo = add(db, patient_id)
        assert db.photos.for_patient(patient_id) == [photo]
        assert db.audit.verify().ok, db.audit.verify().problems
        with pytest.raises(Exception, match="stored photograph cannot be deleted"):
            backend.execute("DELETE FROM photos")


def test_a_withdrawal_leaves_no_copy_of_the_images_in_the_file(tmp_path):
    """In a plain SQLite file the deleted images' pages are overwritten, and the log
    emptied: none of their bytes can be recovered from the file."""
    from mesodesk.store import open_database
    from tests.services.photo_helpers import noise_jpeg

    path = tmp_path / "plain.db"
    image = noise_jpeg()
    marks = [image[start:start + 48] for start in range(1000, len(image) - 48, len(image) // 7)]
    db = open_database(str(path), unencrypted=True)
    try:
        patient = db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1988, 4, 12)))
        db.photos.give_consent(patient.id, TODAY)
        for view in ("front", "side"):
            db.photos.add(patient.id, area="face", view=view, session_id=None, taken_on=TODAY,
                          width=600, height=400, image=image, thumbnail=image[:5000])
        _checkpoint_now(db)
        assert all(mark in path.read_bytes() for mark in marks)  # stored, as a check of it
        assert db.photos.withdraw_consent(patient.id, TODAY) == 2
        files = b"".join(p.read_bytes() for p in tmp_path.glob("plain.db*"))
        assert not any(mark in files for mark in marks)
    finally:
        db.close()


def _checkpoint_now(db) -> None:
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
