"""Rules for the text and the patient fields that the document and the patient share.

The consultation document (``domain.document``) and the patient form
(``domain.patient``) check a name, a phone number and an email address with these
functions, so a patient typed in the dialog and one imported from a file meet the same
rules and get the same messages. Each check raises ``ValueError`` saying what is wrong
(the caller names the field) and returns the value to keep.
"""

from __future__ import annotations

import datetime as dt
import re

from mesodesk.i18n import _

MAX_NAME = 200
MAX_SHORT = 200  # phone, email and other one-line fields
MAX_NOTES = 20_000
EARLIEST_BIRTH = dt.date(1900, 1, 1)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("contains characters that are not valid Unicode text")) from None
    return value


def one_line(value: str) -> str:
    """Text on one line, without control characters (a name, a phone number)."""
    if _CONTROL.search(encodable(value)):
        raise ValueError(_("must be one line of text without control characters"))
    return value


def lines(value: str) -> str:
    """Text that may have several lines and tabs, but no other control characters."""
    if _CONTROL_BUT_LINES.search(encodable(value)):
        raise ValueError(_("must be text without control characters"))
    return value


def check_name(value: str) -> str:
    """A person's name: 1 to 200 characters after trimming, in any script; returned trimmed."""
    name = value.strip()
    if not name:
        raise ValueError(_("is required"))
    if len(name) > MAX_NAME:
        raise ValueError(_("is {count} characters long; at most {limit} fit")
                         .format(count=len(name), limit=MAX_NAME))
    return one_line(name)


def check_phone(value: str | None) -> str | None:
    """An optional phone number, as typed: trimmed, None when empty, at most 200 characters."""
    phone = (value or "").strip()
    if len(phone) > MAX_SHORT:
        raise ValueError(_("is longer than {limit} characters").format(limit=MAX_SHORT))
    return one_line(phone) or None


def check_email(value: str | None) -> str | None:
    """An optional email address: trimmed, None when empty, at most 200 characters, with
    something before and after an ``@`` and no spaces."""
    email = (value or "").strip()
    if not email:
        return None
    if len(email) > MAX_SHORT:
        raise ValueError(_("is longer than {limit} characters").format(limit=MAX_SHORT))
    one_line(email)
    local, _at, domain = email.partition("@")
    if not local or not domain or " " in email:
        raise ValueError(_("'{email}' is not an email address").format(email=email))
    return email


def check_notes(value: str) -> str:
    """Free text of up to 20,000 characters, lines and tabs allowed."""
    if len(value) > MAX_NOTES:
        raise ValueError(_("are {count} characters long; at most {limit} fit")
                         .format(count=len(value), limit=MAX_NOTES))
    return lines(value)


def check_birth(born: dt.date, today: dt.date) -> dt.date:
    """A date of birth: not after ``today`` and not before 1900."""
    if born > today:
        raise ValueError(_("is in the future"))
    if born < EARLIEST_BIRTH:
        raise ValueError(_("is before 1900; check the year"))
    return born
