"""Start-up against a bare PySide6 window, measured the same way in the same run.

(a) process start until the main window is painted with its search box ready: <= 1.6x bare;
(b) until the patient list shows its first rows: <= 2.5x bare;
(d) until the toolbar's actions are enabled (database open, knowledge loaded): <= 4.0x bare;
(c) the same on a 100-patient database, to show the cost does not grow with the clinic:
    the two clinics within 1.1x of each other; peak memory <= 2.5x the bare script's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, interleaved_medians, python  # noqa: E402
from bench.make_clinic import make_clinic  # noqa: E402

RUNS = 15
# The large clinic: 100,000 patients, unless MESODESK_BENCH_PATIENTS says otherwise (making
# it takes about half an hour on 2 quiet cores; a smaller one shows the trend sooner).
LARGE = int(os.environ.get("MESODESK_BENCH_PATIENTS", "100000"))


def clinic(count: int) -> Path:
    path = BENCH / "data" / f"clinic-{count}.db"
    if not path.exists():
        print(f"making a {count}-patient clinic in {path} (once)...", file=sys.stderr)
        make_clinic(count, path).close()
    return path


def line(name: str, value: float, base: float, budget: float, unit: str = "ms") -> bool:
    ratio = value / base
    ok = ratio <= budget
    shown = f"{value * 1000:8.1f} ms" if unit == "ms" else f"{value:8.1f} MB"
    base_shown = f"{base * 1000:8.1f} ms" if unit == "ms" else f"{base:8.1f} MB"
    print(f"{name:<58} {shown}  baseline {base_shown}  ratio {ratio:5.2f} (budget {budget:.2f}) "
          f"{'OK' if ok else 'OVER'}")
    return ok


def main(large: int = LARGE, small: int = 100) -> bool:
    big_db, small_db = clinic(large), clinic(small)
    env = {"MESODESK_EXIT_AFTER": "ready", "MESODESK_HOME": str(BENCH / "data" / "home")}
    medians = interleaved_medians({
        "bare": ([python(), str(BENCH / "bare_window.py")], None),
        "big": ([python(), str(BENCH / "mesodesk_marked.py"), "--db", str(big_db)], env),
        "little": ([python(), str(BENCH / "mesodesk_marked.py"), "--db", str(small_db)], env),
    }, RUNS)
    (bare, bare_peak), (big, big_peak), (little, little_peak) = (
        medians["bare"], medians["big"], medians["little"])
    base = bare["painted"]
    ok = [
        line(f"(a) window painted, {large:,} patients", big["painted"], base, 1.6),
        line(f"(b) first rows shown, {large:,} patients", big["rows"], base, 2.5),
        line(f"(d) actions enabled, {large:,} patients", big["ready"], base, 4.0),
        line(f"(a) window painted, {small:,} patients", little["painted"], base, 1.6),
        line(f"(b) first rows shown, {small:,} patients", little["rows"], base, 2.5),
        line(f"(d) actions enabled, {small:,} patients", little["ready"], base, 4.0),
        line(f"(c) painted, {large:,} vs {small:,} patients", big["painted"], little["painted"], 1.1),
        line(f"(c) first rows, {large:,} vs {small:,} patients", big["rows"], little["rows"], 1.1),
        line(f"    peak memory, {large:,} patients", big_peak, bare_peak, 2.5, unit="MB"),
        line(f"    peak memory, {small:,} patients", little_peak, bare_peak, 2.5, unit="MB"),
    ]
    return all(ok)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
