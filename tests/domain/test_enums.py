"""Status and sex are enums whose members are their own text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from mesodesk.domain.document import parse_structure
from mesodesk.domain.enums import ConsultationStatus, Sex
from mesodesk.domain.records import ConsultationRecord, NewPatient, PatientRecord

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def test_members_are_the_stored_text():
    assert [s.value for s in ConsultationStatus] == ["draft", "final", "not-treated"]
    assert [s.value for s in Sex] == ["female", "male", "other", "unspecified"]
    assert ConsultationStatus.NOT_TREATED == "not-treated" and f"{Sex.FEMALE}" == "female"
    assert json.dumps({"status": ConsultationStatus.FINAL}) == '{"status": "final"}'
    assert {"female": "Female"}[Sex.FEMALE] == "Female"  # look-ups keyed by text still work


def test_records_hold_members_and_leave_unknown_values_to_validation():
    patient = PatientRecord(1, "Ana", dt.date(1990, 5, 5), "female", None, None, "", NOW, NOW)
    assert patient.sex is Sex.FEMALE
    assert dataclasses.replace(patient, sex="male").sex is Sex.MALE
    assert NewPatient("Ana", dt.date(1990, 5, 5)).sex is None
    # Not a known value: kept as given, so the validation can name the field.
    assert NewPatient("Ana", dt.date(1990, 5, 5), sex="f").sex == "f"


def test_consultation_record_status_is_a_member(example_doc):
    doc = parse_structure(example_doc("cellulite-arrhythmia.json"))
    record = ConsultationRecord(1, 1, doc.date, doc.concerns, "not-treated", doc, None, NOW, NOW)
    assert record.status is ConsultationStatus.NOT_TREATED and record.status == "not-treated"


def test_the_documents_sex_is_a_member_and_written_as_text(example_doc):
    data = example_doc("cellulite-arrhythmia.json")
    data["patient"]["sex"] = "other"
    doc = parse_structure(data)
    assert doc.patient.sex is Sex.OTHER
    assert doc.to_dict()["patient"]["sex"] == "other"
    assert json.loads(doc.canonical_json())["patient"]["sex"] == "other"
