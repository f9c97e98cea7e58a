"""Reading a GS1 code as a hand scanner types it: the GTIN, the lot and the expiry.

A product's GS1 DataMatrix or GS1-128 barcode carries application identifiers (AIs):
``01`` the GTIN (14 digits), ``17`` the expiry (YYMMDD), ``10`` the lot (up to 20
characters). A scanner in keyboard mode types them one after the other: fixed-length fields
run on, a variable-length field ends with the FNC1 separator, which arrives as the group
separator character (``\\x1d``), and the code may begin with its symbology identifier
(``]d2`` DataMatrix, ``]C1`` GS1-128, ``]Q3`` QR, ``]e0`` DataBar). The human-readable
form with parentheses, ``(01)09506000134352(17)270630(10)LD2291``, is read as well.
Source: GS1 General Specifications, sections 3 (AIs) and 7.8 (dates, predefined lengths).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from mesodesk.i18n import _

GROUP_SEPARATOR = "\x1d"
SYMBOLOGY_PREFIXES = ("]d2", "]C1", "]Q3", "]e0", "]J1")
MAX_CODE = 500

# Total length (AI included) of the fields whose length is fixed, by the AI's first two
# digits (the "predefined length" table); every other field ends with FNC1 or the code.
_PREDEFINED = {"00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8,
               "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10,
               "32": 10, "33": 10, "34": 10, "35": 10, "36": 10, "41": 16}
_PARENTHESIZED = re.compile(r"\((\d{2,4})\)([^(]*)")


class GS1Error(ValueError):
    """The scanned text is not a GS1 code mesodesk can read; the message says why."""


@dataclass(frozen=True)
class GS1Code:
    gtin: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    fields: dict[str, str] = field(default_factory=dict)  # every AI read, as typed

    @property
    def expiry_text(self) -> str | None:
        """The expiry as the session document writes it (``YYYY-MM-DD``)."""
        return self.expiry.isoformat() if self.expiry else None


def _ai_length(digits: str) -> int:
    """How many digits the AI starting ``digits`` has (GS1 General Specifications, 3.2)."""
    head = int(digits[:2])
    if head in (23, 24, 25) or 40 <= head <= 42:
        return 3
    if 31 <= head <= 36 or head in (39, 43) or 70 <= head <= 89:
        return 4
    return 2


def _split(text: str) -> dict[str, str]:
    if text.startswith("("):
        pairs = _PARENTHESIZED.findall(text)
        if "".join(f"({ai}){value}" for ai, value in pairs) != text:
            raise GS1Error(_("the code's parentheses do not enclose application identifiers"))
        return _collect(pairs)
    pairs, position = [], 0
    while position < len(text):
        if text[position] == GROUP_SEPARATOR:
            position += 1
            continue
        head = text[position:position + 2]
        if len(head) < 2 or not head.isdigit():
            raise GS1Error(_("no application identifier at character {position}").format(
                position=position + 1))
        size = _ai_length(text[position:position + 4])
        ai = text[position:position + size]
        if len(ai) < size or not ai.isdigit():
            raise GS1Error(_("the code ends inside an application identifier"))
        start = position + size
        if head in _PREDEFINED:
            end = position + _PREDEFINED[head]
            if end > len(text):
                raise GS1Error(_("the field ({ai}) is cut short").format(ai=ai))
        else:
            found = text.find(GROUP_SEPARATOR, start)
            end = len(text) if found < 0 else found
        pairs.append((ai, text[start:end]))
        position = end
    return _collect(pairs)


def _collect(pairs: list[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for ai, value in pairs:
        if ai in fields and fields[ai] != value:
            raise GS1Error(_("the field ({ai}) appears twice with different values").format(ai=ai))
        fields[ai] = value
    return fields


def gtin_is_valid(gtin: str) -> bool:
    """A 14-digit GTIN whose last digit is its check digit (mod 10, weights 3 and 1)."""
    if len(gtin) != 14 or not gtin.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(gtin[:13]))
    return (10 - total % 10) % 10 == int(gtin[13])


def _year(yy: int, today: dt.date) -> int:
    """GS1's sliding century (General Specifications 7.12): within 49 years back, 50 ahead."""
    century = today.year - today.year % 100
    difference = yy - today.year % 100
    if difference >= 51:
        return century - 100 + yy
    if difference <= -50:
        return century + 100 + yy
    return century + yy


def gs1_date(text: str, today: dt.date | None = None) -> dt.date:
    """A YYMMDD date; day ``00`` is the last day of the month."""
    if len(text) != 6 or not text.isdigit():
        raise GS1Error(_("the expiry (17) '{text}' is not six digits YYMMDD").format(text=text))
    year = _year(int(text[:2]), today or dt.date.today())
    month, day = int(text[2:4]), int(text[4:])
    try:
        if day == 0:
            day = calendar.monthrange(year, month)[1]
        return dt.date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        raise GS1Error(_("the expiry (17) '{text}' is not a real date").format(text=text)) from None


def parse_gs1(scanned: str, today: dt.date | None = None) -> GS1Code:
    """The GTIN, lot and expiry in a scanned code; ``GS1Error`` says what is wrong."""
    text = scanned.strip("\r\n\t ")
    if not text:
        raise GS1Error(_("nothing was scanned"))
    if len(text) > MAX_CODE:
        raise GS1Error(_("the code is longer than {limit} characters").format(limit=MAX_CODE))
    for prefix in SYMBOLOGY_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    text = text.lstrip(GROUP_SEPARATOR)  # a leading FNC1 some scanners type
    fields = _split(text)
    gtin = fields.get("01")
    if gtin is not None and not gtin_is_valid(gtin):
        raise GS1Error(_("the GTIN (01) '{gtin}' is not 14 digits with a valid check digit")
                       .format(gtin=gtin))
    lot = fields.get("10")
    if lot is not None and not 1 <= len(lot) <= 20:
        raise GS1Error(_("the lot (10) must be 1 to 20 characters"))
    expiry = gs1_date(fields["17"], today) if "17" in fields else None
    if gtin is None and lot is None and expiry is None:
        raise GS1Error(_("the code carries no GTIN (01), lot (10) or expiry (17)"))
    return GS1Code(gtin=gtin, lot=lot, expiry=expiry, fields=fields)
