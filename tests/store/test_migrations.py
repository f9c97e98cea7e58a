"""Migrations: an empty database and one filled at the previous revision both reach the
head with every record intact, after a backup, and only when the schema is behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import create_engine, text

from mesodesk.domain.records import NewPatient
from mesodesk.store import ImmutableRecord, StoreError
from mesodesk.store import audit
from mesodesk.store import tables as t
from mesodesk.store.base import REVISIONS, SCHEMA_HEAD
from mesodesk.store.engine import create_store_engine, resolve_location
from mesodesk.domain.document import parse_structure
from mesodesk.paths import examples_dir
from mesodesk.store.schema import current_revision, downgrade, migration_connection, upgrade
from tests.store.helpers import MINIMAL_PDF, table_dump

# The data below is written as the first release wrote it, then upgraded through every
# later revision to the head.
PREVIOUS = REVISIONS[0]
V1_TEXT = json.dumps(json.loads((examples_dir() / "v1" / "format-example.json")
                                .read_text(encoding="utf-8")),
                     ensure_ascii=False, separators=(",", ":"))
PEOPLE = [
    ("Ελένη Παπαδοπούλου", dt.date(1988, 4, 12), "+30 210 000 0000"),
    ("José Núñez", dt.date(1975, 6, 30), "+34 612 345 678"),
    ("Οδυσσέας Ελύτης", dt.date(1911, 11, 2), None),
]


def test_the_known_revisions_are_the_alembic_scripts_in_order() -> None:
    from alembic.script import ScriptDirectory

    from mesodesk.store.schema import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [SCHEMA_HEAD]
    chain = [script.revision for script in scripts.walk_revisions("base", "heads")]
    assert list(reversed(chain)) == list(REVISIONS)


def test_an_empty_database_is_created_at_the_head(backend) -> None:
    with backend.open() as db:
        assert db.schema_revision == SCHEMA_HEAD
        assert db.upgrade_backup is None  # nothing to back up
        [event] = db.audit.events()
        assert (event.action, event.details["to"]) == ("create-database", SCHEMA_HEAD)
    if backend.path is not None:
        assert not (backend.path.parent / "backups").exists()


def test_the_tables_match_the_migrations(backend) -> None:
    """The sqlmodel tables and the migrated schema agree (what autogenerate would see)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with backend.open() as db, db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, t.metadata) == []


def test_an_up_to_date_database_is_opened_without_backup_or_event(backend) -> None:
    backend.open().close()
    with backend.open() as db:
        assert db.upgrade_backup is None
        assert len(db.audit.events()) == 1
    if backend.path is not None:
        assert not (backend.path.parent / "backups").exists()


def _engine(backend):
    return create_store_engine(resolve_location(backend.location, backend.passphrase))


def fill_previous_revision(backend, kb) -> dict[str, int]:
    """Build a database at the previous revision, with data written the way that version of
    mesodesk wrote it (audit events included), without using today's repositories."""
    engine = _engine(backend)
    try:
        with migration_connection(engine) as connection:
            upgrade(connection, PREVIOUS)
            audit.append(connection, actor="old mesodesk", action="create-database",
                         table="schema", record_id=None, before=None, after=None,
                         details={"from": "", "to": PREVIOUS, "backup": ""})
        with engine.connect() as connection:
            connection.execution_options(mesodesk_begin="IMMEDIATE")
            with connection.begin():
                assert current_revision(connection) == PREVIOUS
                stamp = audit.now()
                ids = []
                for name, born, phone in PEOPLE:
                    values = {"name": name, "date_of_birth": born, "sex": None, "phone": phone,
                              "email": None, "notes": "from the old version"}
                    patient_id = connection.execute(text(
                        "INSERT INTO patients (name, date_of_birth, sex, phone, email, notes, "
                        "created_at, updated_at) VALUES (:name, :date_of_birth, :sex, :phone, "
                        ":email, :notes, :at, :at) RETURNING id"),
                        {**values, "at": stamp.replace(tzinfo=None)
                         if connection.dialect.name == "sqlite" else stamp}).scalar_one()
                    ids.append(patient_id)
                    audit.append(connection, actor="old mesodesk", action="create",
                                 table="patients", record_id=patient_id, before=None,
                                 after=audit.state_hash("patients", {**values, "id": patient_id}))
                # a version-1 document, as the first release stored it
                doc = parse_structure(V1_TEXT)
                consultation = {"patient_id": ids[0], "practitioner_id": None,
                                "date": doc.date, "concerns": " ".join(doc.concerns),
                                "status": "final", "document": V1_TEXT,
                                "fingerprint": doc.fingerprint(), "supersedes": None}
                consultation_id = connection.execute(t.consultations.insert().values(
                    **consultation, created_at=stamp, updated_at=stamp, finalized_at=stamp)
                ).inserted_primary_key[0]
                audit.append(connection, actor="old mesodesk", action="finalize",
                             table="consultations", record_id=consultation_id, before=None,
                             after=audit.state_hash("consultations",
                                                    {**consultation, "id": consultation_id}))
                consent = {"consultation_id": consultation_id, "pdf": MINIMAL_PDF,
                           "pdf_sha256": hashlib.sha256(MINIMAL_PDF).hexdigest(),
                           "fingerprint": doc.fingerprint(), "signed_at": stamp}
                consent_id = connection.execute(t.signed_consents.insert().values(
                    **consent, recorded_at=stamp)).inserted_primary_key[0]
                audit.append(connection, actor="old mesodesk", action="record-consent",
                             table="signed_consents", record_id=consent_id, before=None,
                             after=audit.state_hash("signed_consents", {**consent, "id": consent_id}))
        return {"patient": ids[0], "consultation": consultation_id, "consent": consent_id}
    finally:
        engine.dispose()


