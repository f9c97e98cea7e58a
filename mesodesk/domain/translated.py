"""A text of the knowledge base in every language it is written in.

The knowledge base is bilingual: each text a person reads is written side by side in
English and Greek (``name.en``, ``name.el``). A ``TranslatedText`` is a ``str`` whose
value is the English, as a gettext ``msgid`` is the English, so code that shows the
source language keeps working unchanged; a patient's paper asks for its own language
with ``in_language`` and never gets English in its place.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SOURCE_LANGUAGE = "en"


class MissingTranslation(LookupError):
    """A text has no version in the language asked for."""

    def __init__(self, text: str, language: str):
        self.text = text
        self.language = language
        super().__init__(f"no '{language}' text for: {text}")


class TranslatedText(str):
    """A text with its translations; as a ``str`` it is the English."""

    translations: Mapping[str, str]

    def __new__(cls, translations: Mapping[str, str]) -> TranslatedText:
        if SOURCE_LANGUAGE not in translations:
            raise ValueError(f"a translated text needs its '{SOURCE_LANGUAGE}' version")
        text = super().__new__(cls, translations[SOURCE_LANGUAGE])
        text.translations = MappingProxyType(dict(translations))
        return text

    def __reduce__(self) -> tuple[type[TranslatedText], tuple[dict[str, str]]]:
        # copy and pickle rebuild it from its translations, not from the English alone
        return (type(self), (dict(self.translations),))

    def in_language(self, language: str) -> str:
        """The text in ``language``; ``MissingTranslation`` if it was not written in it."""
        try:
            return self.translations[language]
        except KeyError:
            raise MissingTranslation(str(self), language) from None

    def missing(self, languages: tuple[str, ...]) -> list[str]:
        """Which of ``languages`` this text has no version in."""
        return [language for language in languages if language not in self.translations]
