"""Label limits and area rules, written from domain.md ("Label limits: rules, not
ranges" and "Areas"), not from the knowledge base: removing a limit or an area rule
from resources/knowledge fails here."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.screening import LABEL_LIMIT, screen
from mesodesk.paths import knowledge_dir

TODAY = dt.date(2026, 11, 26)


def document(**changes) -> dict:
    data = {
        "format": "mesodesk.consultation/2", "date": "2026-11-20", "history_reviewed": True,
        "patient": {"name": "Ana", "date_of_birth": "1990-05-05"},
        "concerns": ["localized-fat"], "areas": ["submental"],
        "substances": ["deoxycholic-acid"],
    }
    data.update(changes)
    return data


def screened(kb, **changes):
    doc = parse_consultation(document(**changes), kb, today=TODAY)
    return screen(doc, kb, today=TODAY)


def course(sessions: int, interval: int) -> list[dict]:
    return [{"concern": "localized-fat", "sessions": sessions, "interval_days": interval,
             "start_date": "2026-11-27"}]


def label_blocks(result):
    return [b for b in result.blocked_by if b.code == LABEL_LIMIT]


# domain.md: at least 28 days between sessions; at most 6 sessions.
@pytest.mark.parametrize("sessions, interval, blocked", [
    (4, 14, True), (4, 27, True), (4, 28, False), (4, 35, False),
    (8, 28, True), (7, 28, True), (6, 28, False), (2, 28, False),
])
def test_deoxycholic_acid_course_beyond_its_label_is_blocked(kb, sessions, interval, blocked):
    result = screened(kb, courses=course(sessions, interval))
    blocks = label_blocks(result)
    assert bool(blocks) == blocked, blocks
    assert result.blocked == blocked
    for block in blocks:
        assert block.substance == "deoxycholic-acid" and block.history == LABEL_LIMIT
        assert "reason" in block.text
        assert block.to_dict()["code"] == LABEL_LIMIT


def test_every_14_days_and_8_sessions_are_two_causes(kb):
    result = screened(kb, courses=course(8, 14))
    kinds = sorted(f.limit.kind for f in result.limits_exceeded)
    assert kinds == ["interval-min", "sessions-max"]
    assert len(label_blocks(result)) == 2
    assert {"interval-min", "sessions-max"} == {d["limit"] for d in result.to_dict()["label_limits"]}


def limit_override(kind: str, reason: str = "Slow responder; agreed with the patient.") -> dict:
    return {"substance": "deoxycholic-acid", "limit": kind, "reason": reason}


@pytest.mark.parametrize("sessions, interval, kinds", [
    (4, 14, ["interval-min"]), (8, 28, ["sessions-max"]), (8, 14, ["interval-min", "sessions-max"]),
])
def test_a_written_reason_for_each_limit_lets_the_plan_go_ahead(kb, sessions, interval, kinds):
    result = screened(kb, courses=course(sessions, interval),
                      overrides=[limit_override(kind) for kind in kinds])
    assert not result.blocked, result.blocked_by
    assert sorted(f.limit.kind for f in result.limits_exceeded) == kinds
    assert all(f.override is not None for f in result.limits_exceeded)
    assert [o.limit for o in result.applied_overrides] == kinds


def test_a_reason_for_one_limit_does_not_lift_the_other(kb):
    result = screened(kb, courses=course(8, 14), overrides=[limit_override("interval-min")])
    [block] = label_blocks(result)
    assert "6 sessions" in block.text


def test_a_reason_for_a_limit_the_plan_keeps_is_not_printed(kb):
    result = screened(kb, courses=course(4, 28), overrides=[limit_override("sessions-max")])
    assert not result.applied_overrides
    assert any(w.code == "override-not-needed" for w in result.warnings)


def test_more_than_10_ml_is_recorded_with_its_reason(kb):
    result = screened(kb, overrides=[limit_override("volume-max", "Large area, agreed.")])
    [finding] = result.limits_exceeded
    assert finding.limit.kind == "volume-max" and "10 mL" in finding.found
    assert not result.blocked


@pytest.mark.parametrize("weight, ceiling", [(50, 225), (66.7, 300), (80, 300), (20, 90)])
def test_the_lidocaine_ceiling_in_mg_from_the_weight(kb, weight, ceiling):
    # domain.md: 4.5 mg/kg, at most 300 mg, all areas together.
    result = screened(kb, concerns=["cellulite"], areas=["thighs"], courses=[],
                      substances=["lidocaine", "caffeine"],
                      patient={"name": "Ana", "date_of_birth": "1990-05-05", "weight_kg": weight})
    [dose] = result.dose_ceilings
    assert dose.substance == "lidocaine" and dose.unit == "mg"
    assert dose.amount == pytest.approx(min(4.5 * weight, 300), abs=0.1)
    assert dose.amount == pytest.approx(ceiling, abs=0.2)


def test_no_ceiling_without_the_weight_or_without_lidocaine(kb):
    assert not screened(kb, concerns=["cellulite"], areas=["thighs"], courses=[],
                        substances=["lidocaine"]).dose_ceilings
    assert not screened(kb, patient={"name": "Ana", "date_of_birth": "1990-05-05",
                                     "weight_kg": 70}).dose_ceilings


def test_a_single_session_has_no_interval_to_break(kb):
    assert not label_blocks(screened(kb, courses=course(1, 7)))


def test_the_limit_follows_the_substance_not_the_concern(kb):
    # Phosphatidylcholine alone has no label: the same course is not blocked by a label.
    result = screened(kb, substances=["phosphatidylcholine"], courses=course(8, 14))
    assert not label_blocks(result)


def test_the_volume_and_the_lidocaine_dose_are_told_to_the_practitioner(kb):
    texts = " ".join(w.text for w in screened(kb).warnings)
    assert "10 mL" in texts  # domain.md: at most 10 mL (50 injections of 0.2 mL) per session
    lidocaine = screened(kb, concerns=["cellulite"], areas=["thighs"],
                         substances=["lidocaine", "caffeine"], courses=[])
    text = " ".join(w.text for w in lidocaine.warnings)
    assert "4.5 mg/kg" in text and "300 mg" in text


def test_removing_a_label_limit_fails_here(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    path = target / "label_limits.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[limit]]\ncode = "deoxycholic-acid-interval"')
    end = text.index("[[limit]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    kb = load_knowledge(target)
    assert not label_blocks(screened(kb, courses=course(4, 14)))  # what the test above catches


# domain.md, "Areas": the dysphagia caution concerns the submental area only.
@pytest.mark.parametrize("areas, caution", [
    (["submental"], True), (["abdomen"], False), (["abdomen", "submental"], True),
    (["Under the chin (submental area)"], True), (["flanks", "thighs"], False),
    ([], True),  # not recorded yet: the chin is not ruled out
    (["my tummy"], True),  # typed as free text: any area, the chin included
])
def test_the_dysphagia_caution_holds_under_the_chin_only(kb, areas, caution):
    result = screened(kb, areas=areas, history=["dysphagia"])
    reasons = result.substance("deoxycholic-acid").reasons
    assert any(r.history == "dysphagia" for r in reasons) == caution


@pytest.mark.parametrize("areas, off_label", [
    (["submental"], False), (["abdomen"], True), (["submental", "jowls"], True), ([], False),
])
def test_deoxycholic_acid_outside_the_chin_is_off_label(kb, areas, off_label):
    result = screened(kb, areas=areas)
    found = [w for w in result.warnings if w.code == "off-label-area"]
    assert bool(found) == off_label
    for warning in found:
        assert warning.effect == "caution" and "off-label" in warning.patient_text


def test_each_concern_suggests_the_areas_domain_md_lists(kb):
    assert kb.areas_of("cellulite") == ["upper-arms", "abdomen", "buttocks", "thighs"]
    assert set(kb.areas_of("localized-fat")) == {
        "submental", "jowls", "abdomen", "flanks", "back", "upper-arms", "thighs", "inner-knees"}
    assert set(kb.areas_of("skin-rejuvenation")) == {"face", "neck", "decolletage", "hands"}
    assert kb.areas_of("hair-loss") == ["scalp"]
    assert len(kb.areas) == 14
    assert kb.area_id("Thighs") == "thighs" and kb.area_id("left calf") is None


def test_smoking_advice_names_prp_only_when_prp_is_chosen(kb):
    with_prp = screened(kb, concerns=["hair-loss"], areas=["scalp"], substances=["prp"],
                        lifestyle=["smoking"])
    without = screened(kb, lifestyle=["smoking"])
    assert "PRP" in with_prp.advice[0].text
    assert "PRP" not in without.advice[0].text
