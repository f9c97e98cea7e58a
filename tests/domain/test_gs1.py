"""GS1 codes as a hand scanner types them: GTIN (01), lot (10), expiry (17)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.gs1 import GS1Error, gs1_date, gtin_is_valid, parse_gs1

GS = "\x1d"
TODAY = dt.date(2026, 12, 1)
# GS1's own example GTIN (GS1 General Specifications, the DataMatrix examples).
GTIN = "09506000134352"


def test_gs1s_example_gtin_has_a_valid_check_digit():
    assert gtin_is_valid(GTIN)
    assert not gtin_is_valid("09506000134353")
    assert not gtin_is_valid("0950600013435")


@pytest.mark.parametrize("scanned", [
    f"]d201{GTIN}1727063010LD2291",            # DataMatrix, lot last: no separator needed
    f"]C101{GTIN}10LD2291{GS}17270630",        # GS1-128, lot first, ended by FNC1
    f"01{GTIN}10LD2291{GS}17270630\r\n",       # no symbology prefix, Enter at the end
    f"{GS}01{GTIN}17270630{GS}10LD2291",       # a leading FNC1, a needless separator
    f"(01){GTIN}(17)270630(10)LD2291",         # the human-readable line under the code
])
def test_the_gtin_lot_and_expiry_are_read_whatever_the_order(scanned):
    code = parse_gs1(scanned, today=TODAY)
    assert (code.gtin, code.lot, code.expiry) == (GTIN, "LD2291", dt.date(2027, 6, 30))
    assert code.expiry_text == "2027-06-30"


def test_other_application_identifiers_are_skipped():
    # serial (21, variable), production date (11, fixed), then the lot.
    code = parse_gs1(f"]d201{GTIN}21SN-0001{GS}1126060110A1B2{GS}17280229", today=TODAY)
    assert code.fields["21"] == "SN-0001" and code.fields["11"] == "260601"
    assert (code.lot, code.expiry) == ("A1B2", dt.date(2028, 2, 29))


def test_day_00_is_the_last_day_of_the_month():
    assert gs1_date("270200", TODAY) == dt.date(2027, 2, 28)
    assert gs1_date("280200", TODAY) == dt.date(2028, 2, 29)


def test_the_century_slides_as_gs1_says():
    assert gs1_date("991231", TODAY) == dt.date(1999, 12, 31)  # 73 years ahead: the past
    assert gs1_date("751231", TODAY) == dt.date(2075, 12, 31)  # 49 ahead: the future


@pytest.mark.parametrize("scanned, words", [
    ("", "nothing was scanned"),
    (f"01{GTIN[:-1]}9", "check digit"),
    ("01123", "cut short"),
    (f"01{GTIN}17271340", "not a real date"),
    (f"01{GTIN}17ABCDEF", "six digits"),
    ("hello world", "no application identifier"),
    ("Καφεΐνη <b>&", "no application identifier"),
    (f"10{'L' * 21}", "1 to 20"),
    ("21ONLY-A-SERIAL", "no GTIN"),
    (f"10A{GS}10B", "twice"),
    ("(01)x(", "parentheses"),
])
def test_what_cannot_be_read_says_why(scanned, words):
    with pytest.raises(GS1Error) as caught:
        parse_gs1(scanned, today=TODAY)
    assert words in str(caught.value)


def test_a_huge_scan_is_refused_before_parsing():
    with pytest.raises(GS1Error, match="longer than"):
        parse_gs1("10" + "A" * 100_000)
