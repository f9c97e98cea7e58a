"""The record commands: import, export, backup, restore, audit verify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mesodesk.cli import main
from tests.store.helpers import PASSPHRASE, REPO, table_dump

EXAMPLES = REPO / "resources" / "examples"


def _cli(backend, tmp_path, capsys):
    """Run ``mesodesk ARGS --db ...`` in-process; returns (exit code, stdout, stderr)."""
    options = ["--db", backend.location]
    if backend.name == "sqlite":
        options.append("--unencrypted")  # the plain backend (a new file is encrypted by default)
    if backend.passphrase is not None:
        key = tmp_path / "passphrase.txt"
        key.write_text(backend.passphrase + "\n", encoding="utf-8")
        options += ["--passphrase-file", str(key)]

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, *options])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def cli(backend, tmp_path, capsys):
    return _cli(backend, tmp_path, capsys)


@pytest.fixture
def file_cli(file_backend, tmp_path, capsys):
    return _cli(file_backend, tmp_path, capsys)


def test_import_prints_the_new_consultation_id_alone_on_the_last_line(cli, backend) -> None:
    code, out, _ = cli("import", str(EXAMPLES / "format-example.json"))
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "1"
    assert "new patient 1, Ελένη Παπαδοπούλου" in lines[0]
    code, out, _ = cli("import", str(EXAMPLES / "cellulite-arrhythmia.json"))
    assert code == 0 and out.splitlines()[-1] == "2"
    with backend.open() as db:
        assert db.consultations.get(1).status == "draft"
        assert db.audit.verify().ok


def test_importing_the_same_document_twice_adds_nothing(cli, backend) -> None:
    first = cli("import", str(EXAMPLES / "format-example.json"))[1].splitlines()[-1]
    code, out, _ = cli("import", str(EXAMPLES / "format-example.json"))
    assert code == 0 and out.splitlines()[-1] == first
    assert "already stored" in out
    with backend.open() as db:
        assert db.patients.count() == 1 and len(db.consultations.for_patient(1)) == 1


def test_a_second_consultation_of_the_same_patient_matches_the_patient(cli, backend, tmp_path) -> None:
    data = json.loads((EXAMPLES / "format-example.json").read_text(encoding="utf-8"))
    cli("import", str(EXAMPLES / "format-example.json"))
    data["notes"] = "Second visit."
    data["patient"]["name"] = "ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ"  # typed differently, same person
    second = tmp_path / "second.json"
    second.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = cli("import", str(second))
    assert code == 0 and "existing patient 1" in out
    with backend.open() as db:
        assert db.patients.count() == 1 and len(db.consultations.for_patient(1)) == 2


def test_an_invalid_document_is_refused_by_path_and_nothing_is_stored(cli, backend, tmp_path) -> None:
    data = json.loads((EXAMPLES / "format-example.json").read_text(encoding="utf-8"))
    data["courses"][0]["start_date"] = "2026-02-30"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = cli("import", str(bad))
    assert code == 2 and out == ""
    assert "courses[0].start_date" in err and "not a real date" in err
    if backend.path is not None:
        assert not backend.path.exists()


def test_export_writes_the_stored_document(cli, backend, tmp_path) -> None:
    cli("import", str(EXAMPLES / "format-example.json"))
    out_file = tmp_path / "exported.json"
    code, out, _ = cli("export", "1", "--out", str(out_file))
    assert code == 0 and "wrote consultation 1" in out
    original = json.loads((EXAMPLES / "format-example.json").read_text(encoding="utf-8"))
    assert json.loads(out_file.read_text(encoding="utf-8")) == original
    code, out, err = cli("export", "1", "--out", "-")
    assert code == 0 and json.loads(out) == original
    with backend.open() as db:  # the disclosure is in the audit trail
        exports = [e for e in db.audit.events() if e.action == "export"]
        assert [e.details["to"] for e in exports] == ["standard output", str(out_file)]
        assert exports[0].record_id == 1 and db.audit.verify().ok


@pytest.mark.parametrize(("wanted", "message"), [
    ("42", "there is no consultation 42"),
    ("x", "must be a whole number"),
    ("-3", "must be a whole number"),
])
def test_export_of_a_bad_id_is_invalid_input(cli, tmp_path, wanted, message) -> None:
    cli("import", str(EXAMPLES / "format-example.json"))
    code, _, err = cli("export", wanted, "--out", str(tmp_path / "x.json"))
    assert code == 2 and message in err
    assert not (tmp_path / "x.json").exists()


def test_audit_verify_reports_a_whole_chain_and_names_a_broken_link(cli, backend) -> None:
    cli("import", str(EXAMPLES / "format-example.json"))
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "the audit trail is whole" in out
    backend.drop_trigger("audit_events_no_update", "audit_events")
    backend.execute("UPDATE audit_events SET action = 'nothing to see' WHERE id = 2")
    code, out, _ = cli("audit", "verify")
    assert code == 1
    assert "broken at event 2" in out.splitlines()[0]


def test_backup_and_restore_commands(cli, backend, tmp_path) -> None:
    cli("import", str(EXAMPLES / "format-example.json"))
    target = tmp_path / "backup.db"
    code, out, err = cli("backup", "--out", str(target))
    if backend.name == "postgresql":
        assert code == 2 and "pg_dump" in err
        return
    assert code == 0 and f"to {target}" in out and "1 patients" in out
    saved = table_dump(backend)
    cli("import", str(EXAMPLES / "skin-rejuvenation.json"))
    code, out, _ = cli("restore", str(target), "--yes")
    assert code == 0
    assert "restored it into" in out and "kept at" in out
    restored = table_dump(backend)
    # the records are the backup's; the trail goes on with the restore itself
    assert {k: v for k, v in restored.items() if k != "audit_events"} == {
        k: v for k, v in saved.items() if k != "audit_events"}
    assert restored["audit_events"][:-1] == saved["audit_events"]
    with backend.open() as db:
        event = db.audit.events(limit=1)[0]
        assert event.action == "restore-backup" and event.details["from"] == str(target)
        assert db.audit.verify().ok


def test_restore_of_a_file_that_is_not_a_backup(file_cli, file_backend) -> None:
    file_cli("import", str(EXAMPLES / "format-example.json"))
    before = table_dump(file_backend)
    code, _, err = file_cli("restore", str(EXAMPLES / "format-example.json"))
    assert code == 2
    assert ("not a mesodesk database" in err) or ("wrong passphrase" in err)
    assert table_dump(file_backend) == before


def test_restore_onto_a_server_is_refused(tmp_path, capsys) -> None:
    from tests.store.helpers import postgres_schema

    with postgres_schema() as url:
        code = main(["restore", str(tmp_path / "x.db"), "--db", url])
    assert code == 2 and "pg_restore" in capsys.readouterr().err


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "mesodesk", *args], cwd=REPO, text=True,
                          capture_output=True, env={**os.environ, **(env or {})})


def test_bad_passphrases_are_messages_not_tracebacks(tmp_path) -> None:
    db = tmp_path / "secret.db"
    key = tmp_path / "key.txt"
    key.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert _run("import", str(EXAMPLES / "format-example.json"), "--db", str(db),
                "--passphrase-file", str(key)).returncode == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("guess\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for args, message in [
        (["--passphrase-file", str(wrong)], "wrong passphrase"),
        (["--passphrase-file", str(empty)], "the passphrase file is empty"),
        (["--passphrase-file", str(tmp_path / "nope.txt")], "no such passphrase file"),
        ([], "or it is encrypted"),
    ]:
        result = _run("audit", "verify", "--db", str(db), *args)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr


def test_the_passphrase_and_database_can_come_from_the_environment(tmp_path) -> None:
    env = {"MESODESK_DB": str(tmp_path / "env.db"), "MESODESK_PASSPHRASE": PASSPHRASE}
    result = _run("import", str(EXAMPLES / "skin-rejuvenation.json"), env=env)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "1"
    assert Path(env["MESODESK_DB"]).read_bytes()[:16] != b"SQLite format 3\x00"
    assert _run("audit", "verify", env=env).returncode == 0
    locked_out = _run("audit", "verify", env={"MESODESK_DB": env["MESODESK_DB"],
                                             "MESODESK_PASSPHRASE": "wrong"})
    assert locked_out.returncode == 2 and "wrong passphrase" in locked_out.stderr


def test_plan_of_a_stored_consultation_the_knowledge_base_no_longer_knows(cli, backend,
                                                                          tmp_path) -> None:
    """A history item or substance of the practitioner's overlay, removed since the
    consultation was stored: a message naming the JSON path (exit 2), not a traceback."""
    from mesodesk.domain.document import parse_structure
    from mesodesk.domain.records import NewPatient

    data = json.loads((EXAMPLES / "format-example.json").read_text(encoding="utf-8"))
    data["history"] = ["anticoagulants", "clinic-implant"]
    data["substances"] = ["caffeine", "clinic-peptide"]
    with backend.open() as db:
        patient = db.patients.create(NewPatient(name="Zoë Müller",
                                                date_of_birth=parse_structure(data).patient.date_of_birth))
        record = db.consultations.save_draft(patient.id, parse_structure(data))
    out = tmp_path / "plan.pdf"
    code, stdout, err = cli("plan", "--consultation", str(record.id), "--out", str(out))
    assert code == 2, err
    assert f"--consultation {record.id}: the stored consultation does not match" in err
    assert "history[1]: 'clinic-implant' is not a known medical history item" in err
    assert "substances[1]: 'clinic-peptide' is not a known substance" in err
    assert "Traceback" not in err and not out.exists()


def test_plan_of_a_consultation_id_that_is_not_a_number(cli, tmp_path) -> None:
    code, _, err = cli("plan", "--consultation", "four", "--out", str(tmp_path / "p.pdf"))
    assert code == 2 and "--consultation four: not a consultation id" in err
