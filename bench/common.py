"""Shared helpers for the benchmarks: run a child process several times, take medians.

Every benchmark measures its bare baseline in the same run, on the same machine, and
prints the ratio, because absolute times on shared machines drift.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


@dataclass
class Run:
    marks: dict[str, float]  # seconds from process start to each printed mark
    peak_rss_mb: float


def run_marked(argv: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """Start a child that prints 'MARK name <time.time()>' lines; time each mark from spawn."""
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **(env or {})}
    # A user's machine keeps compiled bytecode; without it every start recompiles.
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=child_env, cwd=ROOT)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    marks = {}
    for line in out.splitlines():
        if line.startswith("MARK "):
            _, name, stamp = line.split()
            marks[name] = float(stamp) - started
    if process.returncode != 0 or not marks:
        raise RuntimeError(f"{argv} failed ({process.returncode}):\n{err[-2000:]}")
    peak = next((float(line.split()[1]) for line in out.splitlines() if line.startswith("PEAK ")), 0.0)
    return Run(marks, peak)


def median_runs(argv: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[dict[str, float], float]:
    """Median time of each mark and median peak memory over several runs (after a warm-up)."""
    run_marked(argv, env)  # warm the file cache
    results = [run_marked(argv, env) for _ in range(runs)]
    names = results[0].marks
    marks = {name: statistics.median(r.marks[name] for r in results) for name in names}
    return marks, statistics.median(r.peak_rss_mb for r in results)


def interleaved_medians(commands: dict[str, tuple[list[str], dict[str, str] | None]], runs: int
                        ) -> dict[str, tuple[dict[str, float], float]]:
    """Run each command once per round, in turn, for several rounds: a load that comes
    and goes on a shared machine then falls on every command alike."""
    for argv, env in commands.values():
        run_marked(argv, env)  # warm the file cache
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            results[name].append(run_marked(argv, env))
    medians = {}
    for name, runs_of in results.items():
        marks = {mark: statistics.median(r.marks[mark] for r in runs_of) for mark in runs_of[0].marks}
        medians[name] = (marks, statistics.median(r.peak_rss_mb for r in runs_of))
    return medians


def python() -> str:
    return sys.executable


def report(name: str, measure: float, baseline: float, budget: float, unit: str = "ms") -> bool:
    ratio = measure / baseline if baseline else float("inf")
    ok = ratio <= budget
    scale = 1000 if unit == "ms" else 1
    print(f"{name:<58} {measure * scale:9.1f} {unit}  baseline {baseline * scale:9.1f} {unit}  "
          f"ratio {ratio:5.2f} (budget {budget:.2f}) {'OK' if ok else 'OVER'}")
    return ok


def report_absolute(name: str, measure_s: float, budget_s: float) -> bool:
    ok = measure_s <= budget_s
    print(f"{name:<58} {measure_s * 1000:9.2f} ms  budget {budget_s * 1000:.0f} ms {'OK' if ok else 'OVER'}")
    return ok
