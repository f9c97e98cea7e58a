"""``mesodesk plan``: screens first, exit codes, atomic output, paper, stored consultations."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

import pytest
from reportlab.lib.pagesizes import LETTER

from mesodesk.cli import main
from mesodesk.domain.document import parse_consultation
from mesodesk.domain.records import ClinicSettings
from tests.conftest import EXAMPLES, example
from tests.reports.conftest import BLOCKED, PRINTABLE
from tests.reports.pdfcheck import full_text, reader


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("name", PRINTABLE)
def test_plan_writes_a_pdf(tmp_path, capsys, name):
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(EXAMPLES / name), "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = len(reader(data).pages)
    assert f"wrote {out} ({pages} pages, A4," in capsys.readouterr().out
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name, cause", [("pregnant.json", "pregnancy"), ("minor-16.json", "under-18")])
def test_a_blocked_consultation_exits_3_and_writes_no_file(tmp_path, capsys, name, cause):
    assert name in BLOCKED
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(EXAMPLES / name), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "clinically blocked" in err and cause in err and "no plan was written" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_blocked_consultation_leaves_an_existing_plan_alone(tmp_path):
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"the earlier plan")
    assert main(["plan", str(EXAMPLES / "pregnant.json"), "--out", str(out)]) == 3
    assert out.read_bytes() == b"the earlier plan"


def test_invalid_input_exits_2_naming_the_json_path(tmp_path, capsys):
    data = example("skin-rejuvenation.json")
    data["courses"][0]["start_date"] = "2026-02-30"
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "courses[0].start_date" in err and "not a real date" in err and "bad.json" in err
    assert not out.exists()


def test_an_existing_plan_is_replaced_whole(tmp_path):
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"old")
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert leftovers(tmp_path) == []
    assert out.stat().st_mode & 0o777 == 0o600  # owner-only: tests/store/test_private_files.py


def test_a_failure_while_rendering_keeps_the_old_plan(tmp_path, capsys, monkeypatch):
    import mesodesk.reports as reports

    def broken(*args, **kwargs):
        raise reports.ReportError("signatures.patient is not a readable image")

    monkeypatch.setattr(reports, "render_plan", broken)
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"old")
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"), "--out", str(out)]) == 2
    assert "signatures.patient is not a readable image" in capsys.readouterr().err
    assert out.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_a_failure_while_writing_keeps_the_old_plan_and_no_temporary_file(tmp_path, capsys,
                                                                          monkeypatch):
    def no_rename(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    out = tmp_path / "plan.pdf"
    out.write_bytes(b"old")
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"), "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_paper_letter(tmp_path):
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"), "--out", str(out),
                 "--paper", "letter"]) == 0
    box = reader(out.read_bytes()).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(LETTER)


@pytest.mark.parametrize("arguments, words", [
    (["{example}", "--out", "{tmp}"], "is a directory"),
    (["{example}", "--out", "{tmp}/missing/plan.pdf"], "does not exist"),
    (["{example}", "--consultation", "4", "--out", "{tmp}/p.pdf"], "not both"),
    (["--out", "{tmp}/p.pdf"], "give a consultation document"),
    (["--consultation", "four", "--out", "{tmp}/p.pdf"], "not a consultation id"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, capsys, arguments, words):
    example_path = str(EXAMPLES / "skin-rejuvenation.json")
    argv = ["plan"] + [a.format(tmp=tmp_path, example=example_path) for a in arguments]
    assert main(argv) == 2
    assert words in capsys.readouterr().err


# -- stored consultations, from a real database ------------------------------------------

STORED_CLINIC = ClinicSettings(name="Stored Clinic <&>", address="1 Main Street",
                               default_paper="letter")


def store_consultation(path, kb, passphrase=None) -> int:
    """A database at ``path`` with the clinic's settings and one draft; its id."""
    from mesodesk.services import consultations, documents, records

    doc = parse_consultation(example("hair-loss-anticoagulants.json"), kb)
    db = records.open_records(str(path), passphrase)
    try:
        db.settings.save(STORED_CLINIC)
        imported = documents.import_document(db, doc)
        return consultations.save_draft(db, imported.patient.id, doc, imported.record.id).id
    finally:
        db.close()


