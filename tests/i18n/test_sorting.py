"""Patient lists in the order a reader of the app's language expects: the collation Qt
(ICU/CLDR) applies for that language, Greek and Latin names in one list, page by page."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from PySide6.QtCore import QCollator, QLocale

from mesodesk.domain.records import NewPatient
from tests.store.helpers import make_backend

NAMES = ["Ελένη Παπαδοπούλου", "Anna Kowalska", "Άρης Οικονόμου", "Zoë Müller",
         "Ωραιόπουλος Σπύρος", "Björn Åkesson", "αλέξης βλάχος", "Émile Zola", "Σοφία Ρήγα",
         "Ирина Петрова", "Δημήτρης Αλεξίου", "José Núñez", "ήρα λάμπρου", "Carmen Domínguez",
         "Ζωή Καλογήρου"]


@pytest.fixture(params=("sqlite", "sqlcipher"))
def db(request, tmp_path, kb):
    with contextlib.ExitStack() as stack:
        database = make_backend(request.param, tmp_path, stack).open()
        stack.callback(database.close)
        for number, name in enumerate(NAMES):
            database.patients.create(NewPatient(name=name,
                                                date_of_birth=dt.date(1980, 1, 1 + number)))
        yield database


def collated(names: list[str], language: str) -> list[str]:
    return sorted(names, key=QCollator(QLocale(language)).sortKey)


@pytest.mark.parametrize("language", ["el", "en"])
def test_the_list_is_in_the_languages_collation(db, language):
    shown = [p.name for p in db.patients.search("", limit=100, language=language)]
    assert shown == collated(NAMES, language)


def test_greek_names_come_first_in_greek_and_after_latin_in_english(db):
    greek = [p.name for p in db.patients.search("", language="el")]
    english = [p.name for p in db.patients.search("", language="en")]
    assert greek[0] == "αλέξης βλάχος" and greek[-2:] == ["Zoë Müller", "Ирина Петрова"]
    assert english[0] == "Anna Kowalska" and english[-1] == "Ирина Петрова"


@pytest.mark.parametrize("language", ["el", "en"])
@pytest.mark.parametrize("page", [1, 2, 4, 7])
def test_pages_join_into_the_whole_list(db, language, page):
    whole = [p.name for p in db.patients.search("", limit=100, language=language)]
    joined = []
    for offset in range(0, len(NAMES) + page, page):
        joined += [p.name for p in db.patients.search("", limit=page, offset=offset,
                                                      language=language)]
    assert joined == whole


def test_a_search_keeps_the_order(db):
    from mesodesk.store.search import latin_key

    found = [p.name for p in db.patients.search("ou", language="el")]  # Greek ου and Latin ou
    assert found == collated([n for n in NAMES if "ou" in latin_key(n)], "el")
    assert len(found) > 2 and any(n.startswith("Ά") for n in found)
    found = [p.name for p in db.patients.search("αλεξ", language="el")]
    assert found == ["αλέξης βλάχος", "Δημήτρης Αλεξίου"]
