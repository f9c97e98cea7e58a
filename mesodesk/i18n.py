"""Translation hook shared by the GUI and the PDF.

Every string shown to a person goes through ``_``. Catalogues live in
``resources/i18n/<lang>/LC_MESSAGES/mesodesk.mo``; English is the source language,
so a missing catalogue falls back to the string itself.
"""

from __future__ import annotations

import gettext

from mesodesk.paths import resource_dir

_translation: gettext.NullTranslations = gettext.NullTranslations()


def set_language(language: str) -> None:
    """Switch the catalogue used by ``_`` (``en`` needs none)."""
    global _translation
    _translation = gettext.translation(
        "mesodesk", localedir=str(resource_dir("i18n")), languages=[language], fallback=True
    )


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
