"""One date parser: strict ISO for documents, the usual typed forms for people."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.dates import DateError, age_on, parse_date, parse_date_or_none, parse_datetime

APRIL_12 = dt.date(1988, 4, 12)


def test_strict_reads_exactly_iso():
    assert parse_date("1988-04-12") == APRIL_12
    assert parse_date(APRIL_12) is APRIL_12
    for text in ("12/04/1988", "1988-4-12", " 1988-04-12", "١٩٨٨-٠٤-١٢", ""):
        with pytest.raises(DateError, match="YYYY-MM-DD"):
            parse_date(text)
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_date(dt.datetime(1988, 4, 12, 10, 0))


@pytest.mark.parametrize("text", ["1988-04-12", " 1988-4-12 ", "12/04/1988", "12.4.1988", "12-04-1988"])
def test_typed_reads_iso_and_day_first(text):
    assert parse_date(text, "date_of_birth", typed=True) == APRIL_12


@pytest.mark.parametrize("text, words", [
    ("", "is required"),
    ("   ", "is required"),
    ("April 12", "YYYY-MM-DD"),
    ("12/04-1988", "YYYY-MM-DD"),  # one separator throughout
    ("1988-02-30", "not a real date"),
    ("31/04/1988", "not a real date"),
])
def test_typed_errors_say_what_was_wrong_and_name_the_field(text, words):
    with pytest.raises(DateError) as caught:
        parse_date(text, "date_of_birth", typed=True)
    assert caught.value.field == "date_of_birth"
    assert words in caught.value.message
    assert str(caught.value) == f"date_of_birth: {caught.value.message}"
    assert isinstance(caught.value, ValueError)


def test_without_a_field_the_message_stands_alone():
    with pytest.raises(DateError) as caught:
        parse_date("2026-02-30")
    assert str(caught.value) == "'2026-02-30' is not a real date"


def test_or_none_is_for_the_search_box():
    assert parse_date_or_none("12.04.1988") == APRIL_12
    assert parse_date_or_none("Ελένη") is None
    assert parse_date_or_none("1988-13-01") is None


def test_datetime_is_strict():
    assert parse_datetime("2026-11-20T10:00:00") == dt.datetime(2026, 11, 20, 10, 0)
    with pytest.raises(DateError, match="YYYY-MM-DDTHH:MM:SS") as caught:
        parse_datetime("2026-11-20", "signatures.signed_at")
    assert caught.value.field == "signatures.signed_at"
    with pytest.raises(DateError, match="not a real date and time"):
        parse_datetime("2026-11-20T25:00:00")


def test_age_in_whole_years():
    assert age_on(APRIL_12, dt.date(2006, 4, 11)) == 17
    assert age_on(APRIL_12, dt.date(2006, 4, 12)) == 18
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18
