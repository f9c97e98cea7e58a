"""Text for the page: in the document's language, escaped for reportlab's Paragraph markup.

Everything that reaches a Paragraph and was not written by this package (the
patient's name, notes, areas, and the knowledge base's own wording, which a
clinician edits) goes through ``esc`` or ``esc_lines`` first: an unescaped ``<``
or ``&`` would corrupt the page or inject markup (``<font size=40>``). A knowledge
text is taken in the document's language on the way (``words.local``).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from mesodesk.reports.words import local

# C0 and C1 control characters other than tab and newline have no glyph and no
# meaning on paper; a stray one would print as an empty box or break the line.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def clean(text: str) -> str:
    """In the document's language; line ends normalised, tabs expanded, control characters dropped."""
    text = _NEWLINES.sub("\n", local(text))
    text = text.replace("\t", "    ")
    return _CONTROL.sub("", text)


def esc(text: str) -> str:
    """User or data text, escaped for a Paragraph, on one line."""
    return escape(clean(text).replace("\n", " ").strip())


def esc_lines(text: str) -> str:
    """Like ``esc`` but keeps single line breaks as ``<br/>``."""
    lines = clean(text).strip().split("\n")
    return "<br/>".join(escape(line.rstrip()) for line in lines)


def paragraphs(text: str) -> list[str]:
    """Free text split at blank lines, each part escaped, line breaks kept."""
    text = clean(text).strip()
    if not text:
        return []
    return [esc_lines(part) for part in _BLANK_LINE.split(text) if part.strip()]


def sentence(text: str) -> str:
    """The text with a full stop at the end, if it has no closing punctuation."""
    text = local(text).rstrip()
    return text if not text or text[-1] in ".!?:;…" else text + "."
