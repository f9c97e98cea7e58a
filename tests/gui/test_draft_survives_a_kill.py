"""Nothing typed is lost (issue 13): the draft is saved as the practitioner types, so a
kill -9 a moment after typing, without leaving the page, keeps what was typed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import EXAMPLES
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
             "sys.stdout.buffer.write(draft.document.history_notes.encode())\n")
    after = subprocess.run([sys.executable, "-c", check, str(database)], cwd=ROOT, env=env,
                           capture_output=True, timeout=TIMEOUT)
    assert after.returncode == 0, after.stderr
    assert after.stdout.decode() == NOTES
