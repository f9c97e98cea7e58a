"""Screening: the bundled examples, pre-selection, overrides, interactions, advice."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.screening import screen
from mesodesk.paths import knowledge_dir
from tests.conftest import example

TODAY = dt.date(2026, 11, 26)


def screened(kb, name=None, **changes):
    data = example(name) if name else {
        "format": "mesodesk.consultation/1", "date": "2026-11-20",
        "patient": {"name": "Ana", "date_of_birth": "1990-05-05"}, "concerns": ["cellulite"]}
    data.update(changes)
    return screen(parse_consultation(data, kb, today=TODAY), kb, today=TODAY)


def selected(result):
    return {s.id for s in result.selected}


PRESELECTED = {
    "cellulite": {"l-carnitine", "caffeine", "rutin", "artichoke-extract", "lidocaine"},
    "localized-fat": {"phosphatidylcholine", "deoxycholic-acid"},
    "skin-rejuvenation": {"hyaluronic-acid-non-cross-linked", "multivitamins", "trace-minerals", "amino-acids"},
    "hair-loss": {"prp"},
}


@pytest.mark.parametrize("concern", sorted(PRESELECTED))
def test_preselection_follows_domain_md(concern, kb):
    result = screened(kb, concerns=[concern])
    assert selected(result) == PRESELECTED[concern]
    assert result.status == "ok"


def test_never_preselected_substances(kb):
    result = screened(kb, concerns=list(PRESELECTED))
    never = {"isoproterenol", "levothyroxine", "aminophylline", "pentoxifylline", "ginkgo-biloba",
             "collagenase", "hyaluronidase"}
    assert not never & selected(result)
    assert {s.id for s in result.substances} >= never  # still listed, unselected


def test_prp_is_not_preselected_for_skin_alone(kb):
    result = screened(kb, concerns=["skin-rejuvenation"])
    assert result.substance("prp").selected is False


def test_cellulite_with_arrhythmia(kb):
    result = screened(kb, "cellulite-arrhythmia.json")
    assert result.status == "ok"
    assert result.substance("isoproterenol").status == "contraindicated"
    assert result.substance("levothyroxine").status == "contraindicated"
    for substance in ("caffeine", "lidocaine"):
        assert result.substance(substance).status == "caution"
        assert result.substance(substance).selected
    assert result.substance("aminophylline").status == "caution"
    assert result.substance("l-carnitine").status == "ok"


def test_soy_allergy_for_localized_fat_leaves_out_phosphatidylcholine_and_says_why(kb):
    result = screened(kb, "localized-fat-soy.json")
    assert result.status == "ok"
    pc = result.substance("phosphatidylcholine")
    assert pc.status == "contraindicated" and not pc.selected and pc.excluded_by_screening
    assert "soy" in pc.contraindications[0].patient_text.lower()
    assert selected(result) == {"deoxycholic-acid"}
    assert [s.id for s in result.excluded] == ["phosphatidylcholine"]


def test_pregnant_patient_is_blocked_whatever_is_chosen(kb):
    result = screened(kb, "pregnant.json")
    assert result.status == "blocked" and result.generally_contraindicated
    assert [(b.history, b.substance) for b in result.blocked_by] == [("pregnancy", None)]
    assert selected(result) == set()


def test_override_does_not_lift_a_general_contraindication(kb):
    result = screened(kb, "pregnant.json", substances=["caffeine"], overrides=[
        {"substance": "caffeine", "history": "pregnancy", "reason": "Patient insists."}])
    assert result.status == "blocked"


def test_anticoagulated_hair_loss_patient_gets_prp_with_caution(kb):
    result = screened(kb, "hair-loss-anticoagulants.json")
    assert result.status == "ok"
    prp = result.substance("prp")
    assert prp.selected and prp.status == "caution"
    assert {r.history for r in prp.reasons} == {"anticoagulants"}
    assert any(not r.general for r in prp.reasons), "the PRP-specific bleeding caution"


def test_sixteen_year_old_is_blocked_by_computed_age(kb):
    result = screened(kb, "minor-16.json")
    assert result.status == "blocked"
    assert "under-18" in result.history
    assert result.blocked_by[0].history == "under-18"


@pytest.mark.parametrize("born, blocked", [("2008-11-20", False), ("2008-11-21", True), ("2008-11-19", False)])
def test_eighteenth_birthday_is_exact(born, blocked, kb):
    result = screened(kb, patient={"name": "Ana", "date_of_birth": born})
    assert result.blocked == blocked


def test_skin_example_gets_advice_for_each_relevant_risk(kb):
    result = screened(kb, "skin-rejuvenation.json")
    assert [a.lifestyle for a in result.advice] == ["smoking", "sun-exposure", "atmospheric-pollution"]


def test_advice_only_for_risks_that_weigh_on_the_concern(kb):
    result = screened(kb, concerns=["hair-loss"], lifestyle=["diet", "smoking", "physical-inactivity"])
    assert [a.lifestyle for a in result.advice] == ["smoking"]


def test_chosen_contraindicated_substance_without_override_blocks(kb):
    result = screened(kb, history=["allergy-lidocaine"], substances=["lidocaine", "caffeine"])
    assert result.status == "blocked"
    assert [(b.history, b.substance) for b in result.blocked_by] == [("allergy-lidocaine", "lidocaine")]


def test_override_with_reason_unblocks_and_is_kept(kb):
    result = screened(kb, history=["allergy-lidocaine"], substances=["lidocaine"], overrides=[
        {"substance": "lidocaine", "history": "allergy-lidocaine", "reason": "Allergy disproved by testing."}])
    assert result.status == "ok"
    assert result.substance("lidocaine").overrides[0].reason == "Allergy disproved by testing."
    assert [o.substance for o in result.applied_overrides] == ["lidocaine"]


def test_an_override_is_needed_for_each_contraindicating_item(kb):
    result = screened(kb, history=["cardiac-arrhythmia", "thyroid-disease"], substances=["levothyroxine"],
                      overrides=[{"substance": "levothyroxine", "history": "cardiac-arrhythmia", "reason": "x"}])
    assert [(b.history, b.substance) for b in result.blocked_by] == [
        ("thyroid-disease", "levothyroxine"), ("reason-required", "levothyroxine")]


def test_suggested_contraindicated_substance_with_override_stays_preselected(kb):
    result = screened(kb, history=["allergy-lidocaine"], overrides=[
        {"substance": "lidocaine", "history": "allergy-lidocaine", "reason": "Tested negative."}])
    assert "lidocaine" in selected(result) and result.status == "ok"


def test_override_that_does_not_apply_is_a_warning_not_an_unblock(kb):
    result = screened(kb, "format-example.json")
    assert result.status == "ok"
    assert "override-not-needed" in {w.code for w in result.warnings}
    assert result.applied_overrides == ()


def test_lidocaine_with_injection_lipolysis_warns(kb):
    result = screened(kb, concerns=["cellulite", "localized-fat"])
    assert "lidocaine-inhibits-lipolysis" in {w.code for w in result.warnings}
    assert "lidocaine-inhibits-lipolysis" not in {w.code for w in screened(kb).warnings}


def test_levothyroxine_boxed_warning_whenever_chosen(kb):
    result = screened(kb, substances=["levothyroxine"])
    warning = next(w for w in result.warnings if w.code == "levothyroxine-boxed-warning")
    assert "weight loss" in warning.text
    with_reason = screened(kb, substances=["levothyroxine"], overrides=[
        {"substance": "levothyroxine", "reason": "Documented hypothyroid patient, endocrinologist agrees."}])
    warning = next(w for w in with_reason.warnings if w.code == "levothyroxine-boxed-warning")
    assert "weight loss" in warning.text
    assert with_reason.applied_overrides[0].history is None


def test_levothyroxine_without_a_recorded_reason_is_blocked_not_warned(kb):
    """domain.md: a substance that needs a recorded reason is blocked without one."""
    result = screened(kb, substances=["levothyroxine", "caffeine"])
    assert result.status == "blocked" and not result.generally_contraindicated
    [block] = result.blocked_by
    assert (block.code, block.substance, block.history) == ("reason-required", "levothyroxine",
                                                            "reason-required")
    assert "Levothyroxine" in block.text and "reason" in block.text
    assert result.to_dict()["blocked_by"][0]["code"] == "reason-required"
    assert result.substance("levothyroxine").missing_reasons == (None,)


def test_an_override_naming_a_history_item_is_not_the_recorded_reason(kb):
    result = screened(kb, history=["cardiac-arrhythmia"], substances=["levothyroxine"], overrides=[
        {"substance": "levothyroxine", "history": "cardiac-arrhythmia", "reason": "Cardiologist agrees."}])
    assert [(b.code, b.substance) for b in result.blocked_by] == [("reason-required", "levothyroxine")]
    both = screened(kb, history=["cardiac-arrhythmia"], substances=["levothyroxine"], overrides=[
        {"substance": "levothyroxine", "history": "cardiac-arrhythmia", "reason": "Cardiologist agrees."},
        {"substance": "levothyroxine", "history": None, "reason": "Hypothyroid, endocrinologist agrees."}])
    assert both.status == "ok"


def test_the_need_for_a_reason_is_data_in_the_knowledge_base(tmp_path):
    kb_copy = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), kb_copy)
    path = kb_copy / "substances.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("requires_reason = true\n", ""),
                    encoding="utf-8")
    edited = load_knowledge(kb_copy)
    assert not edited.substances["levothyroxine"].requires_reason
    assert screened(edited, substances=["levothyroxine"]).status == "ok"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'id = "collagenase"\n', 'id = "collagenase"\nrequires_reason = true\n'), encoding="utf-8")
    edited = load_knowledge(kb_copy)
    result = screened(edited, substances=["collagenase"])
    assert [(b.code, b.substance) for b in result.blocked_by] == [("reason-required", "collagenase")]


def test_an_unchosen_substance_that_needs_a_reason_blocks_nothing(kb):
    result = screened(kb)
    assert result.status == "ok" and result.substance("levothyroxine").requires_reason


def test_every_suggested_substance_is_listed_once(kb):
    result = screened(kb, concerns=["cellulite", "hair-loss"])
    ids = [s.id for s in result.substances]
    assert len(ids) == len(set(ids))
    assert result.substance("rutin").concern == "cellulite"


def test_screening_json_has_the_documented_shape(kb):
    data = screened(kb, "hair-loss-anticoagulants.json").to_dict()
    assert data["format"] == "mesodesk.screening/1" and data["status"] == "ok" and data["blocked_by"] == []
    prp = next(s for s in data["substances"] if s["id"] == "prp")
    assert {"id", "class", "concern", "status", "selected", "reasons", "override"} <= set(prp)
    assert prp["reasons"][0]["history"] == "anticoagulants" and prp["override"] is None
    assert data["courses"][0]["sessions"][0] == {"number": 1, "date": "2026-11-23"}
    assert data["advice"][0]["lifestyle"] == "smoking"


def test_what_still_needs_a_written_reason(kb):
    result = screened(kb, history=["cardiac-arrhythmia", "thyroid-disease", "pregnancy"])
    levo = result.substance("levothyroxine")
    assert levo.needs_written_reason
    assert levo.missing_reasons == ("cardiac-arrhythmia", "thyroid-disease", None)
    assert [r.history for r in levo.overridable] == ["cardiac-arrhythmia", "thyroid-disease"]
    partly = screened(kb, history=["cardiac-arrhythmia"], substances=["levothyroxine"], overrides=[
        {"substance": "levothyroxine", "history": "cardiac-arrhythmia", "reason": "Cardiologist agrees."}])
    assert partly.substance("levothyroxine").missing_reasons == (None,)
    assert not screened(kb).substance("caffeine").needs_written_reason


def test_a_consultation_with_no_substance_selected_is_blocked_as_nothing_to_treat(kb):
    """domain.md: a consultation with no selected substance at all cannot be signed."""
    result = screened(kb, substances=[])
    assert result.status == "blocked" and not result.generally_contraindicated
    assert [(b.history, b.substance, b.code) for b in result.blocked_by] == [
        ("nothing-to-treat", None, "nothing-to-treat")]
    assert "not treated" in result.blocked_by[0].text
    assert result.courses == ()
    assert result.to_dict()["blocked_by"][0]["code"] == "nothing-to-treat"


def test_nothing_left_after_screening_is_nothing_to_treat_and_keeps_its_cautions(kb):
    # Hair loss with a bleeding disorder: PRP, its only pre-selected substance, is left out.
    result = screened(kb, concerns=["hair-loss"], history=["bleeding-disorder"])
    assert selected(result) == set() and result.substance("prp").excluded_by_screening
    assert [b.code for b in result.blocked_by] == ["nothing-to-treat"]
    assert not result.generally_contraindicated
    # The record keeps what screening found for every substance.
    assert all(any(r.history == "bleeding-disorder" for r in s.reasons) for s in result.substances)


def test_a_general_contraindication_is_the_cause_not_nothing_to_treat(kb):
    result = screened(kb, "pregnant.json")
    assert [b.code for b in result.blocked_by] == ["contraindicated"]
    assert result.blocked_by[0].general


def test_a_concern_with_no_selected_substance_gets_no_course(kb):
    result = screened(kb, concerns=["cellulite", "skin-rejuvenation"], substances=["caffeine"],
                      history=["anticoagulants"])
    assert result.status == "ok"
    assert [c.concern for c in result.courses] == ["cellulite"]
    warning = next(w for w in result.warnings if w.code == "concern-without-substances")
    assert "skin rejuvenation" in warning.text and "no course" in warning.text
    # Its cautions do not disappear from the record.
    ha = result.substance("hyaluronic-acid-non-cross-linked")
    assert not ha.selected and ha.concern == "skin-rejuvenation"
    assert [r.history for r in ha.cautions] == ["anticoagulants"]
    assert "concern-without-substances" not in {w.code for w in screened(kb).warnings}
