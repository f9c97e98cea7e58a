"""Translations: one catalogue for the app, one for the patient's documents.

The app speaks the practitioner's language (a setting); a plan and its consent speak the
patient's (``language`` of the consultation), so the two are separate gettext domains:

- ``mesodesk``: every string of the GUI and the command line, through ``_`` and
  ``ngettext`` after ``set_language``;
- ``documents``: every string printed on a plan, a consent or another patient paper,
  through ``documents(language)`` (a translation object of its own, never the app's).

Sources are ``resources/i18n/<lang>/LC_MESSAGES/<domain>.po`` (extracted and updated with
Babel); the ``.mo`` files are compiled from them at install (the Makefile) and into the
bundle. English is the source language, so English needs no catalogue.
"""

from __future__ import annotations

import functools
import gettext

from mesodesk.paths import resource_dir

APP_DOMAIN = "mesodesk"
DOCUMENTS_DOMAIN = "documents"
LANGUAGES = ("en", "el")

_translation: gettext.NullTranslations = gettext.NullTranslations()


@functools.cache
def translation(language: str, domain: str = APP_DOMAIN) -> gettext.NullTranslations:
    """The catalogue of ``domain`` for ``language`` (English: the strings themselves)."""
    return gettext.translation(
        domain, localedir=str(resource_dir("i18n")), languages=[language], fallback=True
    )


def documents(language: str) -> gettext.NullTranslations:
    """The catalogue for a patient's papers in ``language``."""
    return translation(language, DOCUMENTS_DOMAIN)


def set_language(language: str) -> None:
    """Switch the catalogue used by ``_`` (``en`` needs none)."""
    global _translation
    _translation = translation(language, APP_DOMAIN)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
