"""Hostile input through the real command line: a lone surrogate anywhere (a JSON escape,
a file name, an argument, an environment variable, a passphrase file), an output stream
that cannot encode Greek, and a huge object. Each is a message and exit code 2, never a
traceback, and nothing is stored by a command that then fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mesodesk.domain import document
from mesodesk.domain.document import DocumentError, parse_structure
from tests.store.helpers import REPO

EXAMPLES = REPO / "resources" / "examples"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mesodesk", *args], capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
                          cwd=REPO)


def text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def stored_consultations(db: Path) -> int:
    if not db.exists():
        return 0
    from mesodesk.services.records import open_records

    records = open_records(db, migrate=False)
    try:
        return sum(len(records.consultations.for_patient(patient.id))
                   for patient in records.patients.search(""))
    finally:
        records.close()


def example_with(tmp_path: Path, raw_notes: str) -> Path:
    """The format example with ``notes`` given as raw JSON text (an escape kept as typed)."""
    data = json.loads((EXAMPLES / "format-example.json").read_text(encoding="utf-8"))
    data["notes"] = "PLACEHOLDER"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data, ensure_ascii=False).replace('"PLACEHOLDER"', raw_notes),
                    encoding="utf-8")
    return path


# -- the duplicate-key check is linear -----------------------------------------------------

class CountedKey(str):
    """A key that counts the comparisons and hashes made of it."""

    work = 0

    def __eq__(self, other: object) -> bool:
        CountedKey.work += 1
        return str.__eq__(self, other)

    def __hash__(self) -> int:
        CountedKey.work += 1
        return str.__hash__(self)


def test_the_duplicate_key_check_does_work_in_proportion_to_the_keys() -> None:
    keys = 3000
    pairs = [(CountedKey(f"k{index}"), index) for index in range(keys)]
    CountedKey.work = 0
    assert len(document._no_duplicate_keys(pairs)) == keys
    # A scan of every key for every key (the old list.count) is 9,000,000 comparisons.
    assert CountedKey.work <= 3 * keys


def test_a_megabyte_object_of_60000_keys_is_answered_with_the_first_duplicate() -> None:
    fields = ", ".join(f'"key{index:05d}": {index}' for index in range(60_000))
    data = '{"notes": {' + fields + ', "key59999": 1}}'
    assert len(data) > 1_000_000
    with pytest.raises(DocumentError) as caught:
        parse_structure(data)
    assert "'key59999' appears twice" in str(caught.value)


# -- lone surrogates -----------------------------------------------------------------------

@pytest.mark.parametrize("raw", ['"\\ud800"', '"Ελένη \\udfff"', '["ok", ["\\ud83d"]]'])
def test_a_lone_surrogate_escape_in_a_document_is_named(raw: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_structure('{"notes": ' + raw + "}")
    assert "the field 'notes' holds \\ud" in str(caught.value)
    assert "lone surrogate" in str(caught.value)


def test_a_lone_surrogate_in_a_field_name_is_named() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_structure('{"no\\udc80tes": 1}')
    assert "a field name holds \\udc80" in str(caught.value)


def test_a_whole_emoji_written_as_a_surrogate_pair_is_text() -> None:
    with pytest.raises(DocumentError) as caught:  # other fields are missing, not the emoji
        parse_structure('{"notes": "\\ud83d\\ude00"}')
    assert "surrogate" not in str(caught.value)


def test_importing_a_lone_surrogate_is_refused_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    result = run("import", str(example_with(tmp_path, '"\\ud800"')), "--db", str(db))
    assert result.returncode == 2, text(result.stderr)
    assert b"Traceback" not in result.stderr
    assert "the field 'notes' holds \\ud800" in text(result.stderr)
    assert stored_consultations(db) == 0


def test_a_file_name_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/consultation-\xff.json"
    Path(os.fsdecode(name)).write_bytes((EXAMPLES / "format-example.json").read_bytes())
    db = tmp_path / "records.db"
    result = subprocess.run([os.fsencode(sys.executable), b"-m", b"mesodesk", b"import", name,
                             b"--db", os.fsencode(db)], capture_output=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2, text(result.stderr)
    assert b"Traceback" not in result.stderr
    assert "argument 2 (" in text(result.stderr) and "not valid text" in text(result.stderr)
    assert "consultation-\\udcff.json" in text(result.stderr)
    assert not db.exists()


def test_an_environment_variable_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    env = {**os.environb, b"PYTHONPATH": os.fsencode(REPO),
           b"MESODESK_DB": os.fsencode(tmp_path) + b"/records-\xe9.db"}
    result = subprocess.run([sys.executable, "-m", "mesodesk", "import",
                             str(EXAMPLES / "format-example.json")], capture_output=True,
                            cwd=REPO, env=env)
    assert result.returncode == 2, text(result.stderr)
    assert "MESODESK_DB" in text(result.stderr) and "not valid text" in text(result.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, message", [
    (b"\xed\xa0\x80secret\n", "not UTF-8 text"),  # a surrogate encoded in UTF-8: not UTF-8
    (b"sec\x00ret\n", "contains a NUL byte"),
])
def test_a_passphrase_file_with_a_surrogate_or_a_nul_is_refused(tmp_path: Path, content: bytes,
                                                                message: str) -> None:
    key = tmp_path / "passphrase.txt"
    key.write_bytes(content)
    db = tmp_path / "records.db"
    result = run("import", str(EXAMPLES / "format-example.json"), "--db", str(db),
                 "--passphrase-file", str(key))
    assert result.returncode == 2, text(result.stderr)
    assert b"Traceback" not in result.stderr and message in text(result.stderr)
    assert not db.exists()


# -- an output stream that cannot show Greek ------------------------------------------------

def test_an_ascii_output_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    result = run("import", str(EXAMPLES / "format-example.json"), "--db", str(db),
                 env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 2, text(result.stderr)
    assert b"Traceback" not in result.stderr
    assert "encoding (ascii) cannot show Greek" in text(result.stderr)
    assert result.stdout == b""
    assert not db.exists()  # the import never ran: the name it prints would have failed
    screened = run("screen", str(EXAMPLES / "format-example.json"),
                   env={"PYTHONIOENCODING": "latin-1"})
    assert screened.returncode == 2 and b"Traceback" not in screened.stderr


def test_a_c_locale_still_prints_greek(tmp_path: Path) -> None:
    # Python reads the C locale as UTF-8 (PEP 538, 540): nothing to refuse there.
    db = tmp_path / "records.db"
    env = {"LC_ALL": "C", "LANG": "C"}
    env_clean = {key: value for key, value in os.environ.items() if key != "PYTHONIOENCODING"}
    result = subprocess.run([sys.executable, "-m", "mesodesk", "import",
                             str(EXAMPLES / "format-example.json"), "--db", str(db)],
                            capture_output=True, cwd=REPO,
                            env={**env_clean, "PYTHONPATH": str(REPO), **env})
    assert result.returncode == 0, text(result.stderr)
    assert "Ελένη Παπαδοπούλου" in result.stdout.decode("utf-8")
    assert stored_consultations(db) == 1
