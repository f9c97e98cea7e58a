"""The interactions within one plan, written from domain.md ("Interactions within one
plan"), not from the knowledge base: removing one from resources/knowledge fails here."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import KnowledgeError, load_knowledge
from mesodesk.domain.screening import screen
from mesodesk.paths import knowledge_dir

TODAY = dt.date(2026, 11, 26)
STIMULANTS = ["isoproterenol", "aminophylline", "levothyroxine", "caffeine"]
LEVOTHYROXINE_REASON = {"substance": "levothyroxine", "history": None, "reason": "Endocrinologist agrees."}


def screened(kb, substances, concerns=("cellulite",)):
    overrides = [LEVOTHYROXINE_REASON] if "levothyroxine" in substances else []
    doc = parse_consultation({
        "format": "mesodesk.consultation/1", "date": "2026-11-20",
        "patient": {"name": "Ana", "date_of_birth": "1990-05-05"},
        "concerns": list(concerns), "substances": list(substances), "overrides": overrides}, kb,
        today=TODAY)
    return screen(doc, kb, today=TODAY)


def findings(result, code):
    return [w for w in result.warnings if w.code == code]


@pytest.mark.parametrize("chosen", [list(c) for n in (2, 3, 4) for c in itertools.combinations(STIMULANTS, n)])
def test_two_or_more_cardiac_stimulants_are_a_caution_naming_them(chosen, kb):
    result = screened(kb, chosen + ["l-carnitine"])
    assert result.status == "ok"
    [caution] = findings(result, "cardiac-stimulants-together")
    assert caution.effect == "caution" and caution.patient_text
    assert {"code": "cardiac-stimulants-together", "effect": "caution"}.items() <= next(
        w for w in result.to_dict()["warnings"] if w["code"] == "cardiac-stimulants-together").items()
    for substance in STIMULANTS:
        named = kb.substance_name(substance) in caution.text
        assert named == (substance in chosen), (substance, caution.text)


@pytest.mark.parametrize("alone", STIMULANTS)
def test_one_cardiac_stimulant_alone_is_no_interaction(alone, kb):
    assert not findings(screened(kb, [alone, "l-carnitine"]), "cardiac-stimulants-together")


def test_pentoxifylline_with_ginkgo_is_a_caution(kb):
    [caution] = findings(screened(kb, ["pentoxifylline", "ginkgo-biloba"]), "pentoxifylline-with-ginkgo")
    assert caution.effect == "caution" and "bleeding" in caution.text
    for alone in ("pentoxifylline", "ginkgo-biloba"):
        assert not findings(screened(kb, [alone]), "pentoxifylline-with-ginkgo")


def test_hyaluronidase_with_non_cross_linked_hyaluronic_acid_is_a_warning(kb):
    both = ["cellulite", "skin-rejuvenation"]
    [warning] = findings(screened(kb, ["hyaluronidase", "hyaluronic-acid-non-cross-linked"], both),
                         "hyaluronidase-with-hyaluronic-acid")
    assert warning.effect == "warning" and "breaks down" in warning.text
    for alone in ("hyaluronidase", "hyaluronic-acid-non-cross-linked"):
        assert not findings(screened(kb, [alone], both), "hyaluronidase-with-hyaluronic-acid")


def test_lidocaine_with_injection_lipolysis_is_still_a_warning(kb):
    both = ["cellulite", "localized-fat"]
    for partner in ("phosphatidylcholine", "deoxycholic-acid"):
        [warning] = findings(screened(kb, ["lidocaine", partner], both), "lidocaine-inhibits-lipolysis")
        assert warning.effect == "warning"
    assert not findings(screened(kb, ["lidocaine", "caffeine"], both), "lidocaine-inhibits-lipolysis")


@pytest.fixture
def kb_copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    return target


def _append(kb_copy, text):
    path = kb_copy / "interactions.toml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


ENTRY = '''
[[interaction]]
code = "clinic-rule"
{body}
text = "A clinic's own rule."
patient_text = "A clinic's own rule."
sources = ["practice-figures"]
'''


@pytest.mark.parametrize("body, field, words", [
    ("", "substance", "is required"),
    ('substance = "caffeine"\nany_of = ["rutin", "lidocaine"]', "any_of", "not both"),
    ('any_of = ["rutin", "lidocaine"]\nat_least = 3', "at_least", "only 2"),
    ('any_of = ["rutin", "lidocane"]', "any_of", "'lidocane' is not a known id"),
    ('substance = "caffeine"\nwith_substances = ["rutine"]', "with_substances", "'rutine' is not a known id"),
    ('any_of = ["rutin", "lidocaine"]\nwith_classes = ["draining"]', "any_of", "no partners"),
])
def test_an_invalid_interaction_is_named_by_entry_and_field(body, field, words, kb_copy):
    _append(kb_copy, ENTRY.format(body=body))
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(kb_copy)
    lines = [str(issue) for issue in raised.value.issues]
    assert any(line.startswith(f"interactions.toml: interaction 'clinic-rule': field '{field}'")
               and words in line for line in lines), lines


def test_a_clinic_can_add_a_group_of_its_own(kb_copy):
    _append(kb_copy, ENTRY.format(body='any_of = ["rutin", "artichoke-extract", "lidocaine"]\n'
                                       'at_least = 3\neffect = "caution"'))
    kb = load_knowledge(kb_copy)
    assert not findings(screened(kb, ["rutin", "lidocaine"]), "clinic-rule")
    [caution] = findings(screened(kb, ["rutin", "lidocaine", "artichoke-extract"]), "clinic-rule")
    assert caution.effect == "caution"
