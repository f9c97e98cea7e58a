"""At clinic scale: searching 10,000 patients, on every backend. (Timings are measured by
the benchmarks, not asserted here.)"""

from __future__ import annotations

import datetime as dt
import random

from mesodesk.domain.records import NewPatient

GREEK_FIRST = ["Γιώργος", "Μαρία", "Δημήτρης", "Κατερίνα", "Νίκος", "Σοφία", "Κώστας", "Άννα",
               "Γιάννης", "Ευαγγελία", "Παναγιώτης", "Χριστίνα", "Ελένα", "Ελευθερία"]
GREEK_LAST = ["Παπαδάκης", "Παπαδάκη", "Ιωάννου", "Γεωργίου", "Νικολάου", "Οικονόμου",
              "Παπαδόπουλος", "Βασιλείου", "Αθανασίου", "Πετρόπουλος", "Καραγιάννη"]
LATIN_FIRST = ["José", "María", "Zoë", "François", "Anna", "Łukasz", "Søren", "Ana", "Eleni"]
LATIN_LAST = ["Núñez", "García", "Müller", "O'Brien", "Schmidt", "Dubois", "Nowak", "Papadopoulou"]
TARGET = "Ελένη Παπαδοπούλου"


def crowd(size: int, seed: int = 4) -> list[NewPatient]:
    rng = random.Random(seed)
    people = []
    for index in range(size):
        if index % 2:
            name = f"{rng.choice(GREEK_FIRST)} {rng.choice(GREEK_LAST)}"
        else:
            name = f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(25_000))
        people.append(NewPatient(name=name, date_of_birth=born,
                                 phone=f"+30 69{rng.randrange(10**8):08d}"))
    return people


def test_a_greek_name_without_accents_is_found_among_ten_thousand(db) -> None:
    people = crowd(9_996)
    # the one we look for, and three that must not be confused with her
    people[5_000:5_000] = [
        NewPatient(name=TARGET, date_of_birth=dt.date(1988, 4, 12), phone="+30 210 555 0123"),
        NewPatient(name="Ελένη Παπαδάκη", date_of_birth=dt.date(1979, 9, 9)),
        NewPatient(name="Έλενα Παπαδοπούλου", date_of_birth=dt.date(1991, 3, 3)),
        NewPatient(name="ΕΛΈΝΗ ΠΑΠΑΔΟΠΟΎΛΟΥ-ΓΕΩΡΓΊΟΥ", date_of_birth=dt.date(1960, 1, 1)),
    ]
    db.patients.create_many(people)
    assert db.patients.count() == 10_000

    found = db.patients.search("ελενη παπαδοπουλου")
    # the Greek names, and the same name written in Latin letters (search crosses scripts)
    greek = [p.name for p in found if not p.name.isascii()]
    assert greek == [TARGET, "ΕΛΈΝΗ ΠΑΠΑΔΟΠΟΎΛΟΥ-ΓΕΩΡΓΊΟΥ"]
    assert {p.name for p in found if p.name.isascii()} <= {"Eleni Papadopoulou"}
    latin_twins = sum(1 for p in people if p.name == "Eleni Papadopoulou")
    assert latin_twins and db.patients.count("ελενη παπαδοπουλου") == 2 + latin_twins
    assert [p.name for p in db.patients.search("ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ")] == [p.name for p in found]
    assert {p.name for p in db.patients.search("παπαδοπουλου", limit=1_000)} == {
        TARGET, "Έλενα Παπαδοπούλου", "ΕΛΈΝΗ ΠΑΠΑΔΟΠΟΎΛΟΥ-ΓΕΩΡΓΊΟΥ"} | {
        p.name for p in people if p.name.endswith("Papadopoulou")}
    # the Latin spelling finds her too, and Ελένη Παπαδάκη is not confused with her
    eleni = {p.name for p in db.patients.search("eleni papadopoulou", limit=1_000)}
    assert TARGET in eleni and "Ελένη Παπαδάκη" not in eleni
    assert [p.name for p in db.patients.search("210 555 0123")] == [TARGET]
    assert TARGET in [p.name for p in db.patients.search("12/04/1988")]
    # paging through everyone returns every patient once, in name order
    seen, offset = [], 0
    while page := db.patients.search(limit=2_500, offset=offset):
        seen.extend(page)
        offset += len(page)
    assert len(seen) == 10_000 and len({p.id for p in seen}) == 10_000
    keys = [p.name for p in seen]
    from mesodesk.store.search import search_key

    assert [search_key(k) for k in keys] == sorted(search_key(k) for k in keys)
    assert db.audit.verify().ok
