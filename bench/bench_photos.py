"""Photographs at scale: the database stays usable with many gigabytes of images (issue 16).

    MESODESK_BENCH_PHOTO_GB=20 python bench/bench_photos.py    # default 0.2 GB

(never less than patient 1's 200 photographs: about 0.7 GB.)

The clinic is written once to bench/data/photos-<GB>.db: 1,000 patients, patient 1 with 200
photographs, the rest of the images spread over the others (50 each) until the images reach
the size asked for. The images are random-noise JPEGs of 2,400 x 1,800 px (noise does not
compress, about 2.5 MB each, like a real photograph at mesodesk's limit), each with its
256 px thumbnail; a pool of distinct images is made with Pillow and stored over and over
(the database keeps every copy). The rows go in with bulk inserts through the store's
tables (the triggers still run); unencrypted, for comparable runs.

Measures, in one process, interleaved with the baseline so a load falls on both alike:
- ``list_photos`` of the patient with 200 photographs (metadata only);
- opening that patient as the patient pane does: the record, the photo consent and the
  timeline (budget 100 ms, the one for a patient with 1,000 consultations);
- the first 24 thumbnails (what the timeline shows first).
Baseline: ``db.patients.get(id)``, one row by primary key through the same store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, report_absolute  # noqa: E402

PATIENTS = 1_000
TARGET_PHOTOS = 200
PER_OTHER_PATIENT = 50
POOL = 12  # distinct images
SIZE = (2400, 1800)
OPEN_BUDGET = 0.100
AREAS = ("face", "neck", "abdomen", "thighs")
VIEWS = ("front", "side", "back", "close-up")


def gigabytes() -> float:
    return float(os.environ.get("MESODESK_BENCH_PHOTO_GB", "0.2"))


def noise_jpegs(count: int, seed: int = 2026) -> list[tuple[bytes, bytes]]:
    """(image, thumbnail) pairs: random noise, re-encoded as mesodesk stores photographs."""
    from PIL import Image

    rng = random.Random(seed)
    pool = []
    for _ in range(count):
        picture = Image.frombytes("RGB", SIZE, rng.randbytes(SIZE[0] * SIZE[1] * 3))
        image, thumbnail = io.BytesIO(), io.BytesIO()
        picture.save(image, "JPEG", quality=88)
        picture.thumbnail((256, 256))
        picture.save(thumbnail, "JPEG", quality=80)
        pool.append((image.getvalue(), thumbnail.getvalue()))
    return pool


def build(path: Path, target_bytes: float) -> None:
    from bench.make_clinic import patient
    from mesodesk.store import open_database
    from mesodesk.store import tables as t
    from mesodesk.store.repositories import clean_patient

    rng = random.Random(16)
    pool = noise_jpegs(POOL)
    average = statistics.mean(len(image) for image, _thumb in pool)
    total = max(TARGET_PHOTOS, round(target_bytes / average))
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    db = open_database(str(path), unencrypted=True)
    now = dt.datetime.now(dt.timezone.utc)
    started = time.monotonic()
    written = 0
    try:
        with db.writing() as connection:
            people = [{**clean_patient(patient(rng)), "created_at": now, "updated_at": now}
                      for _ in range(PATIENTS)]
            connection.execute(t.patients.insert(), people)
            connection.execute(t.photo_consents.insert(), [
                {"patient_id": number, "given": True, "on_date": dt.date(2024, 1, 1),
                 "actor": "bench", "recorded_at": now} for number in range(1, PATIENTS + 1)])
        for first in range(0, total, 100):  # one transaction per 100 images (~250 MB)
            rows = []
            for index in range(first, min(first + 100, total)):
                owner = 1 if index < TARGET_PHOTOS else \
                    2 + (index - TARGET_PHOTOS) // PER_OTHER_PATIENT % (PATIENTS - 1)
                image, thumbnail = pool[index % POOL]
                rows.append({"patient_id": owner, "area": AREAS[index % 4],
                             "view": VIEWS[index // 4 % 4], "session_id": None,
                             "taken_on": dt.date(2024, 1, 1) + dt.timedelta(days=index % 700),
                             "width": SIZE[0], "height": SIZE[1],
                             "image_sha256": hashlib.sha256(image).hexdigest(),
                             "added_at": now, "image": image, "thumbnail": thumbnail})
                written += len(image) + len(thumbnail)
            with db.writing() as connection:
                connection.execute(t.photos.insert(), rows)
    finally:
        db.close()
    print(f"built {path.name}: {total} photographs, {written / 1e9:.2f} GB of image data, "
          f"in {time.monotonic() - started:.0f} s", file=sys.stderr)


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def measure(path: Path) -> dict[str, list[float]]:
    from mesodesk.services import photos as ph
    from mesodesk.store import open_database

    rng = random.Random(7)
    db = open_database(str(path), migrate=False)

    def open_patient() -> None:
        db.patients.get(1)
        ph.photo_consent(db, 1)
        groups = ph.timeline(db, 1)
        assert sum(len(photos) for photos in groups.values()) == TARGET_PHOTOS

    first = [p.id for p in ph.list_photos(db, 1)][:24]
    calls = {
        "list": lambda: ph.list_photos(db, 1),
        "open": open_patient,
        "thumbnails": lambda: [ph.thumbnail_bytes(db, photo_id) for photo_id in first],
        "baseline": lambda: db.patients.get(rng.randrange(PATIENTS) + 1),
    }
    try:
        for call in calls.values():  # warm the page cache
            call()
        times: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(40):
            for name, call in calls.items():
                times[name].append(timed(call))
    finally:
        db.close()
    return times


def main(argv: list[str] | None = None) -> bool:
    size = gigabytes()
    path = BENCH / "data" / f"photos-{size:g}.db"
    if not path.exists():
        build(path, size * 1e9)
    times = measure(path)
    on_disk = path.stat().st_size / 1e9
    base = statistics.median(times["baseline"])
    print(f"photographs: {on_disk:.2f} GB database file, a patient with {TARGET_PHOTOS} "
          f"photographs")
    for name, label in (("list", "list_photos, metadata of 200 (median)"),
                        ("thumbnails", "the first 24 thumbnails (median)")):
        median = statistics.median(times[name])
        print(f"{label:<58} {median * 1000:9.2f} ms  ratio {median / base:6.1f}")
    opened = statistics.median(times["open"])
    ok = report_absolute("open the patient: record, consent, timeline (median)", opened,
                         OPEN_BUDGET)
    ok = report_absolute("open the patient, 95th percentile",
                         statistics.quantiles(times["open"], n=20)[-1], OPEN_BUDGET) and ok
    print(f"{'baseline: one patient by primary key, median':<58} {base * 1000:9.2f} ms  "
          f"ratio {opened / base:6.1f}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
