"""The app and a command beside it on one database: every acknowledged save survives.

With two copies of SQLite in the app's process (the first version read its first rows
with Python's built-in sqlite3 beside sqlcipher3), closing one dropped the process's
POSIX locks; a command run beside the app then deleted the write-ahead log on exit, and
the app's later saves went into a deleted file, lost at the next crash. This test runs
the real app in its own process, writes from the command line beside it, writes from
the app, kills the app with SIGKILL and looks for every save.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mesodesk", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


def read_line(child: subprocess.Popen, wanted: str) -> list[str]:
    """The child's lines up to and including the first that starts with ``wanted``."""
    lines = []
    while True:
        line = child.stdout.readline()
        assert line, f"the app stopped before {wanted!r}: {lines} {child.stderr.read()}"
        lines.append(line.strip())
        if line.startswith(wanted):
            return lines


def test_every_acknowledged_save_survives_a_command_beside_the_app_and_a_kill(tmp_path):
    database = tmp_path / "clinic.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("MESODESK_DB", None)
    first = run_cli("import", str(EXAMPLES / "format-example.json"), "--db", str(database), env=env)
    assert first.returncode == 0, first.stderr

    go = tmp_path / "go"
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("app_child.py")),
                              str(database), str(go)], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_line(child, "READY")  # the window shows its rows from the open database
        beside = run_cli("import", str(EXAMPLES / "skin-rejuvenation.json"), "--db",
                         str(database), env=env)
        assert beside.returncode == 0, beside.stderr
        imported = int(beside.stdout.splitlines()[-1])
        go.touch()
        lines = read_line(child, "DONE")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(TIMEOUT)
    acknowledged = [int(line.split()[1]) for line in lines if line.startswith("ACK")]
    assert len(acknowledged) == 5

    check = ("import sys\nfrom mesodesk.services.records import open_records\n"
             "db = open_records(sys.argv[1], migrate=False)\n"
             "print(' '.join(str(p.id) for p in db.patients.search('', limit=1000)))\n"
             "print(db.consultations.get(int(sys.argv[2])).id)\n")
    after = subprocess.run([sys.executable, "-c", check, str(database), str(imported)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert after.returncode == 0, after.stderr
    stored = {int(number) for number in after.stdout.splitlines()[0].split()}
    assert set(acknowledged) <= stored, f"lost saves: {set(acknowledged) - stored}"
    assert after.stdout.splitlines()[1] == str(imported)
