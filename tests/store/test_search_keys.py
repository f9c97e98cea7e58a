"""Search keys: the normalization the search box relies on (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.store.search import latin_key, parse_date, parse_query, phone_digits, search_key


@pytest.mark.parametrize(("typed", "stored"), [
    ("ελενη", "Ελένη"),
    ("ΕΛΕΝΗ", "ελένη"),
    ("jose", "José"),
    ("nunez", "Núñez"),
    ("οδυσσεας", "Οδυσσέας"),      # final sigma ς folds into σ
    ("ΟΔΥΣΣΕΑΣ", "οδυσσέας"),
    ("strasse", "Straße"),
    ("lukasz", "Łukasz"),
    ("soren", "Søren"),
    ("obrien", "O'Brien"),
    ("jean pierre", "Jean-Pierre"),
    ("zoe", "Zoë"),
    ("francois", "FRANÇOIS"),
    ("иван", "Иван"),
])
def test_a_name_typed_without_accents_or_case_has_the_same_key(typed: str, stored: str) -> None:
    assert search_key(typed) == search_key(stored)


def test_keys_keep_different_names_apart() -> None:
    assert search_key("Ελένη") != search_key("Ελένα")
    assert search_key("José") != search_key("Josef")


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert search_key("  Maria   del  Carmen ") == "maria del carmen"


def test_phone_digits_in_any_script() -> None:
    assert phone_digits("+30 (210) 000-0000") == "302100000000"
    assert phone_digits("٠١٢٣") == "0123"  # Arabic-Indic digits
    assert phone_digits(None) == ""


@pytest.mark.parametrize(("typed", "expected"), [
    ("1988-04-12", dt.date(1988, 4, 12)),
    ("12/04/1988", dt.date(1988, 4, 12)),
    ("12.4.1988", dt.date(1988, 4, 12)),
    ("31/02/1988", None),
    ("Ελένη", None),
])
def test_dates_typed_in_the_search_box(typed: str, expected: dt.date | None) -> None:
    assert parse_date(typed) == expected


def test_a_query_says_what_it_asks_for() -> None:
    query = parse_query("  Ελένη  Παπα ")
    assert query.words == ("eleni", "papa") and query.date_of_birth is None and not query.phone
    assert parse_query("+30 210 000").phone == "30210000"
    assert parse_query("12").phone == ""  # too short to be a phone search
    assert parse_query("1988-04-12").date_of_birth == dt.date(1988, 4, 12)
    assert parse_query("").empty


@pytest.mark.parametrize(("greek", "latin"), [
    # ELOT 743, as Greek passports write names
    ("Ελένη Παπαδοπούλου", "eleni papadopoulou"),
    ("Γεώργιος", "georgios"),
    ("Χρήστος", "christos"),
    ("Κωνσταντίνος", "konstantinos"),
    ("Ξανθή Ψαρρά", "xanthi psarra"),
    ("Άγγελος", "angelos"),            # γγ is ng
    ("Ευαγγελία", "evangelia"),        # ευ before a vowel is ev
    ("Ευθυμίου", "efthymiou"),         # ευ before θ is ef
    ("Αύγουστος", "avgoustos"),        # αυ before a voiced consonant is av
    ("Ευστάθιος", "efstathios"),
    ("Ταΰγετος", "taygetos"),          # the diaeresis keeps α and υ apart
    ("ΣΠΥΡΟΣ", "spyros"),
    ("José Núñez", "jose nunez"),      # Latin names keep their letters
])
def test_greek_names_have_a_latin_key(greek: str, latin: str) -> None:
    assert latin_key(greek) == latin


def test_a_latin_name_typed_in_greek_letters_meets_it() -> None:
    assert latin_key("Ελένη") == latin_key("Eleni") == latin_key("ελενη")
