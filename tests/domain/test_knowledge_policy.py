"""The knowledge base declares what the code relies on: the minimum age, the history item
added below it, and every id the code names; ``knowledge check`` fails without them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from mesodesk.cli import main
from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import (
    DELAYED_INFECTION,
    PLACED_CONSENT_SECTIONS,
    REQUIRED_IDS,
    KnowledgeError,
    load_knowledge,
)
from mesodesk.domain.screening import effective_history, screen
from mesodesk.paths import knowledge_dir

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_entry(path: Path, table: str, entry_id: str) -> None:
    """Cut the ``[[table]]`` entry with this id, its sub-tables included."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf'\[\[{table}\]\]\nid = "{re.escape(entry_id)}"\n.*?(?=^\[\[{table}\]\]\n|\Z)',
                         re.DOTALL | re.MULTILINE)
    assert pattern.search(text), f"no {table} '{entry_id}' in {path.name}"
    path.write_text(pattern.sub("", text, count=1), encoding="utf-8")


def check_errors(directory: Path, capsys) -> list[str]:
    assert main(["knowledge", "check", str(directory)]) == 2
    return [line.strip() for line in capsys.readouterr().err.splitlines()]


def aged(kb, years_old_on_the_date: str) -> object:
    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20", "concerns": ["cellulite"],
            "patient": {"name": "Ana", "date_of_birth": years_old_on_the_date}}
    return parse_consultation(data, kb, today=TODAY)


def test_the_shipped_base_declares_its_policy(kb):
    assert (kb.minimum_age, kb.under_age_history) == (18, "under-18")
    assert kb.policy.minimum_age == 18 and kb.under_age_history in kb.history
    assert {c.id for c in kb.consent_sections} >= set(PLACED_CONSENT_SECTIONS)
    assert DELAYED_INFECTION in {e.id for e in kb.adverse_effects}


def test_knowledge_check_fails_naming_the_under_age_item_when_it_is_removed(kb_copy, capsys):
    remove_entry(kb_copy / "history.toml", "history", "under-18")
    errors = check_errors(kb_copy, capsys)
    assert any(line.startswith("general.toml: policy: field 'under_age_history': 'under-18' is not a "
                               "known id in history") for line in errors), errors
    with pytest.raises(KnowledgeError, match="under-18"):
        load_knowledge(kb_copy)


@pytest.mark.parametrize("required", REQUIRED_IDS, ids=lambda r: f"{r.file}:{r.id}")
def test_knowledge_check_fails_naming_each_id_the_code_needs(required, kb_copy, capsys):
    table = {"consent.toml": "section", "adverse_effects.toml": "effect"}[required.file]
    remove_entry(kb_copy / required.file, table, required.id)
    errors = check_errors(kb_copy, capsys)
    expected = f"{required.file}: {table} '{required.id}': field 'id': is missing, and mesodesk needs it"
    assert any(line.startswith(expected) for line in errors), errors


def test_a_base_without_a_policy_fails_naming_the_table(kb_copy, capsys):
    edit(kb_copy / "general.toml", "[policy]", "[policies]")
    errors = check_errors(kb_copy, capsys)
    assert "general.toml: field 'policy': is required" in errors, errors
    assert any(line.startswith("general.toml: field 'policies': unknown key") for line in errors), errors


@pytest.mark.parametrize("value, words", [("0", "greater than or equal to 1"), ('"18"', "integer")])
def test_the_minimum_age_is_validated(kb_copy, value, words):
    edit(kb_copy / "general.toml", "minimum_age = 18", f"minimum_age = {value}")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(kb_copy)
    assert any(str(i).startswith("general.toml: field 'policy.minimum_age'") and words in str(i)
               for i in caught.value.issues), caught.value.issues


def test_a_minimum_age_of_21_gives_a_20_year_old_the_under_age_item(kb_copy):
    edit(kb_copy / "general.toml", "minimum_age = 18", "minimum_age = 21")
    kb = load_knowledge(kb_copy)
    twenty = aged(kb, "2006-05-05")
    assert twenty.age == 20
    result = screen(twenty, kb, today=TODAY)
    assert "under-18" in result.history and "under-18" in effective_history(twenty, kb)
    assert result.blocked and result.blocked_by[0].history == "under-18"
    twenty_one = aged(kb, "2005-11-20")
    assert twenty_one.age == 21
    assert "under-18" not in screen(twenty_one, kb, today=TODAY).history


def test_the_under_age_item_is_the_one_the_policy_names(kb_copy):
    edit(kb_copy / "history.toml", 'id = "under-18"', 'id = "minor"')
    edit(kb_copy / "general.toml", 'under_age_history = "under-18"', 'under_age_history = "minor"')
    kb = load_knowledge(kb_copy)
    result = screen(aged(kb, "2010-01-01"), kb, today=TODAY)
    assert "minor" in result.history and "under-18" not in result.history
    assert result.blocked_by[0].history == "minor"


def test_a_declared_under_age_item_is_not_listed_twice(kb):
    doc = aged(kb, "2010-01-01").with_changes(history=["under-18"])
    assert effective_history(doc, kb).count("under-18") == 1
