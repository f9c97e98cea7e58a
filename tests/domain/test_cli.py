"""The headless commands: screen, --version, --help, and their exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mesodesk import __version__
from mesodesk.cli import main
from tests.conftest import EXAMPLES

EXPECTED_EXIT = {
    "cellulite-arrhythmia.json": 0, "localized-fat-soy.json": 0, "skin-rejuvenation.json": 0,
    "hair-loss-anticoagulants.json": 0, "format-example.json": 0, "pregnant.json": 3, "minor-16.json": 3,
}


def test_every_example_has_an_expected_outcome():
    assert {p.name for p in EXAMPLES.glob("*.json")} == set(EXPECTED_EXIT)


@pytest.mark.parametrize("name", sorted(EXPECTED_EXIT))
def test_screen_exit_codes(name, capsys):
    assert main(["screen", str(EXAMPLES / name)]) == EXPECTED_EXIT[name]


def test_screen_json_is_the_screening_format(capsys):
    assert main(["screen", str(EXAMPLES / "localized-fat-soy.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "mesodesk.screening/1" and data["status"] == "ok"
    pc = next(s for s in data["substances"] if s["id"] == "phosphatidylcholine")
    assert pc["status"] == "contraindicated" and pc["selected"] is False
    assert pc["reasons"][0]["history"] == "allergy-soy"


def test_blocked_screen_names_the_cause(capsys):
    assert main(["screen", str(EXAMPLES / "pregnant.json"), "--json"]) == 3
    captured = capsys.readouterr()
    assert json.loads(captured.out)["blocked_by"][0]["history"] == "pregnancy"
    assert "pregnancy" in captured.err.lower()


def test_readable_summary(capsys):
    main(["screen", str(EXAMPLES / "cellulite-arrhythmia.json")])
    out = capsys.readouterr().out
    assert "Claire Dubois" in out and "CAUTION" in out and "2026-11-27" in out


@pytest.mark.parametrize("content, words", [
    ('{"format": "mesodesk.consultation/1"}', "date: is required"),
    ('{"format": "x", "date": "2026-11-01", "patient": {"name": "A", "date_of_birth": "1990-01-01"}, '
     '"concerns": ["cellulite"], "courses": [{"concern": "cellulite", "start_date": "soon"}]}',
     "courses[0].start_date"),
    ('{"format": "mesodesk.consultation/1", "date": "2026-11-01", "patient": {"name": "A", '
     '"date_of_birth": "1990-01-01"}, "concerns": ["cellulite"], '
     '"courses": [{"concern": "cellulite", "start_date": "2026-10-31"}]}',
     "courses[0].start_date: 2026-10-31 is before the consultation date"),
    ("not json", "not valid JSON"),
])
def test_invalid_document_exits_2_naming_the_path(tmp_path, capsys, content, words):
    path = tmp_path / "doc.json"
    path.write_text(content, encoding="utf-8")
    assert main(["screen", str(path)]) == 2
    assert words in capsys.readouterr().err


def test_unreadable_inputs_give_messages(tmp_path, capsys):
    assert main(["screen", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"name": "José"}'.encode("latin-1"))
    assert main(["screen", str(latin1)]) == 2
    assert "UTF-8" in capsys.readouterr().err
    assert main(["screen", str(tmp_path)]) == 2


def _run(*args):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    return subprocess.run([sys.executable, "-m", "mesodesk", *args], capture_output=True, text=True, env=env)


def test_version_and_help_from_python_m():
    assert _run("--version").stdout.strip() == f"mesodesk {__version__}"
    help_text = _run("--help").stdout
    for command in ("screen", "plan", "knowledge", "import", "export", "backup", "restore", "audit"):
        assert command in help_text


def test_version_does_not_import_qt_sqlalchemy_or_reportlab():
    probe = ("import sys; from mesodesk.cli import main\n"
             "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'PySide6', 'sqlalchemy', 'sqlmodel', 'reportlab', 'pydantic', 'alembic'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert out.strip().endswith("[]"), out


def test_a_closed_pipe_is_not_a_traceback():
    # `true` exits without reading, so the write meets a closed pipe.
    command = f"{sys.executable} -m mesodesk screen {EXAMPLES / 'format-example.json'} --json | true"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 0


def test_a_byte_order_mark_in_a_file_is_fine(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "skin-rejuvenation.json").read_bytes())
    assert main(["screen", str(path)]) == 0
