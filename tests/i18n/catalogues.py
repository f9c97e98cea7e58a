"""The catalogue checks: the messages in the source (extracted with Babel, as `make
i18n-extract` does) against a language's .po file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
DOMAINS = ("mesodesk", "documents")
TRANSLATED_LANGUAGES = ("el",)
# As the Makefile's EXTRACT_KEYWORDS: Qt's own strings, with Qt's context as msgctxt.
KEYWORDS = {**DEFAULT_KEYWORDS, "qt_noop": ((1, "c"), 2)}

# {name}, {0}, {name!r:>3}; %s, %d, %(name)s; Qt's %1.
PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9]*(?:![rsa])?(?::[^{}]*)?\}|%\([A-Za-z_0-9]+\)[a-z]|%[sdifr]|%\d")
ACCELERATOR = re.compile(r"&(?=[^&\s])")  # a keyboard shortcut's letter (not "&&" or "<b>& ")


Key = tuple[str, str | None]  # (msgid, msgctxt)


@dataclass
class SourceMessage:
    ids: tuple[str, ...]  # msgid, and msgid_plural for ngettext
    context: str | None
    where: list[str] = field(default_factory=list)


def source_messages(domain: str, root: Path = ROOT, mapping: Path | None = None
                    ) -> dict[Key, SourceMessage]:
    """Every message of ``domain`` in the source tree under ``root``."""
    mapping = mapping or ROOT / f"babel-{domain}.cfg"
    with mapping.open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    messages: dict[Key, SourceMessage] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS):
        ids = message if isinstance(message, tuple) else (message,)
        if not ids[0]:
            continue  # _(variable): nothing to translate at that place
        key = (ids[0], context)
        messages.setdefault(key, SourceMessage(tuple(ids), context)).where.append(
            f"{filename}:{lineno}")
    return messages


def po_path(language: str, domain: str) -> Path:
    return I18N / language / "LC_MESSAGES" / f"{domain}.po"


def load_catalogue(path: Path) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, abort_invalid=True)


def untranslated(messages: dict[Key, SourceMessage], catalogue: Catalog) -> list[str]:
    """The source messages without a translation (absent, empty or fuzzy)."""
    problems = []
    for (msgid, context), message in sorted(messages.items(), key=lambda item: item[1].where):
        entry = catalogue.get(msgid, context=context)
        strings = () if entry is None else (
            entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not all(strings):
            problems.append(f"{message.where[0]}: {msgid!r} has no translation")
        elif entry.fuzzy:
            problems.append(f"{message.where[0]}: {msgid!r} is fuzzy (check it, then drop the flag)")
    return problems


def fuzzy(catalogue: Catalog) -> list[str]:
    return [repr(entry.id) for entry in catalogue if entry.id and entry.fuzzy]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _pairs(entry) -> list[tuple[str, str]]:
    """(source, translation) pairs: singular with the first form, plural with the others."""
    if isinstance(entry.id, tuple):
        singular, plural = entry.id
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return [(singular, forms[0])] + [(plural, form) for form in forms[1:]]
    return [(entry.id, entry.string)]


def placeholder_mismatches(catalogue: Catalog) -> list[str]:
    problems = []
    for entry in catalogue:
        if not entry.id:
            continue
        for source, translation in _pairs(entry):
            if translation and placeholders(source) != placeholders(translation):
                problems.append(f"{source!r} has {placeholders(source)}, its translation "
                                f"{translation!r} has {placeholders(translation)}")
    return problems


def accelerator_mismatches(catalogue: Catalog) -> list[str]:
    """A menu or button whose keyboard letter the translation lost (or gained)."""
    problems = []
    for entry in catalogue:
        if not entry.id or isinstance(entry.id, tuple) or not entry.string:
            continue
        if bool(ACCELERATOR.search(entry.id)) != bool(ACCELERATOR.search(entry.string)):
            problems.append(f"{entry.id!r} -> {entry.string!r}")
    return problems
