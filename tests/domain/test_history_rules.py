"""Every row of the history table in shared/domain.md, written out independently of the
knowledge base: removing or weakening a rule in resources/knowledge fails a test here."""

from __future__ import annotations

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.screening import screen

ALL = "*"

# history id -> (contraindicated for, caution for), exactly as domain.md lists them.
TABLE: dict[str, tuple[set[str], set[str]]] = {
    "pregnancy": ({ALL}, set()),
    "breastfeeding": ({ALL}, set()),
    "active-skin-infection": ({ALL}, set()),
    "cancer": ({ALL}, {"prp"}),
    "anticoagulants": (set(), {ALL, "pentoxifylline", "ginkgo-biloba", "deoxycholic-acid", "collagenase", "prp"}),
    "bleeding-disorder": ({"prp"}, {ALL, "ginkgo-biloba", "deoxycholic-acid", "collagenase"}),
    "platelet-disorder": ({"prp"}, {ALL, "pentoxifylline", "ginkgo-biloba", "deoxycholic-acid", "collagenase"}),
    "cardiac-arrhythmia": ({"isoproterenol", "levothyroxine"}, {"aminophylline", "caffeine", "lidocaine"}),
    "severe-hypertension": ({"isoproterenol"}, {ALL}),
    "thyroid-disease": ({"levothyroxine"}, {"isoproterenol", "aminophylline"}),
    "seizure-disorder": (set(), {"aminophylline"}),
    "insulin-diabetes": (set(), {ALL}),
    "autoimmune-disease": (set(), {ALL, "hyaluronic-acid-non-cross-linked"}),
    "keloid-tendency": (set(), {ALL}),
    "kidney-failure": (set(), {ALL}),
    "dysphagia": (set(), {"deoxycholic-acid"}),
    "allergy-lidocaine": ({"lidocaine"}, set()),
    "allergy-soy": ({"phosphatidylcholine"}, set()),
    "allergy-xanthines": ({"aminophylline", "pentoxifylline"}, {"caffeine"}),
    "allergy-venom": (set(), {"hyaluronidase"}),
    "recent-nsaids": (set(), {"prp"}),
    "recent-aspirin": (set(), {ALL, "prp"}),
    "systemic-steroids": (set(), {"prp"}),
    "beta-blockers": (set(), {"isoproterenol", "lidocaine"}),
    "liver-disease": (set(), {"lidocaine", ALL}),
    "allergy-asteraceae": ({"artichoke-extract"}, set()),
    "under-18": ({ALL}, set()),
}
ALL_CONCERNS = ["cellulite", "localized-fat", "skin-rejuvenation", "hair-loss"]


def _screen_with(history: list[str], kb):
    doc = parse_consultation({
        "format": "mesodesk.consultation/1", "date": "2026-11-01",
        "patient": {"name": "Test Patient", "date_of_birth": "1980-01-01"},
        "concerns": ALL_CONCERNS, "history": history, "substances": [],
    }, kb)
    return screen(doc, kb)


def test_the_table_covers_every_history_item_of_the_knowledge_base(kb):
    assert set(TABLE) == set(kb.history)


@pytest.mark.parametrize("history_id", sorted(TABLE))
def test_rule_row(history_id, kb):
    contraindicated, caution = TABLE[history_id]
    result = _screen_with([history_id], kb)
    every = {s.id for s in result.substances}
    assert every == set(kb.substances), "all concerns together suggest every substance"

    def reasons(substance, effect):
        return [r for r in result.substance(substance).reasons
                if r.history == history_id and r.effect == effect]

    for substance in every:
        expect_ci = ALL in contraindicated or substance in contraindicated
        expect_caution = ALL in caution or substance in caution
        assert bool(reasons(substance, "contraindicated")) == expect_ci, (substance, "contraindicated")
        assert bool(reasons(substance, "caution")) == expect_caution, (substance, "caution")
        status = result.substance(substance).status
        assert status == ("contraindicated" if expect_ci else "caution" if expect_caution else "ok")
    # A rule against all mesotherapy blocks the whole consultation, naming the item.
    general_block = [b for b in result.blocked_by if b.history == history_id and b.substance is None]
    assert bool(general_block) == (ALL in contraindicated)
    # A rule naming a substance must be its own rule, not hidden behind a general one:
    # bleeding risk with an anticoagulant is more than the bruising every patient gets.
    for effect, named in (("contraindicated", contraindicated), ("caution", caution)):
        for substance in named - {ALL}:
            specific = [r for r in reasons(substance, effect) if not r.general]
            assert specific, f"{history_id} has no {effect} rule naming {substance}"
        for substance in every - named:
            assert not [r for r in reasons(substance, effect) if not r.general], (
                f"{history_id} has a {effect} rule naming {substance} that domain.md does not list")


@pytest.mark.parametrize("history_id", sorted(TABLE))
def test_every_rule_has_patient_wording(history_id, kb):
    for rule in kb.history[history_id].rules:
        assert rule.patient_text.strip() and rule.text.strip() and rule.sources


def test_aspirin_and_other_nsaids_are_separate_questions(kb):
    """domain.md: recent-nsaids is the non-aspirin NSAIDs in 48 hours; aspirin's effect on
    platelets lasts 7-10 days, so it is its own question, over 7 days."""
    nsaids, aspirin = kb.history["recent-nsaids"], kb.history["recent-aspirin"]
    assert "aspirin" in nsaids.label.lower() and "other than aspirin" in nsaids.label.lower()
    assert "48 hours" in nsaids.label and "7 days" in aspirin.label
    assert "other than aspirin" in nsaids.patient_text


def test_prp_with_blood_thinners_is_worded_as_domain_md_says(kb):
    """The bleeding comes from the draw and the injections; thinners may make PRP work less
    well. Never that PRP "adds to the bleeding risk of your blood thinner"."""
    result = _screen_with(["anticoagulants", "recent-aspirin", "recent-nsaids"], kb)
    for reason in result.substance("prp").reasons:
        assert "adds to the bleeding risk" not in reason.patient_text.lower()
        assert "adds to the bleeding risk" not in reason.text.lower()
    [specific] = [r for r in result.substance("prp").reasons
                  if r.history == "anticoagulants" and not r.general]
    assert "work less well" in specific.patient_text and "blood is taken" in specific.patient_text
