"""Recall: "which patients received lot X?" at 100,000 patients and 500,000 sessions.

    python bench/bench_recall.py [--patients N] [--sessions M]

The clinic is written once to bench/data/recall-N-M.db (a few minutes): patients, one or two
finalized consultations each, sessions with two products each, lots drawn from 5,000 (about
200 uses per lot, as a busy product would have). The rows go in with bulk inserts through the
store's tables, in one transaction (the checks and the audit trail are the application's
and are measured elsewhere; the triggers still run).

Measure: ``db.sessions.recall(lot)`` for 60 random lots, median and 95th percentile.
Baseline, in the same run and the same process: ``db.patients.get(id)`` (one row by primary
key through the same store: a connection, a read transaction, one indexed look-up).
Budget: 50 ms for the recall (issue 15), and the ratio printed beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, report_absolute  # noqa: E402

LOTS = 5_000
CHUNK = 20_000
BUDGET = 0.050
SUBSTANCES = [("caffeine", "Caffeine 2.5% 5 mL"), ("l-carnitine", "L-Carnitine 20% 5 mL"),
              ("lidocaine", "Lidocaine 2% 5 mL"), ("rutin", "Rutin 5 mL"),
              ("deoxycholic-acid", "Deoxycholic acid 10 mg/mL 2 mL")]


def _chunks(rows, size=CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _session(rng: random.Random, session_id: int, consultations: int, patients: int,
             numbers: dict[int, int], now: dt.datetime) -> tuple[dict, list[dict]]:
    consultation = rng.randrange(consultations) + 1
    number = numbers[consultation] = numbers.get(consultation, 0) + 1
    row = {"id": session_id, "consultation_id": consultation,
           "patient_id": 1 + (consultation - 1) % patients, "concern": "cellulite",
           "number": number, "date": dt.date(2024, 1, 8) + dt.timedelta(days=7 * number),
           "document": "{}", "fingerprint": f"{session_id:012x}", "correction_reason": "",
           "recorded_at": now}
    products = []
    for position in range(2):
        substance, product = rng.choice(SUBSTANCES)
        lot = f"LT{rng.randrange(LOTS):05d}"
        products.append({"session_id": session_id, "position": position,
                         "patient_id": row["patient_id"], "consultation_id": consultation,
                         "session_date": row["date"],
                         "substance": substance, "product": product,
                         "manufacturer": "Demo Pharma", "lot": lot, "lot_key": lot,
                         "expiry": "2027-06", "volume_ml": 2.0,
                         "concentration_mg_per_ml": None})
    return row, products


def build(path: Path, patients: int, sessions: int, seed: int = 2026) -> None:
    from bench.make_clinic import patient
    from mesodesk.store import open_database
    from mesodesk.store import tables as t
    from mesodesk.store.repositories import clean_patient

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    db = open_database(str(path), unencrypted=True)  # comparable runs, no key store needed
    now = dt.datetime.now(dt.timezone.utc)
    document = json.dumps({"format": "mesodesk.consultation/2", "date": "2024-01-01",
                           "patient": {"name": "x", "date_of_birth": "1980-01-01"},
                           "concerns": ["cellulite"]})
    started = time.monotonic()
    try:
        with db.writing() as connection:
            people = [{**clean_patient(patient(rng)), "created_at": now, "updated_at": now}
                      for _ in range(patients)]
            for chunk in _chunks(people):
                connection.execute(t.patients.insert(), chunk)
            consultations = [{"patient_id": 1 + i % patients, "date": dt.date(2024, 1, 1),
                              "concerns": "cellulite", "status": "final", "document": document,
                              "fingerprint": f"{i:012x}", "created_at": now, "updated_at": now,
                              "finalized_at": now}
                             for i in range(patients + patients // 2)]
            for chunk in _chunks(consultations):
                connection.execute(t.consultations.insert(), chunk)
            numbers: dict[int, int] = {}
            products = 0
            for first in range(1, sessions + 1, CHUNK):
                rows, items = [], []
                for session_id in range(first, min(first + CHUNK, sessions + 1)):
                    row, used = _session(rng, session_id, len(consultations), patients,
                                         numbers, now)
                    rows.append(row)
                    items += used
                connection.execute(t.sessions.insert(), rows)
                connection.execute(t.session_products.insert(), items)
                products += len(items)
    finally:
        db.close()
    print(f"built {path.name}: {patients} patients, {len(consultations)} consultations, "
          f"{sessions} sessions, {products} products in {time.monotonic() - started:.0f} s",
          file=sys.stderr)


def timed(call, arguments) -> list[float]:
    times = []
    for argument in arguments:
        start = time.perf_counter()
        call(argument)
        times.append(time.perf_counter() - start)
    return times


def measure(path: Path, patients: int) -> tuple[list[float], list[float], int]:
    from mesodesk.store import open_database

    rng = random.Random(7)
    lots = [f"LT{rng.randrange(LOTS):05d}" for _ in range(60)]
    ids = [rng.randrange(patients) + 1 for _ in range(60)]
    db = open_database(str(path), migrate=False)
    try:
        timed(db.sessions.recall, lots[:5])  # warm the page cache
        timed(db.patients.get, ids[:5])
        recall, baseline = [], []
        for lot, patient_id in zip(lots, ids, strict=True):  # interleaved: load falls alike
            recall += timed(db.sessions.recall, [lot])
            baseline += timed(db.patients.get, [patient_id])
        hits = len(db.sessions.recall(lots[0]))
    finally:
        db.close()
    return recall, baseline, hits


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=500_000)
    args = parser.parse_args(argv)
    path = BENCH / "data" / f"recall-{args.patients}-{args.sessions}.db"
    if not path.exists():
        build(path, args.patients, args.sessions)
    recall, baseline, hits = measure(path, args.patients)
    median, p95 = statistics.median(recall), statistics.quantiles(recall, n=20)[-1]
    base = statistics.median(baseline)
    print(f"recall of one lot ({hits} uses) at {args.patients:,} patients, "
          f"{args.sessions:,} sessions")
    ok = report_absolute("recall, median", median, BUDGET)
    ok = report_absolute("recall, 95th percentile", p95, BUDGET) and ok
    print(f"{'baseline: one patient by primary key, median':<58} {base * 1000:9.2f} ms  "
          f"ratio {median / base:5.1f}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
