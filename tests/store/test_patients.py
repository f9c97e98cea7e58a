"""Patients: create, update, get, search, count, find_or_create, on every backend."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.document import Patient
from mesodesk.domain.records import NewPatient, PatientRecord
from mesodesk.store import InvalidRecord, NotFound


def test_create_returns_a_domain_record_and_get_reads_it_back(db, patient) -> None:
    assert isinstance(patient, PatientRecord)
    assert patient.name == "Ελένη Παπαδοπούλου"
    assert patient.date_of_birth == dt.date(1988, 4, 12)
    assert patient.created_at.tzinfo is not None
    assert db.patients.get(patient.id) == patient


def test_create_trims_the_name_and_empties_blank_contact_fields(db) -> None:
    record = db.patients.create(NewPatient(name="  José Núñez  ", date_of_birth=dt.date(1970, 1, 1),
                                           phone="  ", email=""))
    assert record.name == "José Núñez"
    assert record.phone is None and record.email is None


@pytest.mark.parametrize(("new", "field"), [
    (NewPatient(name="   ", date_of_birth=dt.date(1980, 1, 1)), "name"),
    (NewPatient(name="x" * 201, date_of_birth=dt.date(1980, 1, 1)), "name"),
    (NewPatient(name="A", date_of_birth=dt.date.today() + dt.timedelta(days=1)), "date_of_birth"),
    (NewPatient(name="A", date_of_birth=dt.date(1850, 1, 1)), "date_of_birth"),
    (NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1), sex="f"), "sex"),  # type: ignore[arg-type]
    (NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1), phone="1" * 201), "phone"),
    (NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1), notes="n" * 20_001), "notes"),
])
def test_invalid_patients_are_refused_naming_the_field(db, new: NewPatient, field: str) -> None:
    with pytest.raises(InvalidRecord, match=rf"^{field}: "):
        db.patients.create(new)
    assert db.patients.count() == 0


def test_update_changes_the_patient_and_keeps_created_at(db, patient) -> None:
    updated = db.patients.update(patient.id, NewPatient(
        name="Ελένη Παπαδοπούλου-Ιωάννου", date_of_birth=patient.date_of_birth, sex="female",
        phone="+30 210 111 1111", email=patient.email, notes="Prefers mornings."))
    assert updated.id == patient.id
    assert updated.name == "Ελένη Παπαδοπούλου-Ιωάννου"
    assert updated.notes == "Prefers mornings."
    assert updated.created_at == patient.created_at
    assert updated.updated_at >= patient.updated_at
    assert db.patients.get(patient.id) == updated
    assert [p.id for p in db.patients.search("ιωαννου")] == [patient.id]
    assert [p.id for p in db.patients.search("111 1111")] == [patient.id]


def test_an_update_that_changes_nothing_writes_nothing(db, patient) -> None:
    events = len(db.audit.events(limit=1000))
    same = NewPatient(name=patient.name, date_of_birth=patient.date_of_birth, sex=patient.sex,
                      phone=patient.phone, email=patient.email, notes=patient.notes)
    assert db.patients.update(patient.id, same) == patient
    assert len(db.audit.events(limit=1000)) == events


def test_unknown_patients_are_not_found(db) -> None:
    with pytest.raises(NotFound, match="no patient 999"):
        db.patients.get(999)
    with pytest.raises(NotFound):
        db.patients.update(999, NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1)))


def _names(records: list[PatientRecord]) -> list[str]:
    return [record.name for record in records]


@pytest.fixture
def several(db) -> list[PatientRecord]:
    people = [
        NewPatient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12),
                   phone="+30 210 000 0000"),
        NewPatient(name="Οδυσσέας Ελύτης", date_of_birth=dt.date(1911, 11, 2)),
        NewPatient(name="José Núñez", date_of_birth=dt.date(1975, 6, 30), phone="+34 612 345 678"),
        NewPatient(name="Anna Schmidt", date_of_birth=dt.date(1988, 4, 12)),
        NewPatient(name="anna_100%", date_of_birth=dt.date(1990, 1, 1)),
        NewPatient(name="Zoë O'Brien", date_of_birth=dt.date(2001, 2, 3)),
    ]
    return db.patients.create_many(people)


def test_search_by_name_is_accent_case_and_script_insensitive(db, several) -> None:
    assert _names(db.patients.search("ελενη")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("ΕΛΕΝΗ")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("ελυτησ")) == ["Οδυσσέας Ελύτης"]
    assert _names(db.patients.search("ελυτης")) == ["Οδυσσέας Ελύτης"]
    assert _names(db.patients.search("jose")) == ["José Núñez"]
    assert _names(db.patients.search("NUNEZ")) == ["José Núñez"]
    assert _names(db.patients.search("zoe obrien")) == ["Zoë O'Brien"]


def test_search_crosses_scripts_greek_and_latin(db, several) -> None:
    # ELOT 743 both ways: the Latin spelling finds the Greek name, Greek letters the Latin one
    assert _names(db.patients.search("Eleni")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("Papadopoulou")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("eleni papadopoulou")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("Odysseas Elytis")) == ["Οδυσσέας Ελύτης"]
    assert _names(db.patients.search("σμιντ")) == []  # "smint", not Schmidt: no guessing
    assert _names(db.patients.search("αννα σχμιδτ")) == ["Anna Schmidt"]
    assert _names(db.patients.search("ζοε")) == ["Zoë O'Brien"]
    assert db.patients.count("eleni") == 1


def test_search_matches_every_word_anywhere_in_the_name(db, several) -> None:
    assert _names(db.patients.search("papadop")) == ["Ελένη Παπαδοπούλου"]  # across scripts
    assert _names(db.patients.search("παδοπ")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("παπαδοπουλου ελενη")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("ελενη schmidt")) == []


def test_like_wildcards_typed_are_plain_text(db, several) -> None:
    assert _names(db.patients.search("%")) == ["anna_100%"]
    assert _names(db.patients.search("n%a")) == []  # as a wildcard it would match "anna..."
    assert _names(db.patients.search("100%")) == ["anna_100%"]


def test_search_by_date_of_birth_in_iso_or_day_first(db, several) -> None:
    assert _names(db.patients.search("1988-04-12")) == ["Anna Schmidt", "Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("12/04/1988")) == ["Anna Schmidt", "Ελένη Παπαδοπούλου"]


def test_search_by_phone_digits(db, several) -> None:
    assert _names(db.patients.search("612 345")) == ["José Núñez"]
    assert _names(db.patients.search("+30210")) == ["Ελένη Παπαδοπούλου"]
    assert _names(db.patients.search("(612)-345-678")) == ["José Núñez"]


def test_search_is_ordered_by_name_and_pages(db, several) -> None:
    everyone = db.patients.search()
    assert len(everyone) == 6 and db.patients.count() == 6
    keys = [p.name.casefold() for p in everyone]
    assert keys[:3] == ["anna_100%", "anna schmidt", "josé núñez"]  # by key: "anna 100%"
    assert db.patients.search(limit=2, offset=2) == everyone[2:4]
    assert db.patients.search(limit=0) == []
    assert db.patients.count("anna") == 2
    assert db.patients.count("nobody") == 0


def test_find_or_create_matches_on_normalized_name_and_date_of_birth(db, patient) -> None:
    typed = Patient(name="ελενη  παπαδοπουλου", date_of_birth=dt.date(1988, 4, 12))
    assert db.patients.find_or_create(typed) == patient
    other_birthday = Patient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 13))
    created = db.patients.find_or_create(other_birthday)
    assert created.id != patient.id
    assert db.patients.count() == 2
    assert db.patients.find(typed) == patient


def test_create_many_is_all_or_nothing(db) -> None:
    good = NewPatient(name="A", date_of_birth=dt.date(1980, 1, 1))
    bad = NewPatient(name="", date_of_birth=dt.date(1980, 1, 1))
    with pytest.raises(InvalidRecord, match="patient 2: name"):
        db.patients.create_many([good, bad])
    assert db.patients.count() == 0
    created = db.patients.create_many([good, good])
    assert [p.id for p in created] == sorted(p.id for p in created)
    assert db.patients.count() == 2
