"""Revision 0004 and version 2 of the document: a database filled at revision 0003 with
version-1 consultations (a signed one, a draft, one not treated) reaches the head with
every record intact. Stored documents are read as version 1 and upgraded as they are read,
never rewritten: the signed PDF stays byte for byte, its fingerprint still matches, and the
audit trail stays whole. What is written from then on is version 2."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest

from mesodesk.domain.document import FORMAT, FORMAT_V1, parse_structure
from mesodesk.paths import examples_dir
from mesodesk.services.errors import Blocked
from mesodesk.services.plans import stored_plan
from mesodesk.store import audit
from mesodesk.store import tables as t
from mesodesk.store.engine import create_store_engine, resolve_location
from mesodesk.store.schema import current_revision, downgrade, migration_connection, upgrade
from tests.store.helpers import MINIMAL_PDF, table_dump

BEFORE_V2 = "0003"
SIGNATURE = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).decode()


def v1_text(name: str, **changes) -> str:
    """A version-1 example as version 1 stored it (compact JSON, exactly the fields given)."""
    data = json.loads((examples_dir() / "v1" / name).read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


SIGNED = v1_text("format-example.json", signatures={
    "patient": SIGNATURE, "practitioner": SIGNATURE, "signed_at": "2026-11-26T10:00:00"})
DRAFT = v1_text("hair-loss-anticoagulants.json")
NOT_TREATED = v1_text("pregnant.json")


def _insert_patient(connection, name: str, born: dt.date, stamp: dt.datetime) -> int:
    from mesodesk.store.search import phone_digits, search_key

    values = {"name": name, "date_of_birth": born, "sex": None, "phone": None, "email": None,
              "notes": ""}
    patient_id = connection.execute(t.patients.insert().values(
        **values, search_key=search_key(name), phone_digits=phone_digits(None),
        created_at=stamp, updated_at=stamp)).inserted_primary_key[0]
    audit.append(connection, actor="mesodesk 0003", action="create", table="patients",
                 record_id=patient_id, before=None,
                 after=audit.state_hash("patients", {**values, "id": patient_id}))
    return patient_id


def _insert_consultation(connection, patient_id: int, text: str, status: str,
                         stamp: dt.datetime) -> int:
    doc = parse_structure(text)  # the fingerprint version 1 gave it
    values = {"patient_id": patient_id, "practitioner_id": None, "date": doc.date,
              "concerns": " ".join(doc.concerns), "status": status, "document": text,
              "fingerprint": doc.fingerprint(), "supersedes": None}
    consultation_id = connection.execute(t.consultations.insert().values(
        **values, created_at=stamp, updated_at=stamp,
        finalized_at=None if status == "draft" else stamp)).inserted_primary_key[0]
    audit.append(connection, actor="mesodesk 0003", action=f"store-{status}",
                 table="consultations", record_id=consultation_id, before=None,
                 after=audit.state_hash("consultations", {**values, "id": consultation_id}))
    return consultation_id


def fill_at_0003(backend) -> dict[str, int]:
    """A database at revision 0003 holding version-1 documents as that mesodesk wrote them."""
    engine = create_store_engine(resolve_location(backend.location, backend.passphrase))
    try:
        with migration_connection(engine) as connection:
            upgrade(connection, BEFORE_V2)
            audit.append(connection, actor="mesodesk 0003", action="create-database",
                         table="schema", record_id=None, before=None, after=None,
                         details={"from": "", "to": BEFORE_V2, "backup": ""})
        with engine.connect() as connection:
            connection.execution_options(mesodesk_begin="IMMEDIATE")
            with connection.begin():
                assert current_revision(connection) == BEFORE_V2
                stamp = audit.now()
                eleni, nikos, anna = (
                    _insert_patient(connection, doc.patient.name, doc.patient.date_of_birth, stamp)
                    for doc in map(parse_structure, (SIGNED, DRAFT, NOT_TREATED)))
                signed = _insert_consultation(connection, eleni, SIGNED, "final", stamp)
                draft = _insert_consultation(connection, nikos, DRAFT, "draft", stamp)
                not_treated = _insert_consultation(connection, anna, NOT_TREATED, "not-treated",
                                                   stamp)
                consent = {"consultation_id": signed, "pdf": MINIMAL_PDF,
                           "pdf_sha256": hashlib.sha256(MINIMAL_PDF).hexdigest(),
                           "fingerprint": parse_structure(SIGNED).fingerprint(),
                           "signed_at": stamp}
                consent_id = connection.execute(t.signed_consents.insert().values(
                    **{key: value for key, value in consent.items()}, recorded_at=stamp)
                ).inserted_primary_key[0]
                audit.append(connection, actor="mesodesk 0003", action="record-consent",
                             table="signed_consents", record_id=consent_id, before=None,
                             after=audit.state_hash("signed_consents",
                                                    {**consent, "id": consent_id}))
        return {"signed": signed, "draft": draft, "not_treated": not_treated,
                "consent": consent_id, "nikos": nikos}
    finally:
        engine.dispose()


def test_version_1_consultations_reach_the_head_intact(backend, kb) -> None:
    ids = fill_at_0003(backend)
    before = table_dump(backend)
    with backend.open() as db:
        after = table_dump(backend)
        # nothing stored is rewritten: the documents, fingerprints and PDF, byte for byte
        assert after["signed_consents"] == before["signed_consents"]
        assert [row[:-1] for row in after["consultations"]] == before["consultations"]
        assert {row[-1] for row in after["consultations"]} == {FORMAT_V1}
        assert db.audit.verify().ok, db.audit.verify().problems
        # the signed one: its PDF as signed, and its fingerprint still the consent's
        signed = db.consultations.get(ids["signed"])
        consent = db.consents.for_consultation(ids["signed"])
        assert db.consents.pdf(consent.id) == MINIMAL_PDF
        assert signed.document.format == FORMAT and signed.document.upgraded_from_v1
        assert signed.document.fingerprint() == consent.fingerprint
        assert signed.document.history_reviewed  # signed: the signature stands for it
        plan = stored_plan(db, kb, ids["signed"])
        assert plan.signed and plan.pdf == MINIMAL_PDF
        # the draft: every field as stored, upgraded, its history still to be reviewed
        draft = db.consultations.get(ids["draft"])
        assert draft.status == "draft"
        assert draft.document.to_dict() | {"format": FORMAT_V1} == {
            **json.loads(DRAFT), "language": "en", "history_reviewed": False}
        assert draft.document.history_reviewed is False
        with pytest.raises(Blocked) as blocked:
            stored_plan(db, kb, ids["draft"])
        assert "history-not-reviewed" in "\n".join(blocked.value.issues)
        not_treated = db.consultations.get(ids["not_treated"])
        assert not_treated.document.to_dict()["history"] == json.loads(NOT_TREATED)["history"]


def test_what_is_written_after_the_upgrade_is_version_2(backend, kb) -> None:
    ids = fill_at_0003(backend)
    with backend.open() as db:
        draft = db.consultations.get(ids["draft"])
        reviewed = draft.document.with_changes(history_reviewed=True, goals="Thicker hair.")
        saved = db.consultations.save_draft(ids["nikos"], reviewed, ids["draft"])
        stored = backend.execute("SELECT document, format, fingerprint FROM consultations "
                                 "WHERE id = ?", (ids["draft"],))[0]
        assert json.loads(stored[0])["format"] == FORMAT and stored[1] == FORMAT
        assert stored[2] == saved.document.fingerprint() == reviewed.fingerprint()
        assert saved.document.goals == "Thicker hair." and saved.document.history_reviewed
        # a version-1 document saved unchanged is written as version 2 too, consistently
        again = db.consultations.save_draft(ids["nikos"], draft.document, ids["draft"])
        reread = db.consultations.get(ids["draft"])
        assert reread.document.fingerprint() == again.document.fingerprint()
        # a correction of the signed one is a version-2 draft; the original stays version 1
        version = db.consultations.new_version(ids["signed"], reason="weight added")
        assert version.document.format == FORMAT and not version.document.upgraded_from_v1
        assert backend.execute("SELECT format FROM consultations WHERE id = ?",
                               (ids["signed"],)) == [(FORMAT_V1,)]
        assert db.audit.verify().ok, db.audit.verify().problems


def test_a_stored_document_that_is_not_the_version_its_row_says_is_refused(backend) -> None:
    ids = fill_at_0003(backend)
    with backend.open() as db:
        backend.execute("UPDATE consultations SET format = ? WHERE id = ?", (FORMAT, ids["draft"]))
        from mesodesk.store import IntegrityFailure

        with pytest.raises(IntegrityFailure, match="written in mesodesk.consultation/1"):
            db.consultations.get(ids["draft"])


def test_downgrade_to_0003_keeps_version_1_records_and_refuses_version_2_ones(backend) -> None:
    ids = fill_at_0003(backend)
    backend.open().close()
    engine = create_store_engine(resolve_location(backend.location, backend.passphrase))
    try:
        with migration_connection(engine) as connection:
            downgrade(connection, BEFORE_V2)
        with migration_connection(engine) as connection:
            assert current_revision(connection) == BEFORE_V2
            upgrade(connection)
    finally:
        engine.dispose()
    with backend.open() as db:
        assert db.consultations.get(ids["signed"]).document.upgraded_from_v1
        draft = db.consultations.get(ids["draft"])
        db.consultations.save_draft(ids["nikos"], draft.document.with_changes(
            history_reviewed=True), ids["draft"])
    engine = create_store_engine(resolve_location(backend.location, backend.passphrase))
    try:
        with pytest.raises(Exception, match="version 2"):
            with migration_connection(engine) as connection:
                downgrade(connection, BEFORE_V2)
    finally:
        engine.dispose()


def test_the_export_of_a_version_1_record_imports_as_the_same_consultation(backend, kb,
                                                                           tmp_path) -> None:
    from mesodesk.services import documents

    ids = fill_at_0003(backend)
    with backend.open() as db:
        for name in ("draft", "signed"):
            out = tmp_path / f"{name}.json"
            exported = documents.export_document(db, ids[name], out)
            assert json.loads(exported.text)["format"] == FORMAT
            result = documents.import_file(db, kb, out)
            assert not result.added and result.record.id == ids[name], name
