"""Version 2 of the consultation document (consultation-format.md): its new fields and
rules by JSON path, and version 1 read and upgraded with its fingerprint kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from mesodesk.domain.document import (
    FORMAT,
    FORMAT_V1,
    DocumentError,
    parse_consultation,
    parse_structure,
)
from mesodesk.domain.screening import HISTORY_NOT_REVIEWED, screen
from tests.conftest import EXAMPLES
from tests.domain.test_document import PNG_1PX, TODAY, errors_of, minimal

V1_EXAMPLES = EXAMPLES / "v1"

# The fingerprints mesodesk gave the version-1 examples before version 2 existed
# (computed with the version-1 code of commit 2e69158): a consent signed then prints
# them, so reading the same documents now must give the same ones.
V1_FINGERPRINTS = {
    "cellulite-arrhythmia.json": "7fc35f0b09af",
    "format-example.json": "0b48076b81bf",
    "hair-loss-anticoagulants.json": "696ea3de0e30",
    "localized-fat-soy.json": "696edff7b91f",
    "minor-16.json": "b735b696489c",
    "pregnant.json": "ef78b6e633ab",
    "skin-rejuvenation.json": "118a642bc7e5",
}
# A signed version-1 document with an override without a history item, the same way.
SIGNED_V1_FINGERPRINT = "1e412d723ce4"
SIGNATURE_PNG = "iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAAAAA=="


def v1(name: str) -> dict:
    return json.loads((V1_EXAMPLES / name).read_text(encoding="utf-8"))


def test_the_new_fields_round_trip(kb):
    data = minimal(goals="Λιγότερη κυτταρίτιδα <b>&</b> 🙂", clinical_notes="Private.\nTwo lines.",
                   history_reviewed=True,
                   patient={"name": "Ana", "date_of_birth": "1990-05-05", "weight_kg": 62.5,
                            "language": "el"},
                   overrides=[{"substance": "caffeine", "limit": "sessions-max",
                               "reason": "Asked for two more sessions."}])
    doc = parse_consultation(data, kb, today=TODAY)
    assert (doc.goals, doc.clinical_notes, doc.history_reviewed) == (
        data["goals"], data["clinical_notes"], True)
    assert (doc.patient.weight_kg, doc.patient.language) == (62.5, "el")
    assert doc.overrides[0].limit == "sessions-max" and doc.overrides[0].history is None
    assert doc.format == FORMAT
    assert parse_consultation(doc.to_json(), kb, today=TODAY) == doc


@pytest.mark.parametrize("changes, path, words", [
    ({"patient": {"name": "A", "date_of_birth": "1990-05-05", "weight_kg": 19.9}},
     "patient.weight_kg", "between 20 and 400"),
    ({"patient": {"name": "A", "date_of_birth": "1990-05-05", "weight_kg": 401}},
     "patient.weight_kg", "between 20 and 400"),
    ({"patient": {"name": "A", "date_of_birth": "1990-05-05", "weight_kg": "62"}},
     "patient.weight_kg", "number"),
    ({"patient": {"name": "A", "date_of_birth": "1990-05-05", "weight_kg": True}},
     "patient.weight_kg", "number"),
    ({"patient": {"name": "A", "date_of_birth": "1990-05-05", "language": "fr"}},
     "patient.language", "use 'en' or 'el'"),
    ({"goals": "x" * 2001}, "goals", "2000"),
    ({"goals": "bell\u0007"}, "goals", "control"),
    ({"clinical_notes": "x" * 20_001}, "clinical_notes", "20000"),
    ({"history_reviewed": "yes"}, "history_reviewed", "true or false"),
    ({"overrides": [{"substance": "caffeine", "limit": "sessions-min", "reason": "x"}]},
     "overrides[0].limit", "sessions-max"),
    ({"overrides": [{"substance": "caffeine", "history": "anticoagulants",
                     "limit": "volume-max", "reason": "x"}]}, "overrides[0]", "not both"),
    ({"language": "de"}, "language", "use 'en' or 'el'"),
    ({"goal": "typo"}, "goal", "unknown field"),
])
def test_version_2_errors_name_the_path(changes, path, words, kb):
    errors = errors_of(minimal(**changes), kb)
    assert path in errors, errors
    assert words.lower() in errors[path].lower(), errors[path]


def test_a_limit_override_needs_no_history_item(kb):
    doc = parse_consultation(minimal(overrides=[
        {"substance": "caffeine", "limit": "interval-min", "reason": "Every 5 days."}]),
        kb, today=TODAY)
    assert doc.overrides[0].limit == "interval-min"
    errors = errors_of(minimal(overrides=[{"substance": "caffeine", "reason": "x"}]), kb)
    assert "required" in errors["overrides[0].history"]


def test_the_language_defaults_to_the_patients_then_the_clinics(kb):
    patient = {"name": "A", "date_of_birth": "1990-05-05", "language": "el"}
    greek = parse_consultation(minimal(patient=patient), kb, today=TODAY)
    assert greek.language == "el" and greek.document_language("en") == "el"
    assert greek.to_dict()["language"] == "el"  # exported as it was decided
    given = parse_consultation(minimal(patient=patient, language="en"), kb, today=TODAY)
    assert given.document_language("el") == "en"
    neither = parse_consultation(minimal(), kb, today=TODAY)
    assert neither.document_language("el") == "el"
    assert neither.document_language("fr") == "en"  # a clinic setting mesodesk cannot write


def test_area_ids_and_free_text_are_kept_as_typed(kb):
    doc = parse_consultation(minimal(areas=["submental", "behind the left knee", "Μηροί"]),
                             kb, today=TODAY)
    assert doc.areas == ("submental", "behind the left knee", "Μηροί")


@pytest.mark.parametrize("name", sorted(V1_FINGERPRINTS))
def test_a_version_1_example_upgrades_and_keeps_its_fingerprint(name, kb):
    original = v1(name)
    assert original["format"] == FORMAT_V1
    doc = parse_consultation(original, kb, today=TODAY)
    assert doc.format == FORMAT and doc.upgraded_from_v1
    assert doc.fingerprint() == V1_FINGERPRINTS[name]
    # unsigned: the history was never answered question by question
    assert doc.history_reviewed is False
    # nothing of version 1 is lost or changed
    exported = doc.to_dict()
    for key, value in original.items():
        if key != "format":
            assert exported[key] == value, key
    assert exported["language"] == original.get("language", "en")
    # written again, it is version 2 with a version-2 fingerprint
    again = parse_structure(doc.to_json())
    assert not again.upgraded_from_v1 and again.format == FORMAT
    assert again == doc and again.fingerprint() != doc.fingerprint()
    assert doc.rewritten().fingerprint() == again.fingerprint()


def test_the_v2_examples_are_the_v1_ones_with_the_history_reviewed(kb):
    for name in V1_FINGERPRINTS:
        new = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        assert new["format"] == FORMAT and new["history_reviewed"] is True, name
        doc = parse_consultation(new, kb, today=TODAY)
        assert not doc.upgraded_from_v1


def test_a_signed_version_1_document_keeps_its_fingerprint_and_counts_as_reviewed(kb):
    data = v1("format-example.json")
    data["overrides"] = [{"substance": "caffeine", "history": None, "reason": "x"}]
    data["signatures"] = {"patient": SIGNATURE_PNG, "practitioner": SIGNATURE_PNG,
                          "signed_at": "2026-11-26T10:00:00"}
    doc = parse_structure(data)
    assert doc.fingerprint() == SIGNED_V1_FINGERPRINT
    assert doc.history_reviewed is True
    half_signed = {**data, "signatures": {"patient": SIGNATURE_PNG,
                                          "signed_at": "2026-11-26T10:00:00"}}
    assert parse_structure(half_signed).history_reviewed is False


def test_a_changed_copy_of_a_version_1_document_gets_a_version_2_fingerprint(kb):
    doc = parse_structure(v1("format-example.json"))
    changed = doc.with_changes(notes="Changed.")
    assert not changed.upgraded_from_v1
    assert changed.fingerprint() != doc.fingerprint()
    copied = doc.model_copy(update={"notes": "Changed."})
    assert copied.fingerprint() == changed.fingerprint()


@pytest.mark.parametrize("where, field", [
    ("", "goals"), ("", "clinical_notes"), ("", "history_reviewed"),
    ("patient", "weight_kg"), ("patient", "language"),
])
def test_a_version_1_document_with_a_version_2_field_is_an_error(where, field, kb):
    data = v1("format-example.json")
    value = 70 if field == "weight_kg" else True if field == "history_reviewed" else "en"
    (data[where] if where else data)[field] = value
    errors = errors_of(data, kb)
    path = f"{where}.{field}" if where else field
    assert "unknown field" in errors[path] and FORMAT in errors[path]


def test_a_version_1_override_with_a_limit_is_an_error(kb):
    data = v1("format-example.json")
    data["overrides"][0]["limit"] = "sessions-max"
    assert "unknown field" in errors_of(data, kb)["overrides[0].limit"]


def test_a_plan_is_blocked_until_the_history_is_reviewed(kb):
    doc = parse_consultation(v1("format-example.json"), kb, today=TODAY)
    assert HISTORY_NOT_REVIEWED not in [b.code for b in screen(doc, kb).blocked_by]
    blocked = screen(doc, kb, for_plan=True)
    [block] = [b for b in blocked.blocked_by if b.code == HISTORY_NOT_REVIEWED]
    assert block.history == HISTORY_NOT_REVIEWED and block.substance is None
    assert "history" in block.text
    reviewed = doc.with_changes(history_reviewed=True)
    assert HISTORY_NOT_REVIEWED not in [b.code for b in screen(reviewed, kb, for_plan=True)
                                        .blocked_by]


def test_an_unknown_format_names_both_versions():
    with pytest.raises(DocumentError) as caught:
        parse_structure(minimal(format="mesodesk.consultation/9"))
    message = str(caught.value)
    assert FORMAT in message and FORMAT_V1 in message


def test_a_signed_v2_document_round_trips(kb):
    data = minimal(history_reviewed=True, signatures={
        "patient": PNG_1PX, "practitioner": PNG_1PX, "signed_at": "2026-11-20T10:15:00"})
    doc = parse_consultation(data, kb, today=TODAY)
    assert doc.to_dict() == data
    assert doc.date == dt.date(2026, 11, 20)
