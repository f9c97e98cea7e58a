"""Patient validation lives once: the form, the store and the document share its rules."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.document import DocumentError, parse_consultation, parse_structure
from mesodesk.domain.enums import Sex
from mesodesk.domain.patient import PatientError, PatientFields, validate_patient
from mesodesk.domain.records import NewPatient

TODAY = dt.date(2026, 11, 26)
BORN = dt.date(1988, 4, 12)


def errors(**values) -> dict[str, str]:
    values = {"name": "Ana", "date_of_birth": BORN, **values}
    with pytest.raises(PatientError) as caught:
        validate_patient(today=TODAY, **values)
    return dict(caught.value.pairs)


def test_a_valid_patient_is_trimmed_and_typed():
    patient = validate_patient(name="  Ελένη Παπαδοπούλου ", date_of_birth="12/04/1988", sex="female",
                               phone=" +30 210 000 0000 ", email=" eleni@example.org ", notes="",
                               today=TODAY)
    assert isinstance(patient, PatientFields)
    assert patient.name == "Ελένη Παπαδοπούλου" and patient.date_of_birth == BORN
    assert patient.sex is Sex.FEMALE and patient.phone == "+30 210 000 0000"
    assert patient.email == "eleni@example.org"
    assert patient.to_new_patient() == NewPatient("Ελένη Παπαδοπούλου", BORN, "female",
                                                  "+30 210 000 0000", "eleni@example.org", "")


def test_empty_optional_fields_become_none():
    patient = validate_patient(name="Ana", date_of_birth=BORN, sex="", phone="  ", email="",
                               notes=None, today=TODAY)
    assert (patient.sex, patient.phone, patient.email, patient.notes) == (None, None, None, "")


@pytest.mark.parametrize("values, field, words", [
    ({"name": "   "}, "name", "is required"),
    ({"name": None}, "name", "is required"),
    ({"name": 5}, "name", "must be text"),
    ({"name": "x" * 201}, "name", "is 201 characters long; at most 200 fit"),
    ({"name": "Ana\nBell"}, "name", "one line"),
    ({"date_of_birth": None}, "date_of_birth", "is required"),
    ({"date_of_birth": ""}, "date_of_birth", "is required"),
    ({"date_of_birth": "1988-02-30"}, "date_of_birth", "not a real date"),
    ({"date_of_birth": "April"}, "date_of_birth", "YYYY-MM-DD"),
    ({"date_of_birth": dt.date(2026, 11, 27)}, "date_of_birth", "is in the future"),
    ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth", "before 1900"),
    ({"sex": "f"}, "sex", "must be one of female, male, other, unspecified"),
    ({"phone": "1" * 201}, "phone", "longer than 200"),
    ({"email": "not an address"}, "email", "'not an address' is not an email address"),
    ({"email": "@example.org"}, "email", "not an email address"),
    ({"email": "ana@"}, "email", "not an email address"),
    ({"notes": "x" * 20_001}, "notes", "are 20001 characters long; at most 20000 fit"),
    ({"notes": "bell\u0007"}, "notes", "control"),
    ({"colour": "blue"}, "colour", "unknown field"),
])
def test_each_error_names_the_field(values, field, words):
    found = errors(**values)
    assert field in found, found
    assert words in found[field]


def test_every_wrong_field_is_listed_at_once_in_form_order():
    with pytest.raises(PatientError) as caught:
        validate_patient({"email": "x", "name": "", "date_of_birth": "2030-01-01"}, today=TODAY)
    assert [field for field, _message in caught.value.pairs] == ["name", "date_of_birth", "email"]
    assert str(caught.value).splitlines()[0] == "name: is required"
    assert caught.value.message_for("email") == "'x' is not an email address"
    assert isinstance(caught.value, ValueError)


def test_a_new_patient_and_a_documents_patient_are_validated_alike(example_doc):
    assert validate_patient(NewPatient(" Ana ", BORN, "male"), today=TODAY).name == "Ana"
    assert validate_patient(NewPatient("Ana", BORN), today=TODAY, name="Bea").name == "Bea"
    doc = parse_structure(example_doc("cellulite-arrhythmia.json"))
    assert validate_patient(doc.patient, today=TODAY).name == doc.patient.name.strip()


def test_the_document_checks_the_email_as_the_form_does(kb):
    def doc(email: str) -> dict:
        return {"format": "mesodesk.consultation/1", "date": "2026-11-20", "concerns": ["cellulite"],
                "patient": {"name": "Ana", "date_of_birth": "1990-05-05", "email": email}}

    for email in ("not an address", "ana@", "@example.org"):
        with pytest.raises(PatientError) as form:
            validate_patient(name="Ana", date_of_birth=BORN, email=email, today=TODAY)
        with pytest.raises(DocumentError) as imported:
            parse_consultation(doc(email), kb, today=TODAY)
        assert str(imported.value) == f"patient.email: {form.value.message_for('email')}"
    # What the form accepts, the document keeps as written.
    assert parse_consultation(doc(" ana@example.org"), kb, today=TODAY).patient.email == " ana@example.org"
    assert parse_consultation(doc(""), kb, today=TODAY).patient.email == ""


def test_a_stored_document_from_before_the_email_rule_stays_readable(kb):
    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20", "concerns": ["cellulite"],
            "patient": {"name": "Ana", "date_of_birth": "1990-05-05", "email": "n/a"}}
    assert parse_structure(data).patient.email == "n/a"
    with pytest.raises(DocumentError, match="patient.email: 'n/a' is not an email address"):
        parse_consultation(data, kb, today=TODAY)
