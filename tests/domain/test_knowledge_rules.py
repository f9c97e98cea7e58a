"""The knowledge base's checks of the rules' data: areas, label limits, jurisdictions.
Each mistake is named by file, entry and field, as for the rest of the base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mesodesk.domain.knowledge import JURISDICTIONS, KnowledgeError, load_knowledge
from mesodesk.paths import knowledge_dir


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file, old, new, expected", [
    ("history.toml", 'areas = ["submental"]', 'areas = ["chin"]',
     "history.toml: history 'dysphagia': field 'rules.0.areas': 'chin' is not a known id in areas"),
    ("adverse_effects.toml", 'areas = ["submental"]', 'areas = ["chin"]',
     "adverse_effects.toml: effect 'nerve-injury': field 'areas': 'chin' is not a known id in areas"),
    ("areas.toml", 'concerns = ["hair-loss"]', 'concerns = ["baldness"]',
     "areas.toml: area 'scalp': field 'concerns': 'baldness' is not a known id in concerns"),
    ("label_limits.toml", 'kind = "interval-min"\nvalue = 28', 'kind = "interval-min"',
     "label_limits.toml: limit 'deoxycholic-acid-interval': field 'value': is required"),
    ("label_limits.toml", 'per_kg = 4.5\n', '',
     "label_limits.toml: limit 'lidocaine-dose': field 'per_kg': is required"),
    ("label_limits.toml", 'kind = "sessions-max"', 'kind = "interval-min"',
     "label_limits.toml: limit 'deoxycholic-acid-sessions': field 'kind': deoxycholic-acid already has"),
    ("label_limits.toml", 'kind = "volume-max"\nvalue = 10', 'kind = "volume"\nvalue = 10',
     "label_limits.toml: limit 'deoxycholic-acid-volume': field 'kind'"),
    ("label_limits.toml", 'substance = "lidocaine"', 'substance = "lignocaine"',
     "label_limits.toml: limit 'lidocaine-dose': field 'substance': 'lignocaine' is not a known id"),
    ("lifestyle.toml", 'substances = ["prp"]', 'substances = ["platelets"]',
     "lifestyle.toml: risk 'smoking': field 'when_chosen.0.substances': 'platelets' is not a known id"),
])
def test_a_mistake_in_the_rules_data_is_named(kb_copy, file, old, new, expected):
    edit(kb_copy / file, old, new)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb_copy)
    found = [str(issue) for issue in caught.value.issues]
    assert any(issue.startswith(expected) for issue in found), found


def test_every_substance_has_its_status_in_every_jurisdiction_in_both_languages(kb):
    for substance in kb.substances.values():
        assert set(substance.status) == set(JURISDICTIONS), substance.id
        for text in substance.status.values():
            assert text.in_language("el").strip() and str(text).strip()
    gaps = [str(g) for g in kb.translation_gaps
            if g.file in ("areas.toml", "label_limits.toml", "jurisdictions.toml")
            or ".status" in g.field or g.field.startswith("risks")]
    assert not gaps, gaps


def test_who_authorises_medicines_where_the_clinic_is(kb):
    assert "EOF" in kb.authority_text("EU", "GR") and "EOF" in kb.authority_text("EU", "gr")
    assert "EOF" not in kb.authority_text("EU", "FR") and "EMA" in kb.authority_text("EU", "FR")
    assert "FDA" in kb.authority_text("US") and "MHRA" in kb.authority_text("UK")
    assert kb.authority_text("CH") == ""
