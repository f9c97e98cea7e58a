"""The patient list's first page read before SQLAlchemy loads (mesodesk/store/first_page.py):
the same patients, in the same order, as the database's own search, or None."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import open_database
from mesodesk.store.first_page import read_first_page

NAMES = ["Ελένη Παπαδοπούλου", "Zoë Müller", "Άννα Ιωάννου", "José Núñez", "Анна Иванова",
         "O'Neill Grace", "ελενη αλλη", "Σοφία Οικονόμου", "<b>&amp;</b> Test", "Émile Zola",
         "Ωρίων Ψαράς", "anna smith", "Ånna Ødegård", "😀 Emoji"]


def _fill(db, count: int) -> None:
    for number in range(count):
        name = f"{NAMES[number % len(NAMES)]} {number // len(NAMES)}"
        db.patients.create(NewPatient(name=name, date_of_birth=dt.date(1950 + number % 50, 1 + number % 12, 1 + number % 28),
                                      sex=("female", "male", None)[number % 3],
                                      phone=f"+30 210 {number:07d}" if number % 2 else None,
                                      email=f"p{number}@example.org" if number % 3 else None,
                                      notes="σημείωση <b>&" if number % 5 == 0 else ""))


@pytest.fixture(params=("plain", "key store"))
def clinic(request: pytest.FixtureRequest, tmp_path: Path):
    path = tmp_path / "clinic.db"
    unencrypted = request.param == "plain"
    db = open_database(str(path), unencrypted=unencrypted)
    _fill(db, 130)
    yield path, unencrypted, db
    db.close()


@pytest.mark.parametrize("language", ["en", "el"])
def test_the_first_page_is_the_databases_own_first_page(clinic, language: str) -> None:
    path, unencrypted, db = clinic
    expected = db.patients.search("", limit=100, language=language)
    assert read_first_page(str(path), unencrypted=unencrypted, language=language) == expected
    few = read_first_page(str(path), unencrypted=unencrypted, language=language, limit=7)
    assert few == expected[:7]


def test_a_new_missing_or_empty_file_gives_no_first_page(tmp_path: Path) -> None:
    assert read_first_page(str(tmp_path / "absent.db"), unencrypted=True) is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert read_first_page(str(tmp_path / "empty.db"), unencrypted=True) is None
    (tmp_path / "text.db").write_text("not a database <b>&", encoding="utf-8")
    assert read_first_page(str(tmp_path / "text.db"), unencrypted=True) is None
    assert read_first_page("postgresql://user:pw@127.0.0.1:1/none") is None


def test_a_passphrase_database_waits_for_the_full_open(tmp_path: Path) -> None:
    """Its key derivation would otherwise run twice at every start."""
    path = tmp_path / "clinic.db"
    open_database(str(path), "κλειδί <b>&").close()
    assert read_first_page(str(path), "κλειδί <b>&") is None


def test_a_schema_behind_the_newest_gives_no_first_page(clinic) -> None:
    path, unencrypted, db = clinic
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")
    assert read_first_page(str(path), unencrypted=unencrypted) is None


def test_a_damaged_value_leaves_the_page_to_the_repository(clinic) -> None:
    """The repository marks the damaged patient; this reader would not, so it steps aside."""
    path, unencrypted, db = clinic
    first = db.patients.search("", limit=1)[0]
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE patients SET date_of_birth = 'not a date' WHERE id = ?",
                                   (first.id,))
    assert read_first_page(str(path), unencrypted=unencrypted) is None
    assert db.patients.search("", limit=1)[0].damaged == ("date_of_birth",)


def test_reading_the_first_page_imports_neither_sqlalchemy_nor_pydantic(clinic) -> None:
    path, unencrypted, _db = clinic
    script = ("import sys\nfrom mesodesk.store.first_page import read_first_page\n"
              f"rows = read_first_page({str(path)!r}, unencrypted={unencrypted})\n"
              "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
              "('sqlalchemy', 'sqlmodel', 'pydantic', 'sqlite3', '_sqlite3'))\n"
              "print(len(rows), heavy)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=os.environ.copy(), check=True).stdout
    assert out.strip() == "100 []"
