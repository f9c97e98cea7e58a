"""Text for the page: escaping for reportlab's Paragraph markup, and dates in words.

Everything that reaches a Paragraph and was not written by this package (the
patient's name, notes, areas, and the knowledge base's own wording, which a
clinician edits) goes through ``esc`` or ``esc_lines`` first: an unescaped ``<``
or ``&`` would corrupt the page or inject markup (``<font size=40>``).
"""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from mesodesk.reports.translate import _

# C0 and C1 control characters other than tab and newline have no glyph and no
# meaning on paper; a stray one would print as an empty box or break the line.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")
_BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def clean(text: str) -> str:
    """Normalise line ends, expand tabs and drop control characters."""
    text = _NEWLINES.sub("\n", text)
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


def _months() -> tuple[str, ...]:
    return (_("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
            _("July"), _("August"), _("September"), _("October"), _("November"),
            _("December"))


def _weekdays() -> tuple[str, ...]:
    return (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday"))


def long_date(day: dt.date) -> str:
    """``3 December 2026``: unambiguous on paper wherever the patient lives."""
    return _("{day} {month} {year}").format(day=day.day, month=_months()[day.month - 1],
                                             year=day.year)


def weekday(day: dt.date) -> str:
    return _weekdays()[day.weekday()]


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def sentence(text: str) -> str:
    """The text with a full stop at the end, if it has no closing punctuation."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?:;…" else text + "."
