"""A process killed in the middle of a save leaves the last committed data intact."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from tests.store.helpers import REPO

WRITER = textwrap.dedent("""
    import datetime as dt, json, sys
    from mesodesk.domain.document import parse_structure
    from mesodesk.domain.records import NewPatient
    from mesodesk.store import open_database

    location, passphrase, document, run = sys.argv[1], sys.argv[2] or None, sys.argv[3], sys.argv[4]
    plain = sys.argv[5] == "plain"  # the plain backend is plain by choice (new files are encrypted)
    doc = parse_structure(open(document, encoding="utf-8").read())
    db = open_database(location, passphrase, unencrypted=plain)
    round_ = 0
    while True:
        round_ += 1
        # one small save, then one large transaction: the kill lands inside one of them
        patient = db.patients.create(NewPatient(name=f"Single {run}-{round_}",
                                                date_of_birth=dt.date(1980, 1, 1)))
        draft = db.consultations.save_draft(patient.id, doc.with_changes(notes="n" * 20000))
        print(json.dumps({"single": patient.id, "draft": draft.id}), flush=True)
        batch = db.patients.create_many(
            [NewPatient(name=f"Batch {run}-{round_}-{i}", date_of_birth=dt.date(1990, 1, 1),
                        notes="b" * 500) for i in range(400)])
        print(json.dumps({"batch": round_, "size": len(batch)}), flush=True)
""")


def _kill_mid_save(backend, tmp_path, seed: int) -> list[dict]:
    import json

    document = REPO / "resources" / "examples" / "format-example.json"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, backend.location, backend.passphrase or "", str(document),
         str(seed), "plain" if backend.name == "sqlite" else "default"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed: list[dict] = []
    try:
        wanted = random.Random(seed).randint(4, 12)
        deadline = time.monotonic() + 120
        while len(committed) < wanted and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"the writer stopped early: {child.stderr.read()}")
            committed.append(json.loads(line))
        time.sleep(random.Random(seed).uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        # lines printed before the kill are commits too
        committed.extend(json.loads(line) for line in child.stdout.read().splitlines() if line)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return committed


def test_a_process_killed_mid_save_leaves_the_committed_data_intact(backend, tmp_path, kb) -> None:
    singles, batches = [], []
    for seed in range(3):  # three kills at different moments, each on top of the last
        for entry in _kill_mid_save(backend, tmp_path, seed):
            (singles if "single" in entry else batches).append(entry)
        if backend.name != "postgresql":
            with backend.raw() as raw:
                assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with backend.open() as db:
            for entry in singles:
                patient = db.patients.get(entry["single"])
                assert patient.name.startswith("Single ")
                draft = db.consultations.get(entry["draft"])
                assert draft.patient_id == patient.id and draft.document.notes == "n" * 20000
            names = [p.name for p in db.patients.search(limit=10_000)]
            assert len(names) == len(set(names))
            batch_names = [name for name in names if name.startswith("Batch ")]
            # every batch is whole or absent: a killed transaction leaves no part of itself
            assert len(batch_names) % 400 == 0
            assert len(batch_names) >= 400 * len(batches)
            report = db.audit.verify()
            assert report.ok, report.problems
    assert len(singles) >= 3 and len(batches) >= 3
