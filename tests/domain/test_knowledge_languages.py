"""The knowledge base is bilingual: every text has its English and Greek side by side."""

from __future__ import annotations

import copy
import pickle
import shutil
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.domain.knowledge import KnowledgeError, load_knowledge
from mesodesk.domain.translated import MissingTranslation, TranslatedText
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


def issues(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(issue) for issue in caught.value.issues]


def test_a_translated_text_is_its_english_and_gives_each_language():
    text = TranslatedText({"en": "Cellulite", "el": "Κυτταρίτιδα"})
    assert text == "Cellulite" and isinstance(text, str)
    assert text.in_language("el") == "Κυτταρίτιδα"
    assert text.in_language("en") == "Cellulite"
    assert text.missing(("en", "el", "fr")) == ["fr"]


def test_a_missing_language_is_an_error_not_the_english():
    text = TranslatedText({"en": "Cellulite"})
    with pytest.raises(MissingTranslation, match="no 'el' text for: Cellulite"):
        text.in_language("el")


def test_copies_and_pickles_keep_every_language():
    text = TranslatedText({"en": "Bruising", "el": "Μώλωπες"})
    for again in (copy.copy(text), copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert again.in_language("el") == "Μώλωπες" and again == "Bruising"


def test_a_text_is_read_with_its_languages_side_by_side(kb_copy):
    edit(kb_copy / "concerns.toml", 'name.el = "Κυτταρίτιδα"', 'name.el = "Κυτταρίτιδα <b>&"')
    kb = load_knowledge(kb_copy)
    name = kb.concerns["cellulite"].name
    assert name == "Cellulite" and name.in_language("el") == "Κυτταρίτιδα <b>&"


def test_a_list_of_texts_is_bilingual_too(kb_copy):
    edit(kb_copy / "concerns.toml", 'el = "Τα αποτελέσματα είναι καλύτερα',
         'el = "🙂 Τα αποτελέσματα είναι καλύτερα')
    advice = load_knowledge(kb_copy).concerns["cellulite"].advice
    assert advice[0].in_language("el").startswith("🙂 Τα αποτελέσματα")
    assert advice[0].startswith("Results are better")


@pytest.mark.parametrize("old, new, expected", [
    ('name.en = "Cellulite"\n', 'name.en = "Cellulite"\nname.fr = "Cellulite"\n',
     "concerns.toml: concern 'cellulite': field 'name.fr': unknown key"),
    ('name.en = "Cellulite"\n', '',
     "concerns.toml: concern 'cellulite': field 'name.en': is required"),
    ('name.el = "Κυτταρίτιδα"\n', 'name.el = "   "\n',
     "concerns.toml: concern 'cellulite': field 'name.el': must not be empty"),
])
def test_a_wrong_language_key_is_named(kb_copy, old, new, expected):
    edit(kb_copy / "concerns.toml", old, new)
    found = issues(kb_copy)
    assert any(line.startswith(expected) for line in found), found


def test_a_bare_string_is_read_as_the_english(kb_copy):
    """An overlay written before the texts were bilingual still loads."""
    edit(kb_copy / "concerns.toml", 'name.en = "Cellulite"\nname.el = "Κυτταρίτιδα"', 'name = "Cellulite"')
    assert load_knowledge(kb_copy).concerns["cellulite"].name.in_language("en") == "Cellulite"


def test_the_shipped_base_has_every_text_in_english_and_greek(kb):
    assert kb.translation_gaps == []
    assert kb.concerns["cellulite"].name.in_language("el") == "Κυτταρίτιδα"
    # κυτταρίτιδα is also the Greek word for the infection: say at once that it is not one
    assert "όχι λοίμωξη" in kb.concerns["cellulite"].patient_text.in_language("el")


def drop_greek(path: Path, english: str) -> None:
    """Remove the Greek line that follows ``english``'s line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith(english))
    assert ".el = " in lines[at + 1] or lines[at + 1].startswith("el = ")
    del lines[at + 1]
    path.write_text("".join(lines), encoding="utf-8")


def test_knowledge_check_fails_naming_file_entry_and_field_of_a_text_without_greek(kb_copy, capsys):
    drop_greek(kb_copy / "history.toml", 'text.en = "Pregnancy: no mesotherapy')
    drop_greek(kb_copy / "general.toml", "depth_note.en = ")
    drop_greek(kb_copy / "concerns.toml", 'en = "Hair grows slowly')
    assert main(["knowledge", "check", str(kb_copy)]) == 2
    err = capsys.readouterr().err
    assert "the knowledge base has 3 error(s)" in err
    assert ("history.toml: history 'pregnancy': field 'rules.0.text': has no 'el' text: "
            "write it beside the 'en' one") in err
    assert "general.toml: field 'depth_note': has no 'el' text" in err
    assert "concerns.toml: concern 'hair-loss': field 'advice.0': has no 'el' text" in err


def test_a_base_with_a_gap_still_loads_for_the_language_it_has(kb_copy):
    """The app keeps working in English while a translation is being written."""
    drop_greek(kb_copy / "general.toml", "depth_note.en = ")
    kb = load_knowledge(kb_copy)
    assert kb.general.depth_note.in_language("en").startswith("How deep")
    with pytest.raises(MissingTranslation):
        kb.general.depth_note.in_language("el")