@pytest.fixture
def stored(tmp_path, kb, monkeypatch):
    path = tmp_path / "clinic.db"
    monkeypatch.setenv("MESODESK_DB", str(path))
    return SimpleNamespace(path=path, id=str(store_consultation(path, kb)))


def test_a_stored_consultation_with_the_clinic_settings(tmp_path, stored, capsys):
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", stored.id, "--db", str(stored.path),
                 "--out", str(out)]) == 0
    data = out.read_bytes()
    assert "Giorgos Nikolaou" in full_text(data) and "Stored Clinic <&>" in full_text(data)
    box = reader(data).pages[0].mediabox  # the clinic's default paper
    assert (float(box.width), float(box.height)) == pytest.approx(LETTER)
    assert "Letter" in capsys.readouterr().out


def test_paper_option_beats_the_clinic_default(tmp_path, stored):
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", stored.id, "--paper", "a4", "--out", str(out)]) == 0
    assert float(reader(out.read_bytes()).pages[0].mediabox.width) == pytest.approx(595.2756, abs=0.01)


def test_the_passphrase_file_opens_an_encrypted_database(tmp_path, kb):
    path = tmp_path / "secret.db"
    number = store_consultation(path, kb, passphrase="correct horse")
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse\n", encoding="utf-8")
    assert main(["plan", "--consultation", str(number), "--db", str(path),
                 "--passphrase-file", str(secret), "--out", str(tmp_path / "p.pdf")]) == 0


def test_an_unknown_stored_consultation_exits_2(tmp_path, stored, capsys):
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", "8", "--out", str(out)]) == 2
    assert "--consultation 8: there is no consultation 8" in capsys.readouterr().err
    assert not out.exists()


def test_a_file_with_a_database_takes_the_clinic_settings(tmp_path, stored):
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"), "--db", str(stored.path),
                 "--out", str(out)]) == 0
    text = full_text(out.read_bytes())
    assert "Stored Clinic <&>" in text and "José Álvarez Núñez" in text


def test_a_file_without_a_database_touches_no_database(tmp_path):
    from mesodesk.store.engine import default_database_path

    home_database = default_database_path()
    assert main(["plan", str(EXAMPLES / "skin-rejuvenation.json"),
                 "--out", str(tmp_path / "p.pdf")]) == 0
    assert not home_database.exists()


def test_a_store_error_is_a_message_with_the_stores_exit_code(tmp_path, capsys):
    path = tmp_path / "other.db"
    out = tmp_path / "plan.pdf"
    path.write_bytes(b"not a database at all, not SQLite either" * 10)
    assert main(["plan", "--consultation", "7", "--db", str(path), "--out", str(out)]) == 2
    assert f"mesodesk: {path} is not a mesodesk database" in capsys.readouterr().err
    assert not out.exists()


def test_an_empty_passphrase_file_is_refused(tmp_path, stored, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("\n", encoding="utf-8")
    assert main(["plan", "--consultation", stored.id, "--passphrase-file", str(secret),
                 "--out", str(tmp_path / "p.pdf")]) == 2
    assert "the passphrase file is empty" in capsys.readouterr().err


def test_a_consultation_imported_into_a_real_database_prints(tmp_path, capsys):
    db = tmp_path / "clinic.db"
    assert main(["import", str(EXAMPLES / "localized-fat-soy.json"), "--db", str(db)]) == 0
    consultation_id = capsys.readouterr().out.strip().splitlines()[-1]
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", consultation_id, "--db", str(db), "--out", str(out)]) == 0
    text = full_text(out.read_bytes())
    assert "Ελένη Παπαδοπούλου" in text and "Phosphatidylcholine (PC)" in text
    assert main(["plan", "--consultation", "999", "--db", str(db), "--out", str(out)]) == 2
    assert "999" in capsys.readouterr().err
