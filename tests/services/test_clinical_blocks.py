"""The clinical blocks of the review (issue 12) hold on every path that goes through the
services: ``mesodesk screen``, ``mesodesk plan``, finalizing (the wizard's path) and a
document brought in by import. Screening decides them once, in the domain."""

from __future__ import annotations

import json

import pytest

from mesodesk.cli import main
from mesodesk.services import Blocked, InvalidInput, consultations, documents, plans
from tests.services.test_consultations import SIGNATURES
from tests.store.helpers import example_document

CASES = {
    # A substance that needs a recorded reason, chosen without one.
    "reason-required": {"substances": ["caffeine", "levothyroxine"], "overrides": []},
    # Nothing left to consent to.
    "nothing-to-treat": {"substances": [], "overrides": []},
    # Deoxycholic acid every 14 days: its label asks for at least 28 days between sessions.
    "label-limit": {"overrides": [], "courses": [
        {"concern": "localized-fat", "sessions": 4, "interval_days": 14, "start_date": "2026-12-03"}]},
}


def _document(kb, code, **changes):
    return example_document("format-example.json", kb, **{**CASES[code], **changes})


@pytest.mark.parametrize("code", sorted(CASES))
def test_screen_and_plan_exit_3_naming_the_cause(code, kb, tmp_path, capsys):
    source = tmp_path / "consultation.json"
    source.write_text(_document(kb, code).to_json(), encoding="utf-8")
    assert main(["screen", str(source), "--json"]) == 3
    out, err = capsys.readouterr()
    assert [b["code"] for b in json.loads(out)["blocked_by"]] == [code]
    assert code in err
    pdf = tmp_path / "plan.pdf"
    assert main(["plan", str(source), "--out", str(pdf)]) == 3
    assert code in capsys.readouterr().err
    assert not pdf.exists()


@pytest.mark.parametrize("code", sorted(CASES))
def test_no_plan_is_rendered_and_nothing_is_finalized(code, db, kb, patient):
    doc = _document(kb, code, signatures=SIGNATURES)
    with pytest.raises(Blocked) as raised:
        plans.render(doc, kb)
    assert any(issue.startswith(code) for issue in raised.value.issues)
    with pytest.raises(Blocked):
        consultations.finalize_signed(db, kb, None, patient.id, doc)
    assert db.consultations.for_patient(patient.id) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_an_imported_document_is_kept_but_gets_no_plan(code, db, kb, tmp_path):
    source = tmp_path / "consultation.json"
    source.write_text(_document(kb, code).to_json(), encoding="utf-8")
    imported = documents.import_file(db, kb, source)
    with pytest.raises(Blocked) as raised:
        plans.stored_plan(db, kb, imported.record.id)
    assert any(issue.startswith(code) for issue in raised.value.issues)


def test_with_the_reason_recorded_the_plan_is_made(kb):
    doc = _document(kb, "reason-required", overrides=[
        {"substance": "levothyroxine", "history": None, "reason": "Hypothyroid; endocrinologist agrees."}])
    assert plans.render(doc, kb).startswith(b"%PDF-")


def test_with_a_reason_for_the_label_limit_the_plan_is_made(kb):
    doc = _document(kb, "label-limit", overrides=[
        {"substance": "deoxycholic-acid", "limit": "interval-min", "reason": "Agreed: 2 weeks apart."}])
    assert plans.render(doc, kb).startswith(b"%PDF-")


def test_a_session_before_the_consultation_date_is_refused_by_path(db, kb, tmp_path, capsys):
    data = json.loads(example_document("format-example.json", kb).to_json())
    data["courses"] = [{"concern": "cellulite", "start_date": "2026-11-25"}]  # the day before
    source = tmp_path / "consultation.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    for command in (["screen", str(source)], ["plan", str(source), "--out", str(tmp_path / "p.pdf")]):
        assert main(command) == 2
        assert "courses[0].start_date: 2026-11-25 is before the consultation date" in capsys.readouterr().err
    with pytest.raises(InvalidInput) as raised:
        documents.import_file(db, kb, source)
    assert raised.value.exit_code == 2 and "courses[0].start_date" in str(raised.value)
    assert db.patients.count() == 0  # nothing reached the records


def test_a_language_other_than_english_or_greek_is_refused_by_path(kb, tmp_path, capsys):
    data = json.loads(example_document("format-example.json", kb).to_json())
    data["language"] = "fr"
    source = tmp_path / "consultation.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    for command in (["screen", str(source)], ["plan", str(source), "--out", str(tmp_path / "p.pdf")]):
        assert main(command) == 2
        assert "language: 'fr' is not a language mesodesk writes plans in" in capsys.readouterr().err
