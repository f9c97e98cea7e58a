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

The app's language is a per-computer setting (``[interface] language`` in the INI file the
GUI's settings dialog writes); without one it is the system's when mesodesk speaks it, else
English. ``MESODESK_LANGUAGE`` overrides both (tests, screenshots, a one-off run).
"""

from __future__ import annotations

import configparser
import functools
import gettext
import locale
import os

from mesodesk.paths import resource_dir, user_config_dir

APP_DOMAIN = "mesodesk"
DOCUMENTS_DOMAIN = "documents"
LANGUAGES = ("en", "el")
LANGUAGE_SECTION, LANGUAGE_KEY = "interface", "language"  # QSettings key "interface/language"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


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
    global _translation, _language
    _translation = translation(language, APP_DOMAIN)
    _language = language


def current_language() -> str:
    return _language


def system_language() -> str | None:
    """The language of the user's locale (``el`` for ``el_GR.UTF-8``), None if unknown."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return value.split("_")[0].split(".")[0].lower() or None
    code = locale.getlocale()[0]
    return code.split("_")[0].lower() if code else None


def saved_language() -> str | None:
    """The language chosen in the settings dialog (read without Qt, for the command line)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(user_config_dir() / "mesodesk.ini", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        return None  # a damaged settings file: the default language, not a crash
    return parser.get(LANGUAGE_SECTION, LANGUAGE_KEY, fallback=None) or None


def preferred_language() -> str:
    """The override, else the saved setting, else the system's, else English."""
    for language in (os.environ.get("MESODESK_LANGUAGE"), saved_language(), system_language()):
        if language in LANGUAGES:
            return language
    return "en"


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translation.pgettext(context, message)
