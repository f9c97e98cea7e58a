"""The document's language: its strings, its dates and numbers, its knowledge texts.

A plan and its consent speak the patient's language (the consultation's ``language``),
never the app's. ``build_pdf`` renders inside ``writing_in(doc.language)``; everything
in this package that puts words on the page asks this module:

- ``_`` and ``ngettext``: the ``documents`` gettext domain of that language;
- ``local``: a knowledge-base text (``TranslatedText``) in that language; any other
  string is what a person typed, and stays as typed;
- dates, numbers and lists through Babel (CLDR), so Greek reads "3 Δεκεμβρίου 2026".

The language is a context variable, so a preview rendered on a worker thread and the
app's own strings on the GUI thread never see each other's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from mesodesk.domain.translated import SOURCE_LANGUAGE, TranslatedText
from mesodesk.i18n import documents

# The CLDR locale each document language is written in. English is British English:
# "3 December 2026", the day before the month, as in Greek.
_LOCALES = {"en": "en_GB", "el": "el"}

_language: ContextVar[str] = ContextVar("document_language", default=SOURCE_LANGUAGE)


@contextmanager
def writing_in(language: str) -> Iterator[None]:
    """Everything rendered inside speaks ``language``."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str:
    return _language.get()


def locale() -> str:
    return _LOCALES.get(language(), language())


def _(message: str) -> str:
    return documents(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return documents(language()).ngettext(singular, plural, n)


def local(text: str) -> str:
    """A knowledge text in the document's language (``MissingTranslation`` if it has
    none); a plain string was typed by a person and is returned as it is."""
    if isinstance(text, TranslatedText):
        return text.in_language(language())
    return text


def long_date(day: dt.date) -> str:
    """``3 December 2026`` / ``3 Δεκεμβρίου 2026`` (the month in the genitive)."""
    return format_date(day, format="long", locale=locale())


def weekday(day: dt.date) -> str:
    return format_date(day, format="EEEE", locale=locale())


def number(value: int | float) -> str:
    """``4.5`` / ``4,5``; ``12,345`` / ``12.345``."""
    return format_decimal(value, locale=locale())


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (``α, β και γ``)."""
    return format_list(items, locale=locale()) if items else ""
