"""Nothing typed is lost (issue 13): the draft is saved as the practitioner types, so a
kill -9 a moment after typing, without leaving the page, keeps what was typed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.gui.draft_child import CLINICAL, GOALS
from tests.gui.test_two_processes import ROOT, TIMEOUT, read_line, run_cli

NOTES = "Takes apixaban 5 mg twice daily. <b>&</b> Ελληνικά 🙂"


def test_notes_typed_on_a_page_survive_a_kill_without_leaving_it(tmp_path):
    database = tmp_path / "clinic.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("MESODESK_DB", None)
    stored = run_cli("import", str(EXAMPLES / "format-example.json"), "--db", str(database),
                     env=env)
    assert stored.returncode == 0, stored.stderr
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("draft_child.py")),
                              str(database), NOTES], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_line(child, "TYPED")
        time.sleep(2.5)  # the draft is saved within a second of the last keystroke
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(TIMEOUT)
    check = ("import sys\nfrom mesodesk.services.records import open_records\n"
             "db = open_records(sys.argv[1], migrate=False)\n"
             "draft = db.consultations.latest_draft()\n"
             "sys.stdout.buffer.write(draft.document.to_json().encode())\n")
    after = subprocess.run([sys.executable, "-c", check, str(database)], cwd=ROOT, env=env,
                           capture_output=True, timeout=TIMEOUT)
    assert after.returncode == 0, after.stderr
    draft = json.loads(after.stdout.decode())
    assert draft["history_notes"] == NOTES
    # the history answered: one yes, every other question no
    assert draft["history"] == ["anticoagulants"] and draft["history_reviewed"] is True
    assert draft["clinical_notes"] == CLINICAL
    # typed on the concerns page, which was never left: saved as typed
    assert draft["goals"] == GOALS
    assert draft["patient"]["weight_kg"] == 62.5
    assert draft["patient"]["language"] == "el" and draft["language"] == "el"
