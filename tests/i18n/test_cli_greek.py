"""The command line in the app's language: its help, from a real process."""

from __future__ import annotations

import os
import subprocess
import sys


def run(*args: str, language: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MESODESK_LANGUAGE": language}
    return subprocess.run([sys.executable, "-m", "mesodesk", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_help_in_greek():
    result = run("--help", language="el")
    assert result.returncode == 0
    assert "Βοηθός επισκέψεων για ιατρούς" in result.stdout
    assert "έναρξη της εφαρμογής σε προσωρινή βάση" in result.stdout


def test_a_subcommands_help_in_either_language():
    assert "a stored consultation instead of a file" in run("plan", "--help", language="en").stdout
    assert "μια αποθηκευμένη επίσκεψη αντί για αρχείο" in run("plan", "--help", language="el").stdout
