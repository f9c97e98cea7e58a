"""Dates written as text: the one parser of the app.

Documents, the database and the command line write dates as ISO ``YYYY-MM-DD`` and are
read strictly. What a person types (``typed=True``) may also be day first, as is usual
in Europe: ``DD/MM/YYYY``, ``DD.MM.YYYY`` or ``DD-MM-YYYY``, with one-digit days and
months and spaces around. Every error is a ``DateError`` (a ``ValueError``) that says
what was wrong and names the field when one is given.
"""

from __future__ import annotations

import datetime as dt
import re

from mesodesk.i18n import _

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", re.ASCII)
_TYPED_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TYPED_DAY_FIRST = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")


class DateError(ValueError):
    """A date that cannot be read. ``field`` names it (may be empty), ``message`` says why;
    ``str()`` is ``"field: message"``, or the message alone without a field."""

    def __init__(self, message: str, field: str = ""):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def parse_date(text: object, field: str = "", *, typed: bool = False) -> dt.date:
    """The date written in ``text``; a ``datetime.date`` is returned as it is.

    Strict by default (exactly ``YYYY-MM-DD``, as documents and the database write it);
    ``typed=True`` also reads the forms a person types (see the module). Raises
    ``DateError`` naming ``field``.
    """
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str):
        raise DateError(_("must be a date written YYYY-MM-DD"), field)
    if typed:
        return _typed(text, field)
    if not _ISO_DATE.match(text):
        raise DateError(_("must be a date written YYYY-MM-DD"), field)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DateError(_("'{text}' is not a real date").format(text=text), field) from None


def _typed(text: str, field: str) -> dt.date:
    text = text.strip()
    if not text:
        raise DateError(_("is required"), field)
    if match := _TYPED_ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _TYPED_DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise DateError(_("write the date as YYYY-MM-DD, for example 1988-04-12"), field)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(_("'{text}' is not a real date").format(text=text), field) from None


def parse_date_or_none(text: str) -> dt.date | None:
    """The date a person typed (any form ``typed=True`` reads), or None when the text is
    not one: for a search box, where a name or a phone number is just as welcome."""
    try:
        return parse_date(text, typed=True)
    except DateError:
        return None


def parse_datetime(text: object, field: str = "") -> dt.datetime:
    """A date and time written exactly ``YYYY-MM-DDTHH:MM:SS`` (a ``datetime`` is returned
    as it is). Raises ``DateError`` naming ``field``."""
    if isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str) or not _ISO_DATETIME.match(text):
        raise DateError(_("must be a date and time written YYYY-MM-DDTHH:MM:SS"), field)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise DateError(_("'{text}' is not a real date and time").format(text=text), field) from None


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` of a person born on ``born``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year
    (a retention period ends on the day it reaches, never a day late)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
