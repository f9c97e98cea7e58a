"""The patient's paper speaks the patient's language: every string this package prints
goes through the ``documents`` catalogue (``mesodesk.i18n.documents``) of the document
being rendered, never through the app's own.

``build_pdf`` renders inside ``in_language(doc.language)``; the canvas draws its footers
when the document is saved, still inside it. A context variable (not a global) keeps
two renders in two threads apart.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from mesodesk.i18n import documents

_language: ContextVar[str] = ContextVar("document_language", default="en")


@contextlib.contextmanager
def in_language(language: str) -> Iterator[None]:
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def _(message: str) -> str:
    return documents(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return documents(_language.get()).ngettext(singular, plural, n)
