"""Export writes its audit event from the command line as from the GUI (the GUI side:
tests/gui/test_main_window.py); import reads files by one rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.services import InvalidInput, documents
from tests.conftest import EXAMPLES


def test_export_from_the_command_line_is_audited_with_where_it_went(tmp_path, db, kb):
    result = documents.import_file(db, kb, EXAMPLES / "format-example.json")
    out = tmp_path / "Ελένη <b>&amp; 🙂.json"
    assert main(["export", str(result.record.id), "--db", str(db.path), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["patient"]["name"] == "Ελένη Παπαδοπούλου"
    event = db.audit.events(limit=1)[0]
    assert event.action == "export" and event.record_id == result.record.id
    assert event.details["to"] == str(out.absolute())
    assert db.audit.verify().ok


def test_export_to_a_folder_names_it_and_writes_nothing(tmp_path, db, kb):
    result = documents.import_file(db, kb, EXAMPLES / "format-example.json")
    with pytest.raises(InvalidInput, match="is a folder") as raised:
        documents.export_document(db, result.record.id, tmp_path)
    assert raised.value.field == "--out"
    assert db.audit.events(limit=1)[0].action == "import"


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"format": "mesodesk.consultation/1"}', "is not a valid consultation document"),
])
def test_a_bad_file_is_refused_naming_it(tmp_path, kb, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=words) as raised:
        documents.read_document(path, kb)
    assert str(path) in str(raised.value)


def test_export_into_a_missing_folder_is_invalid_input_as_for_plan(tmp_path, db, kb):
    result = documents.import_file(db, kb, EXAMPLES / "format-example.json")
    out = tmp_path / "nowhere" / "x.json"
    assert main(["export", str(result.record.id), "--db", str(db.path), "--out", str(out)]) == 2
    assert main(["plan", "--consultation", str(result.record.id), "--db", str(db.path),
                 "--out", str(tmp_path / "nowhere" / "x.pdf")]) == 2
    assert not out.parent.exists()


def test_a_disclosure_that_cannot_be_audited_does_not_happen(tmp_path, db, kb, monkeypatch):
    from mesodesk.services import ServiceError
    from mesodesk.store.base import DiskFull

    result = documents.import_file(db, kb, EXAMPLES / "format-example.json")

    def full(*args, **kwargs):
        raise DiskFull("the disk is full")

    monkeypatch.setattr(db.audit, "note", full)
    out = tmp_path / "export.json"
    with pytest.raises(ServiceError, match="nothing was disclosed"):
        documents.export_document(db, result.record.id, out)
    assert not out.exists()


def test_plan_and_backup_are_audited_from_the_command_line(tmp_path, db, kb):
    result = documents.import_file(db, kb, EXAMPLES / "format-example.json")
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", str(result.record.id), "--db", str(db.path),
                 "--out", str(out)]) == 0
    event = db.audit.events(limit=1)[0]
    assert event.action == "plan" and event.details["to"] == str(out.absolute())
    copy = tmp_path / "copy.db"
    assert main(["backup", "--db", str(db.path), "--out", str(copy)]) == 0
    event = db.audit.events(limit=1)[0]
    assert event.action == "backup" and event.details["to"] == str(copy.absolute())
    assert db.audit.verify().ok


@pytest.mark.parametrize("source, words", [
    ("/dev/zero", "not a regular file"),
    ("fifo", "not a regular file"),
    ("huge", "is 26 MB"),
])
def test_hostile_input_files_are_refused_before_reading(tmp_path, kb, source, words):
    import os

    if source == "fifo":
        path = tmp_path / "pipe.json"
        os.mkfifo(path)  # reading it would wait for a writer forever
    elif source == "huge":
        path = tmp_path / "huge.json"
        with path.open("wb") as handle:
            handle.truncate(26 * 1024 * 1024)
    else:
        path = Path(source)
    with pytest.raises(InvalidInput, match=words):
        documents.read_document(path, kb)
    assert main(["screen", str(path)]) == 2


def test_a_version_1_file_imports_upgraded_and_exports_as_version_2(tmp_path, db, kb):
    v1 = EXAMPLES / "v1" / "format-example.json"
    original = json.loads(v1.read_text(encoding="utf-8"))
    result = documents.import_file(db, kb, v1)
    stored = db.consultations.get(result.record.id).document
    assert stored.format == "mesodesk.consultation/2" and not stored.history_reviewed
    out = tmp_path / "out.json"
    assert main(["export", str(result.record.id), "--db", str(db.path), "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["format"] == "mesodesk.consultation/2"
    assert exported["history_reviewed"] is False
    assert ({k: v for k, v in exported.items() if k not in {"format", "history_reviewed"}}
            == {k: v for k, v in original.items() if k != "format"})
    # the export of it imports as the same consultation, not a second one
    again = documents.import_file(db, kb, out)
    assert not again.added and again.record.id == result.record.id
    # and a plan of it is blocked until the history is reviewed (exit 3)
    assert main(["plan", str(v1), "--out", str(tmp_path / "plan.pdf")]) == 3
    assert not (tmp_path / "plan.pdf").exists()