def test_a_database_filled_at_the_previous_revision_is_upgraded_intact(backend, kb) -> None:
    ids = fill_previous_revision(backend, kb)
    before = table_dump(backend)
    with backend.open() as db:
        assert db.schema_revision == SCHEMA_HEAD
        # every record survives, unchanged
        after = table_dump(backend)
        for table in ("signed_consents", "practitioners", "clinic_settings"):
            assert after[table] == before[table], table
        # revision 0004 adds the document's format version, and changes nothing else
        assert [row[:-1] for row in after["consultations"]] == before["consultations"]
        assert [row[-1] for row in after["consultations"]] == ["mesodesk.consultation/1"]
        assert after["audit_events"][:len(before["audit_events"])] == before["audit_events"]
        patients = {p.name: p for p in db.patients.search()}
        assert sorted(patients) == sorted(name for name, _, _ in PEOPLE)
        assert patients["Ελένη Παπαδοπούλου"].notes == "from the old version"
        # the new search keys were back-filled for the old patients
        assert [p.name for p in db.patients.search("ελενη")] == ["Ελένη Παπαδοπούλου"]
        assert [p.name for p in db.patients.search("ελυτης")] == ["Οδυσσέας Ελύτης"]
        assert [p.name for p in db.patients.search("612 345")] == ["José Núñez"]
        assert db.consents.pdf(ids["consent"]) == MINIMAL_PDF
        final = db.consultations.get(ids["consultation"])
        assert final.status == "final" and final.has_signed_consent
        # the upgrade is in the audit trail, and the trail is whole
        event = db.audit.events(limit=1)[0]
        assert (event.action, event.details["from"], event.details["to"]) == (
            "upgrade-schema", PREVIOUS, SCHEMA_HEAD)
        assert db.audit.verify().ok
        # the triggers survived the table rebuilds of batch mode
        with pytest.raises(ImmutableRecord):
            db.consultations.save_draft(ids["patient"], final.document, final.id)
        with pytest.raises(Exception, match="finalized consultation cannot be changed"):
            backend.execute("UPDATE consultations SET status = 'draft' WHERE id = ?",
                            (ids["consultation"],))
        # new patients get new ids, never reused ones
        new = db.patients.create(NewPatient(name="New", date_of_birth=dt.date(2000, 1, 1)))
        assert new.id > max(p.id for p in patients.values())
        if backend.path is not None:
            # the automatic backup holds the database as it was before the upgrade
            from mesodesk.store.backup import verify_backup

            assert db.upgrade_backup is not None
            assert db.upgrade_backup.parent == backend.path.parent / "backups"
            assert event.details["backup"] == str(db.upgrade_backup)
            summary = verify_backup(db.upgrade_backup, backend.passphrase)
            assert (summary.revision, summary.patients) == (PREVIOUS, len(PEOPLE))


def test_a_failing_upgrade_is_rolled_back_and_says_so(backend, kb, monkeypatch) -> None:
    fill_previous_revision(backend, kb)
    before = table_dump(backend)

    def broken(name: str) -> str:
        raise RuntimeError("cannot compute a key")

    monkeypatch.setattr("mesodesk.store.search.search_key", broken)
    with pytest.raises(StoreError, match=f"from schema {PREVIOUS} to {SCHEMA_HEAD} failed .*"
                                         "rolled back and the database is unchanged"):
        backend.open()
    monkeypatch.undo()
    assert table_dump(backend) == before
    with backend.open() as db:  # and the next start upgrades it
        assert db.schema_revision == SCHEMA_HEAD and db.audit.verify().ok


def test_downgrade_and_upgrade_again_keep_the_patients(backend, kb) -> None:
    with backend.open() as db:
        db.patients.create_many([NewPatient(name=n, date_of_birth=b, phone=p) for n, b, p in PEOPLE])
        expected = db.patients.search()
    engine = _engine(backend)
    try:
        with migration_connection(engine) as connection:
            downgrade(connection, PREVIOUS)
        with migration_connection(engine) as connection:
            assert current_revision(connection) == PREVIOUS
            upgrade(connection)
    finally:
        engine.dispose()
    with backend.open() as db:
        assert db.patients.search() == expected
        assert db.patients.search("ελενη") == [expected[[p.name for p in expected].index(
            "Ελένη Παπαδοπούλου")]]


def test_migrations_run_from_the_developer_command_line(tmp_path) -> None:
    """`alembic -c mesodesk/store/alembic.ini -x db=PATH upgrade head` works too."""
    import subprocess
    import sys

    from tests.store.helpers import REPO

    path = tmp_path / "dev.db"
    subprocess.run([sys.executable, "-m", "alembic", "-c", "mesodesk/store/alembic.ini",
                    "-x", f"db={path}", "upgrade", "head"], cwd=REPO, check=True,
                   capture_output=True)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert current_revision(connection) == SCHEMA_HEAD
    engine.dispose()
