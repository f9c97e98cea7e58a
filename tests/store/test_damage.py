"""Stored values that no longer parse: named by table, row and column, read around, and
refused by import and export.

Each test damages a value with raw SQL through SQLAlchemy ``text()`` on the store's own
engine, as a failing disk or another program would leave it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from mesodesk.cli import main
from mesodesk.domain.records import NewPatient
from mesodesk.services import documents
from mesodesk.services.errors import ServiceError
from mesodesk.services.verify import verify
from mesodesk.store import IntegrityFailure
from tests.store.helpers import REPO

EXAMPLE = REPO / "resources" / "examples" / "format-example.json"


def _damage(db, sql: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(sql))


@pytest.fixture
def three(file_backend, doc):
    """Three patients (Άννα, Βασίλης, Γιώργος), a draft for Βασίλης."""
    db = file_backend.open()
    try:
        patients = db.patients.create_many([
            NewPatient(name=name, date_of_birth=dt.date(1980, 1, 1 + number))
            for number, name in enumerate(("Άννα", "Βασίλης", "Γιώργος"))])
        db.consultations.save_draft(patients[1].id, doc)
        yield db
    finally:
        db.close()


@pytest.mark.parametrize(("sql", "named"), [
    ("UPDATE patients SET date_of_birth = '31/02/1980' WHERE id = 2",
     "patients row 2, column date_of_birth: the stored value does not parse"),
    ("UPDATE patients SET updated_at = 'yesterday' WHERE id = 2",
     "patients row 2, column updated_at: the stored value does not parse"),
    ("UPDATE consultations SET created_at = '2026-13-45 99:00:00' WHERE id = 1",
     "consultations row 1, column created_at: the stored value does not parse"),
    ("UPDATE consultations SET document = '{\"patient\": ' WHERE id = 1",
     "consultations row 1, column document: the stored consultation document does not parse "
     "(not valid JSON"),
    ("UPDATE consultations SET document = '{\"patient\": 3}' WHERE id = 1",
     "consultations row 1, column document: the stored consultation document does not parse"),
])
def test_audit_verify_names_the_table_row_and_column(three, sql, named) -> None:
    # a changed row also differs from its audited state: the triggers allow a draft's
    _damage(three, sql)
    report = verify(three)
    assert not report.ok
    assert any(problem.startswith(named) for problem in report.problems), report.problems
    assert report.damaged and report.damaged[0].row in (1, 2)


def test_a_damaged_audit_event_is_named_not_crashed_on(three, file_backend) -> None:
    file_backend.drop_trigger("audit_events_no_update", "audit_events")
    _damage(three, "UPDATE audit_events SET at = 'noon' WHERE id = 2")
    _damage(three, "UPDATE audit_events SET details = '[1, 2' WHERE id = 3")
    report = verify(three)
    said = "\n".join(report.problems)
    assert "audit_events row 2, column at: the stored value does not parse" in said
    assert "audit_events row 3, column details: the stored JSON does not parse" in said
    assert "event 2: cannot be checked, a stored value does not parse (at)" in said


def test_the_patient_list_shows_the_others_and_marks_the_damaged_one(three) -> None:
    _damage(three, "UPDATE patients SET date_of_birth = 'garbage' WHERE id = 2")
    listed = three.patients.search("")
    assert [patient.name for patient in listed] == ["Άννα", "Βασίλης", "Γιώργος"]
    assert [patient.damaged for patient in listed] == [(), ("date_of_birth",), ()]
    assert listed[0].date_of_birth == dt.date(1980, 1, 1)
    assert [patient.name for patient in three.patients.search("Βασ")] == ["Βασίλης"]
    assert three.patients.count("") == 3


def test_reading_a_damaged_record_is_a_clear_error(three) -> None:
    _damage(three, "UPDATE patients SET created_at = 'garbage' WHERE id = 2")
    with pytest.raises(IntegrityFailure, match=r"a stored value does not parse .*"
                                               r"`mesodesk audit verify` names the table"):
        three.patients.get(2)
    assert three.patients.get(1).name == "Άννα"


def test_export_refuses_a_damaged_consultation_by_name(three, tmp_path) -> None:
    _damage(three, "UPDATE consultations SET updated_at = 'garbage' WHERE id = 1")
    out = tmp_path / "out.json"
    with pytest.raises(ServiceError, match=r"export refused: the database holds damaged values "
                                           r"\(consultations row 1, column updated_at"):
        documents.export_document(three, 1, out)
    assert not out.exists()
    assert three.audit.events(limit=1)[0].action != "export"  # nothing was written


def test_import_and_export_refuse_a_damaged_database_and_name_the_repair(
        three, file_backend, tmp_path, kb, capsys) -> None:
    _damage(three, "UPDATE patients SET date_of_birth = 'garbage' WHERE id = 3")
    events = len(three.audit.events(limit=1000))
    options = ["--db", str(file_backend.path)]
    options += file_backend.cli_choice
    if file_backend.passphrase:
        key = tmp_path / "key.txt"
        key.write_text(file_backend.passphrase, encoding="utf-8")
        options += ["--passphrase-file", str(key)]
    capsys.readouterr()
    assert main(["import", str(EXAMPLE), *options]) == 1
    err = capsys.readouterr().err
    assert "import refused: the database holds damaged values (patients row 3, column " \
           "date_of_birth" in err
    assert "Restore the latest backup (`mesodesk restore BACKUP`)" in err
    assert "Traceback" not in err
    assert main(["export", "1", "--out", str(tmp_path / "x.json"), *options]) == 1
    assert "export refused" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
    assert len(three.audit.events(limit=1000)) == events
    assert three.consultations.get(1).status == "draft"  # the undamaged records still read
