"""The consultation document: parsing, errors by JSON path, lossless round trip."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesodesk.domain.document import DocumentError, parse_consultation, parse_structure
from tests.conftest import EXAMPLES, example

TODAY = dt.date(2026, 11, 26)
PNG_1PX = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605e60000000049454e44ae426082"
)).decode()


def minimal(**changes) -> dict:
    doc = {"format": "mesodesk.consultation/2", "date": "2026-11-20",
           "patient": {"name": "Ana", "date_of_birth": "1990-05-05"}, "concerns": ["cellulite"]}
    doc.update(changes)
    return doc


def errors_of(data, kb) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        parse_consultation(data, kb, today=TODAY)
    return {issue.path: issue.message for issue in caught.value.issues}


@pytest.mark.parametrize("path", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_round_trips_losslessly(path, kb):
    original = example(path)
    doc = parse_consultation(original, kb, today=TODAY)
    assert doc.to_dict() == original
    again = parse_consultation(doc.to_json(), kb, today=TODAY)
    assert again == doc and again.fingerprint() == doc.fingerprint()


def test_the_format_files_own_example_parses_with_greek_name(kb):
    doc = parse_consultation(example("format-example.json"), kb, today=TODAY)
    assert doc.patient.name == "Ελένη Παπαδοπούλου"
    assert doc.courses[0].start_date == dt.date(2026, 12, 3)


def test_absent_and_empty_substances_stay_different(kb):
    absent = parse_consultation(minimal(), kb, today=TODAY)
    empty = parse_consultation(minimal(substances=[]), kb, today=TODAY)
    assert absent.substances is None and empty.substances == ()
    assert "substances" not in absent.to_dict() and empty.to_dict()["substances"] == []


def test_documents_are_immutable(kb):
    doc = parse_consultation(minimal(), kb, today=TODAY)
    with pytest.raises(Exception):
        doc.notes = "changed"  # type: ignore[misc]


def test_markup_and_emoji_are_kept_as_text(kb):
    name = "Smith & <Jones> <font size=40> 🙂"
    doc = parse_consultation(minimal(patient={"name": name, "date_of_birth": "1990-05-05"}), kb, today=TODAY)
    assert doc.patient.name == name


def test_name_is_trimmed_and_limited(kb):
    doc = parse_consultation(minimal(patient={"name": "  Ana  ", "date_of_birth": "1990-05-05"}), kb, today=TODAY)
    assert doc.patient.name == "Ana"
    assert "patient.name" in errors_of(minimal(patient={"name": "   ", "date_of_birth": "1990-05-05"}), kb)
    assert "patient.name" in errors_of(minimal(patient={"name": "x" * 201, "date_of_birth": "1990-05-05"}), kb)
    assert parse_consultation(minimal(patient={"name": "Ω" * 200, "date_of_birth": "1990-05-05"}), kb, today=TODAY)


@pytest.mark.parametrize("changes, path, words", [
    ({"format": "mesodesk.consultation/3"}, "format", "mesodesk.consultation/2"),
    ({"date": "2026-02-30"}, "date", "not a real date"),
    ({"date": "26/11/2026"}, "date", "YYYY-MM-DD"),
    ({"date": "2027-01-01"}, "date", "future"),
    ({"patient": {"name": "Ana", "date_of_birth": "2026-11-21"}}, "patient.date_of_birth", "before"),
    ({"patient": {"name": "Ana", "date_of_birth": "1990-05-05", "sex": "f"}}, "patient.sex", "female"),
    ({"concerns": []}, "concerns", "at least one"),
    ({"concerns": ["cellulitis"]}, "concerns[0]", "not a known concern"),
    ({"concerns": ["cellulite", "cellulite"]}, "concerns[1]", "twice"),
    ({"history": ["pregnant"]}, "history[0]", "not a known"),
    ({"lifestyle": ["smoking", "smoking"]}, "lifestyle[1]", "twice"),
    ({"substances": ["prp"]}, "substances[0]", "not suggested"),
    ({"substances": ["aspirin"]}, "substances[0]", "not a known substance"),
    ({"notes": "x" * 20_001}, "notes", "20000"),
    ({"history_notes": 5}, "history_notes", "text"),
    ({"overrides": [{"substance": "lidocaine", "history": "allergy-lidocaine", "reason": "  "}]},
     "overrides[0].reason", "not be empty"),
    ({"overrides": [{"substance": "lidocaine", "reason": "x"}]}, "overrides[0].history", "required"),
    ({"courses": [{"concern": "hair-loss", "sessions": 3}]}, "courses[0].concern", "not one of the chosen"),
    ({"courses": [{"concern": "cellulite", "sessions": 0}]}, "courses[0].sessions", "greater than or equal to 1"),
    ({"courses": [{"concern": "cellulite", "sessions": "10"}]}, "courses[0].sessions", "whole number"),
    ({"courses": [{"concern": "cellulite", "start_date": "2026-12-32"}]}, "courses[0].start_date", "not a real date"),
    ({"courses": [{"concern": "cellulite"}, {"concern": "cellulite"}]}, "courses[1].concern", "already"),
    ({"photo_consent": "yes"}, "photo_consent", "true or false"),
    ({"colour": "blue"}, "colour", "unknown field"),
    ({"signatures": {"patient": "bm90IGEgcG5n", "signed_at": "2026-11-20T10:00:00"}}, "signatures.patient", "PNG"),
    ({"signatures": {"patient": PNG_1PX, "signed_at": "2026-11-20"}}, "signatures.signed_at", "YYYY-MM-DDTHH:MM:SS"),
])
def test_errors_name_the_path_and_what_was_wrong(changes, path, words, kb):
    errors = errors_of(minimal(**changes), kb)
    assert path in errors, errors
    assert words.lower() in errors[path].lower(), errors[path]


def test_signatures_round_trip(kb):
    data = minimal(signatures={"patient": PNG_1PX, "practitioner": PNG_1PX, "signed_at": "2026-11-20T10:15:00"})
    doc = parse_consultation(data, kb, today=TODAY)
    assert doc.to_dict() == data


def test_oversized_signature_is_refused(kb):
    big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024)).decode()
    errors = errors_of(minimal(signatures={"patient": big, "signed_at": "2026-11-20T10:15:00"}), kb)
    assert "1 MB" in errors["signatures.patient"]


def test_every_problem_is_reported_at_once(kb):
    errors = errors_of(minimal(date="2026-13-01", concerns="cellulite", foo=1), kb)
    assert {"date", "concerns", "foo"} <= set(errors)


def test_text_that_is_not_json_or_not_an_object(kb):
    for text in ("{", "[1, 2]", "null", '"x"', "[" * 5000):
        with pytest.raises(DocumentError) as caught:
            parse_structure(text)
        assert caught.value.issues[0].message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
field_values = {
    "format": st.sampled_from(["mesodesk.consultation/1", "mesodesk.consultation/2"]) | json_values,
    "date": st.dates().map(str) | json_values,
    "patient": st.fixed_dictionaries({"name": st.text(), "date_of_birth": st.dates().map(str)},
                                     optional={"weight_kg": st.floats() | st.integers() | json_values,
                                               "language": st.sampled_from(["en", "el", "fr"])}
                                     ) | json_values,
    "concerns": st.lists(st.sampled_from(["cellulite", "hair-loss", "x"]), max_size=3) | json_values,
    "history": st.lists(st.sampled_from(["pregnancy", "allergy-soy", "?"]), max_size=3) | json_values,
    "substances": st.lists(st.sampled_from(["caffeine", "prp", "lidocaine"]), max_size=3) | json_values,
    "courses": st.lists(st.fixed_dictionaries({"concern": st.text(max_size=12)}, optional={
        "sessions": st.integers(), "interval_days": st.integers(),
        "start_date": st.dates().map(str) | st.text()}), max_size=2) | json_values,
    "overrides": json_values, "signatures": json_values, "notes": json_values,
    "goals": st.text() | json_values, "clinical_notes": st.text() | json_values,
    "history_reviewed": st.booleans() | json_values,
}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional=field_values) | json_values)
def test_arbitrary_json_gives_a_document_or_a_clear_error(data):
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.domain.screening import screen

    kb = default_knowledge()
    try:
        doc = parse_consultation(copy.deepcopy(data), kb, today=TODAY)
    except DocumentError as error:
        assert error.issues and all(issue.message for issue in error.issues)
        return
    screen(doc, kb)  # a valid document always screens
    assert parse_consultation(json.loads(doc.to_json()), kb, today=TODAY) == doc


@settings(max_examples=100)
@given(st.text())
def test_arbitrary_text_gives_a_document_or_a_clear_error(text):
    with pytest.raises(DocumentError):
        parse_structure(text + "}")


@pytest.mark.parametrize("changes, path, words", [
    ({"patient": {"name": "\ud800", "date_of_birth": "1990-05-05"}}, "patient.name", "not valid Unicode"),
    ({"patient": {"name": "Ana\u0000Bell", "date_of_birth": "1990-05-05"}}, "patient.name", "control"),
    ({"patient": {"name": "Ana", "date_of_birth": "1850-05-05"}}, "patient.date_of_birth", "1900"),
    ({"patient": {"name": "Ana", "date_of_birth": "1990-05-05", "phone": "12\n34"}}, "patient.phone", "one line"),
    ({"practitioner": {"name": "   "}}, "practitioner.name", "not be empty"),
    ({"notes": "ok\u0007"}, "notes", "control"),
    ({"areas": ["thighs"] * 21}, "areas", "20"),
    ({"language": "English"}, "language", "language code"),
    ({"language": "fr"}, "language", "'fr' is not a language mesodesk writes plans in: use 'en' or 'el'"),
    ({"language": "en-GB"}, "language", "use 'en' or 'el'"),
    ({"courses": [{"concern": "cellulite", "start_date": "9999-01-01"}]}, "courses[0].start_date", "five years"),
])
def test_text_and_dates_a_plan_could_not_print(changes, path, words, kb):
    errors = errors_of(minimal(**changes), kb)
    assert path in errors, errors
    assert words.lower() in errors[path].lower(), errors[path]


def test_notes_keep_their_lines(kb):
    doc = parse_consultation(minimal(notes="line one\nline two\ttabbed\r\n"), kb, today=TODAY)
    assert doc.notes.count("\n") == 2


def test_duplicate_keys_are_refused_not_silently_dropped():
    with pytest.raises(DocumentError) as caught:
        parse_structure('{"format": "mesodesk.consultation/1", "notes": "a", "notes": "b"}')
    assert "'notes' appears twice" in str(caught.value)


def test_a_byte_order_mark_is_accepted(kb):
    text = "\ufeff" + json.dumps(minimal())
    assert parse_consultation(text, kb, today=TODAY).patient.name == "Ana"
    assert parse_consultation(text.encode("utf-8"), kb, today=TODAY).patient.name == "Ana"


@pytest.mark.parametrize("language", ["en", "el"])
def test_english_and_greek_are_the_languages(language, kb):
    assert parse_consultation(minimal(language=language), kb, today=TODAY).language == language


def test_a_stored_document_in_another_language_stays_readable():
    from mesodesk.domain.document import parse_structure

    assert parse_structure(minimal(language="fr")).language == "fr"
