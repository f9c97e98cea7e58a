"""The patient's data on request: the ZIP opens, its index lists every file with its right
SHA-256, the consultations read back through the version-2 parser, the sessions through the
session parser, the PDFs through pypdf, and the export is audited."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile

import pypdf
import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.records import NewPatient
from mesodesk.services import InvalidInput, NotFound, ServiceError
from mesodesk.services.patient_export import export_patient
from mesodesk.services.sessions import parse_session_text
from tests.services.export_records import fill_patient


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", ["en", "el"])
def test_the_zip_holds_everything_and_reads_back(db, kb, tmp_path, language) -> None:
    ids = fill_patient(db, kb, language=language)
    out = tmp_path / "export.zip"
    result = export_patient(db, kb, ids["patient"], out, actor="dr")
    assert result.language == language
    assert (result.consultations, result.sessions, result.signed) == (2, 2, 1)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        index = json.loads(archive.read("index.json"))
        # every file but the index is listed with its SHA-256, and nothing else is
        assert {f["path"] for f in index["files"]} == names - {"index.json"}
        for listed in index["files"]:
            data = archive.read(listed["path"])
            assert hashlib.sha256(data).hexdigest() == listed["sha256"]
            assert len(data) == listed["bytes"]
        assert index["format"] == "mesodesk.patient-export/1"
        assert index["patient"]["name"] == "Ελένη Παπαδοπούλου"
        assert index["clinic"]["name"] == "Κλινική Αθηνών <b>&"
        assert index["formats"]["consultation"] == "mesodesk.consultation/2"
        assert (index["retention_years"], index["kept_until"]) == (10, "2036-12-01")
        assert all(name.isascii() for name in names)

        for consultation in (ids["signed"], ids["draft"]):
            text = archive.read(f"consultations/{consultation}.json").decode("utf-8")
            doc = parse_consultation(text, kb)
            assert doc.format == "mesodesk.consultation/2"
            assert doc == db.consultations.get(consultation).document
        first, correction = ids["sessions"]
        assert parse_session_text(archive.read(f"sessions/{first}.json")).products[0].volume_ml == 4
        again = parse_session_text(archive.read(f"sessions/{correction}.json"))
        assert again.corrects.session == first and again.products[0].volume_ml == 3
        assert archive.read(f"signed/{ids['signed']}.pdf") == ids["pdf"]
        pypdf.PdfReader(io.BytesIO(archive.read(f"signed/{ids['signed']}.pdf")))

        summary = pdf_text(archive.read("summary.pdf"))
        readme = archive.read("README.txt").decode("utf-8")
        events = json.loads(archive.read("audit.json"))["events"]
    heading = {"en": "The records we keep about you", "el": "Τα αρχεία που τηρούμε για εσάς"}
    kept = {"en": "kept until 1 December 2036", "el": "1 Δεκεμβρίου 2036"}
    assert heading[language] in summary
    assert "Ελένη Παπαδοπούλου" in summary and "Κλινική Αθηνών <b>&" in summary
    assert "CF0042" in summary and kept[language] in summary
    assert f"consultations/{ids['signed']}.json" in readme and kept[language] in readme
    actions = [(e["action"], e["table"]) for e in events]
    assert ("create", "patients") in actions and ("finalize", "consultations") in actions
    assert ("record-consent", "signed_consents") in actions
    assert ("record-session", "sessions") in actions


def test_the_export_is_audited_and_private(db, kb, tmp_path) -> None:
    ids = fill_patient(db, kb)
    out = tmp_path / "export.zip"
    result = export_patient(db, kb, ids["patient"], out, actor="dr")
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.table, event.record_id) == ("patient.export", "patients",
                                                            ids["patient"])
    assert event.details["to"] == str(out.absolute())
    assert event.details["files"] == str(len(result.files) + 1)
    assert event.details["signed-consent"] == "1"
    assert db.audit.verify().ok
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_patient_with_no_consultation_exports_their_details(db, kb, tmp_path) -> None:
    patient = db.patients.create(NewPatient(name="Νίκος 🙂 <b>&",
                                            date_of_birth=__import__("datetime").date(1970, 1, 2)))
    out = tmp_path / "export.zip"
    result = export_patient(db, kb, patient.id, out)
    assert (result.consultations, result.sessions, result.signed, result.photos) == (0, 0, 0, 0)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "audit.json", "index.json",
                                              "summary.pdf"]
        assert "Νίκος 🙂 <b>&" in archive.read("README.txt").decode("utf-8")
        assert "No consultation is recorded." in pdf_text(archive.read("summary.pdf"))


def test_a_missing_patient_or_a_bad_destination_is_named(db, kb, tmp_path) -> None:
    with pytest.raises(NotFound, match="no patient 99"):
        export_patient(db, kb, 99, tmp_path / "x.zip")
    ids = fill_patient(db, kb)
    with pytest.raises(InvalidInput, match="is a folder"):
        export_patient(db, kb, ids["patient"], tmp_path)
    with pytest.raises(InvalidInput, match="does not exist"):
        export_patient(db, kb, ids["patient"], tmp_path / "missing" / "x.zip")
    events = len(db.audit.events(limit=1000))
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ServiceError, match="cannot write"):
            export_patient(db, kb, ids["patient"], locked / "x.zip")
    assert len(db.audit.events(limit=1000)) == events  # nothing disclosed, nothing audited


def test_the_photographs_are_in_the_zip_without_metadata(db, kb, tmp_path) -> None:
    import datetime as dt

    from mesodesk.services import photos
    from tests.services.photo_helpers import camera_jpeg, plain_jpeg

    ids = fill_patient(db, kb, language="el")
    patient = ids["patient"]
    photos.give_photo_consent(db, patient, on=dt.date(2026, 11, 20), actor="dr")
    gone = photos.add_photo(db, patient, plain_jpeg(), area="thighs", view="side", kb=kb,
                            taken_on=dt.date(2026, 11, 20))
    photos.withdraw_photo_consent(db, patient, on=dt.date(2026, 11, 24), actor="dr")
    photos.give_photo_consent(db, patient, on=dt.date(2026, 11, 25), actor="dr")
    before = photos.add_photo(db, patient, camera_jpeg(), area="thighs", view="front", kb=kb,
                              taken_on=dt.date(2026, 11, 26))
    after = photos.add_photo(db, patient, plain_jpeg(), area="thighs", view="close-up", kb=kb,
                             session_id=ids["sessions"][1], taken_on=dt.date(2026, 11, 26))
    out = tmp_path / "export.zip"
    result = export_patient(db, kb, patient, out)
    assert result.photos == 2
    with zipfile.ZipFile(out) as archive:
        index = json.loads(archive.read("index.json"))
        listed = {f["path"]: f for f in index["files"]}
        for photo, name in ((before, "front"), (after, "close-up")):
            path = f"photos/{photo.id}-thighs-{name}-2026-11-26.jpg"
            data = archive.read(path)
            assert data == photos.image_bytes(db, photo.id) and data.startswith(b"\xff\xd8")
            assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest()
            assert listed[path]["format"] == "image/jpeg"
            assert b"GPS" not in data and b"TestCam" not in data
        assert not any(name.startswith(f"photos/{gone.id}-") for name in archive.namelist())
        record = index["photographs"]
        assert record["consent"]["in_force"] and record["consent"]["since"] == "2026-11-25"
        assert [e["given"] for e in record["consent"]["events"]] == [True, False, True]
        assert [p["id"] for p in record["without_image"]] == [gone.id]
        summary = pdf_text(archive.read("summary.pdf"))
        events = json.loads(archive.read("audit.json"))["events"]
    assert "25 Νοεμβρίου 2026" in summary and f"photos/{before.id}-thighs-front" in summary
    assert {"photo.add", "photo.consent.withdraw"} <= {e["action"] for e in events}
    assert event_details(db)["photo"] == "2"


def event_details(db) -> dict:
    event = db.audit.events(limit=1)[0]
    assert event.action == "patient.export"
    return event.details
