"""The start-up patient list read with sqlite3 alone gives what the repository gives."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.store import open_database
from mesodesk.store.quick import QuickPatientList


@pytest.fixture
def clinic(tmp_path):
    path = tmp_path / "clinic.db"
    db = open_database(str(path))
    names = ["Ελένη Παπαδοπούλου", "José Álvarez", "zoë Müller", "Anna Kowalska", "Αλέξης Νικολάου", "O'Neill"]
    db.patients.create_many([NewPatient(name=n, date_of_birth=dt.date(1980, 1, i + 1), phone=f"+30 {i}")
                             for i, n in enumerate(names)])
    yield path, db
    db.close()


def test_lists_what_the_repository_lists_in_the_same_order(clinic):
    path, db = clinic
    quick = QuickPatientList.open(path)
    assert quick is not None
    for limit, offset in ((100, 0), (2, 0), (2, 3), (10, 6)):
        assert quick.search("", limit=limit, offset=offset) == db.patients.search("", limit=limit, offset=offset)
    assert quick.count() == db.patients.count() == 6
    quick.close()


def test_searching_is_left_to_the_repository(clinic):
    quick = QuickPatientList.open(clinic[0])
    with pytest.raises(ValueError):
        quick.search("ελενη")


def test_declines_what_it_cannot_read_safely(tmp_path, clinic):
    assert QuickPatientList.open(tmp_path / "missing.db") is None
    assert QuickPatientList.open("postgresql://u@localhost/x") is None
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    assert QuickPatientList.open(text) is None
    encrypted = tmp_path / "secret.db"
    open_database(str(encrypted), passphrase="correct horse").close()
    assert QuickPatientList.open(encrypted) is None
    path, db = clinic
    with db.writing() as connection:
        from sqlalchemy import text as sql

        connection.execute(sql("UPDATE alembic_version SET version_num = '0001'"))
    assert QuickPatientList.open(path) is None, "a schema that needs a migration goes the full way"


def test_reading_the_first_rows_imports_no_sqlalchemy(clinic):
    probe = (f"import sys; from mesodesk.store.quick import QuickPatientList\n"
             f"rows = QuickPatientList.open({str(clinic[0])!r}).search('')\n"
             "print(len(rows), sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'PySide6'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "6 []"
