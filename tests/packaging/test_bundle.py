"""The standalone app: the smoke test from source, and the PyInstaller bundle built and
started with no Python environment on the path (issue 6)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_test_passes_from_source(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mesodesk", "--smoke-test"], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok  ") == 4 and "smoke test passed" in result.stdout


def test_smoke_test_names_the_step_that_fails(tmp_path):
    # A knowledge base that does not load: the first step must fail with its reason.
    overlay = tmp_path / "home" / "config" / "knowledge"
    overlay.mkdir(parents=True)
    (overlay / "substances.toml").write_text("[[substance]]\nid = 'caffeine'\n", encoding="utf-8")
    script = ("import os, sys; os.environ['MESODESK_HOME'] = sys.argv[1]\n"
              "from mesodesk.commands import smoke\n"
              "smoke.tempfile.TemporaryDirectory = lambda prefix: __import__('contextlib').nullcontext(sys.argv[1])\n"
              "sys.exit(smoke.smoke_test(None))")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "home")], cwd=ROOT,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "smoke test FAILED: database created and migrated; example imported" in result.stderr
    assert "knowledge base is invalid" in result.stderr


@pytest.mark.slow
@pytest.mark.bundle
def test_bundle_builds_and_passes_its_smoke_test(tmp_path):
    if shutil.which("make") is None:
        pytest.fail("make is needed to build the bundle")
    build = subprocess.run(["make", "bundle"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "bundle:" in build.stdout and "MB" in build.stdout
    executable = ROOT / "dist" / "mesodesk" / "mesodesk"
    assert executable.exists()
    # No Python environment on the path: only the system directories, no PYTHON* variables.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "LANG": "C.UTF-8"}
    result = subprocess.run([str(executable), "--smoke-test"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    version = subprocess.run([str(executable), "--version"], env=env, capture_output=True, text=True)
    assert version.stdout.startswith("mesodesk ")
    # the compiled Greek catalogue travels in the bundle and is found there
    greek = subprocess.run([str(executable), "--help"], env={**env, "MESODESK_LANGUAGE": "el"},
                           capture_output=True, text=True)
    assert "Βοηθός επισκέψεων" in greek.stdout, greek.stdout + greek.stderr
