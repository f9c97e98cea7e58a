"""The knowledge-base loader: every problem names the file, the entry and the field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.domain.knowledge import KnowledgeError, load_knowledge
from mesodesk.paths import knowledge_dir, overlay_knowledge_dir


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def issues(directory: Path, overlay: Path | None = None) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory, overlay)
    return [str(issue) for issue in caught.value.issues]


def test_shipped_base_is_complete(kb):
    assert set(kb.concerns) == {"cellulite", "localized-fat", "skin-rejuvenation", "hair-loss"}
    assert len(kb.substances) == 19 and len(kb.history) == 27 and len(kb.lifestyle) == 6
    assert kb.general.cooling_off_days == 7
    assert {c.id for c in kb.consent_sections} >= {"procedure", "alternatives", "results", "your-rights", "photographs"}


def test_knowledge_check_passes_on_the_shipped_base(capsys):
    assert main(["knowledge", "check"]) == 0
    assert "knowledge base OK" in capsys.readouterr().out


def test_knowledge_check_names_file_entry_and_field_of_a_dangling_id(kb_copy, capsys):
    edit(kb_copy / "classes.toml", '"rutin", "aminophylline"', '"rutine", "aminophylline"')
    assert main(["knowledge", "check", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert "classes.toml: class 'vasoactive': field 'substances': 'rutine' is not a known id" in err


@pytest.mark.parametrize("file, old, new, expected", [
    ("history.toml", 'applies_to = ["phosphatidylcholine"]', 'applies_to = ["phosphatidylcholin"]',
     "history.toml: history 'allergy-soy': field 'rules.0.applies_to': 'phosphatidylcholin' is not a known id"),
    ("concerns.toml", 'preselected = ["prp"]', 'preselected = ["prp", "caffeine"]',
     "concerns.toml: concern 'hair-loss': field 'preselected': 'caffeine' is not a substance of this concern"),
    ("substances.toml", 'id = "caffeine"\n', 'id = "caffeine"\ncolour = "brown"\n',
     "substances.toml: substance 'caffeine': field 'colour': unknown key"),
    ("substances.toml", 'id = "rutin"', 'id = "caffeine"',
     "substances.toml: substance 'caffeine': field 'id': duplicate id"),
    ("substances.toml", 'sources = ["levothyroxine-label"]\n\n[[substance]]\nid = "rutin"',
     'sources = []\n\n[[substance]]\nid = "rutin"',
     "substances.toml: substance 'levothyroxine': field 'sources': needs at least one source"),
    ("lifestyle.toml", 'advice.en = "A balanced diet', 'advice.en = "  "\nx = "',
     "lifestyle.toml: risk 'diet': field 'advice.en': must not be empty"),
    ("interactions.toml", 'sources = ["jayasinghe-2013"]', 'sources = ["jayasinghe-2031"]',
     "interactions.toml: interaction 'lidocaine-inhibits-lipolysis': field 'sources': 'jayasinghe-2031' is not a known id"),
])
def test_each_kind_of_error_is_named(kb_copy, file, old, new, expected):
    edit(kb_copy / file, old, new)
    found = issues(kb_copy)
    assert any(line.startswith(expected) for line in found), found


def test_broken_toml_and_missing_files_are_reported(kb_copy):
    (kb_copy / "aftercare.toml").write_text("[[advice]\n", encoding="utf-8")
    (kb_copy / "lifestyle.toml").unlink()
    found = issues(kb_copy)
    assert any(line.startswith("aftercare.toml: not valid TOML") for line in found)
    assert "lifestyle.toml: is missing" in found


OVERLAY_CLASS = '''
[[class]]
id = "clinic-peptides"
name.en = "Clinic peptide blend"
name.el = "Πεπτίδια της κλινικής"
patient_text.en = "Our clinic's peptide blend for firmer skin."
patient_text.el = "Το μείγμα πεπτιδίων της κλινικής μας για πιο σφιχτό δέρμα."
practitioner_note.en = "House protocol."
practitioner_note.el = "Πρωτόκολλο της κλινικής."
substances = ["clinic-peptide"]
concerns = ["skin-rejuvenation"]
sources = ["clinic-protocol"]
'''
OVERLAY_SUBSTANCE = '''
[[substance]]
id = "clinic-peptide"
name.en = "Biomimetic peptides"
name.el = "Βιομιμητικά πεπτίδια"
patient_text.en = "Short chains of amino acids that signal the skin to repair."
patient_text.el = "Μικρές αλυσίδες αμινοξέων που δίνουν στο δέρμα σήμα να επανορθωθεί."
practitioner_note.en = "House protocol."
practitioner_note.el = "Πρωτόκολλο της κλινικής."
regulatory.en = "Cosmetic ingredient; injection is off-label."
regulatory.el = "Καλλυντικό συστατικό· η ένεση είναι εκτός εγκεκριμένων ενδείξεων."
regulatory_patient.en = "These peptides are not approved for injection; their use is off-label."
regulatory_patient.el = "Αυτά τα πεπτίδια δεν έχουν έγκριση για ένεση· χρησιμοποιούνται εκτός εγκεκριμένων ενδείξεων."
evidence.en = "None controlled."
evidence.el = "Καμία ελεγχόμενη μελέτη."
sources = ["clinic-protocol"]
'''
OVERLAY_SOURCE = '''
[[source]]
id = "clinic-protocol"
citation = "Our clinic's written protocol, 2026."
'''


def write_overlay(directory: Path, substance: str = OVERLAY_SUBSTANCE) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "classes.toml").write_text(OVERLAY_CLASS, encoding="utf-8")
    (directory / "substances.toml").write_text(substance, encoding="utf-8")
    (directory / "sources.toml").write_text(OVERLAY_SOURCE, encoding="utf-8")


def test_overlay_adds_a_practitioners_own_class_and_substance(tmp_path):
    write_overlay(tmp_path / "overlay")
    kb = load_knowledge(knowledge_dir(), tmp_path / "overlay")
    assert "clinic-peptide" in kb.substances
    assert kb.classes_of("skin-rejuvenation")[-1] == "clinic-peptides"


def test_overlay_is_validated_the_same_way(tmp_path):
    write_overlay(tmp_path / "overlay", OVERLAY_SUBSTANCE.replace('"clinic-peptide"', '"caffeine"'))
    found = issues(knowledge_dir(), tmp_path / "overlay")
    assert any("overlay/substances.toml: substance 'caffeine': field 'id': duplicate id" in f for f in found)
    assert any("overlay/classes.toml: class 'clinic-peptides': field 'substances': 'clinic-peptide'" in f
               for f in found)


def test_knowledge_check_includes_the_users_overlay(capsys):
    write_overlay(overlay_knowledge_dir())
    assert main(["knowledge", "check"]) == 0
    (overlay_knowledge_dir() / "sources.toml").unlink()
    assert main(["knowledge", "check"]) == 2
    assert "overlay/classes.toml" in capsys.readouterr().err


def test_knowledge_check_names_an_overlays_text_written_before_texts_were_bilingual(capsys):
    english_only = OVERLAY_SUBSTANCE.replace(
        'evidence.en = "None controlled."\nevidence.el = "Καμία ελεγχόμενη μελέτη."',
        'evidence = "None controlled."')
    write_overlay(overlay_knowledge_dir(), english_only)
    assert main(["knowledge", "check"]) == 2
    assert ("overlay/substances.toml: substance 'clinic-peptide': field 'evidence': has no 'el' text"
            in capsys.readouterr().err)


USER_VISIBLE = [*Path(knowledge_dir()).glob("*.toml"), *knowledge_dir().parent.joinpath("examples").glob("*.json")]


def test_cellulitis_appears_nowhere_a_user_can_see():
    package = Path(__file__).resolve().parents[2] / "mesodesk"
    files = USER_VISIBLE + list(package.rglob("*.py")) + [package.parent / "README.md"]
    offenders = [str(f) for f in files if f.exists() and re.search("cellulitis", f.read_text(encoding="utf-8"), re.I)]
    assert offenders == []


@pytest.mark.parametrize("wrong", ["routine", "isoproterenole", "posphatidylcholine", "deoxy-cholic",
                                   "gingko", "metaloprotinase", "folicles", "autologus"])
def test_terminology_is_spelled_right(wrong):
    offenders = [f.name for f in USER_VISIBLE if wrong in f.read_text(encoding="utf-8").lower()]
    assert offenders == []


def test_a_substance_that_needs_a_reason_is_never_preselected(kb_copy):
    edit(kb_copy / "concerns.toml", 'preselected = ["l-carnitine",', 'preselected = ["levothyroxine", "l-carnitine",')
    found = issues(kb_copy)
    assert any("concern 'cellulite': field 'preselected': 'levothyroxine' needs a recorded reason" in f
               for f in found), found


def test_a_file_that_is_not_utf8_is_named(kb_copy):
    (kb_copy / "aftercare.toml").write_bytes("[[advice]]\nid = 'caf\xe9'\n".encode("latin-1"))
    assert "aftercare.toml: not UTF-8 text; save the file as UTF-8" in issues(kb_copy)
