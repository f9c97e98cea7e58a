"""Make a realistic clinic database for the benchmarks.

    python bench/make_clinic.py N [--db PATH]

N patients with names in several scripts (Greek, accented Latin, Cyrillic, plain
English), dates of birth and phones, each with 1 to 8 consultations made through the
real repositories (drafts, finalized ones, some not treated), some with a signed consent.
Deterministic: the same N gives the same clinic. Default path: bench/data/clinic-N.db.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST = {
    "greek": ["Ελένη", "Γιώργος", "Μαρία", "Νίκος", "Δήμητρα", "Κώστας", "Σοφία", "Ιωάννης", "Αικατερίνη", "Παναγιώτης"],
    "latin": ["José", "Zoë", "Renée", "François", "Łucja", "Ana", "Søren", "Inés", "Björn", "Chloé"],
    "cyrillic": ["Анна", "Иван", "Ольга", "Дмитрий", "Татьяна", "Сергей"],
    "english": ["Emma", "Oliver", "Sophie", "James", "Grace", "Thomas", "Lucy", "Henry"],
}
LAST = {
    "greek": ["Παπαδοπούλου", "Νικολάου", "Ιωάννου", "Γεωργίου", "Κωνσταντίνου", "Δημητρίου", "Οικονόμου"],
    "latin": ["Álvarez Núñez", "Müller", "Dubois", "Kowalska", "Ødegård", "García", "Rossi", "Lefèvre"],
    "cyrillic": ["Иванова", "Петров", "Смирнова", "Кузнецов"],
    "english": ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "O'Neill"],
}
SCRIPTS = ["greek", "greek", "latin", "latin", "english", "cyrillic"]
CONCERNS = ["cellulite", "localized-fat", "skin-rejuvenation", "hair-loss"]
HISTORY = ["anticoagulants", "allergy-soy", "cardiac-arrhythmia", "keloid-tendency", "recent-nsaids", "allergy-venom"]
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")


def patient(rng: random.Random):
    from mesodesk.domain.records import NewPatient

    script = rng.choice(SCRIPTS)
    name = f"{rng.choice(FIRST[script])} {rng.choice(LAST[script])}"
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    phone = f"+30 69{rng.randrange(10_000_000, 99_999_999)}"
    return NewPatient(name=name, date_of_birth=born, sex=rng.choice(["female", "male", None]), phone=phone)


def consultation(rng: random.Random, record, day: dt.date, kb):
    from mesodesk.domain.document import parse_consultation

    concerns = rng.sample(CONCERNS, rng.choice([1, 1, 1, 2]))
    data = {
        "format": "mesodesk.consultation/2", "date": day.isoformat(), "history_reviewed": True,
        "patient": {"name": record.name, "date_of_birth": record.date_of_birth.isoformat()},
        "concerns": concerns, "areas": ["thighs"] if "cellulite" in concerns else ["face"],
        "history": rng.sample(HISTORY, rng.choice([0, 0, 1, 2])),
        "lifestyle": rng.sample(["smoking", "diet", "sun-exposure"], rng.choice([0, 1, 2])),
        "notes": "Routine follow-up." if rng.random() < 0.3 else "",
    }
    return parse_consultation(data, kb)


def make_clinic(count: int, path: Path, seed: int = 2026, per_patient: tuple[int, int] = (1, 8),
                progress: bool = True):
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.domain.screening import screen
    from mesodesk.store import open_database

    kb = default_knowledge()
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    db = open_database(str(path), unencrypted=True)  # comparable runs, no key store needed
    started = time.monotonic()
    batch = 1000
    made = 0
    for first in range(0, count, batch):
        records = db.patients.create_many([patient(rng) for _ in range(min(batch, count - first))], actor="bench")
        for record in records:
            for n in range(rng.randint(*per_patient)):
                day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 2400))
                doc = consultation(rng, record, day, kb)
                saved = db.consultations.save_draft(record.id, doc, actor="bench")
                if screen(doc, kb).blocked:
                    db.consultations.mark_not_treated(saved.id, doc, actor="bench")
                elif rng.random() < 0.85:
                    final = db.consultations.finalize(saved.id, doc, actor="bench")
                    if rng.random() < 0.2:
                        db.consents.record(final.id, b"%PDF-1.4 bench consent", doc.fingerprint(),
                                           dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.timezone.utc),
                                           actor="bench")
                made += 1
        if progress:
            print(f"\r{first + len(records)} patients, {made} consultations, "
                  f"{time.monotonic() - started:.0f} s", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db or Path(__file__).resolve().parent / "data" / f"clinic-{args.count}.db"
    make_clinic(args.count, path).close()
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
