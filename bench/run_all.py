"""`make bench`: every benchmark, each printing its measure, its baseline and the ratio.

The 100,000-patient clinic is made once (bench/make_clinic.py, about half an hour on a
2-core machine) and kept in bench/data/ for later runs; so is the recall clinic of 500,000
sessions (bench/bench_recall.py, a few minutes), and so is the photographs' clinic
(bench/bench_photos.py; MESODESK_BENCH_PHOTO_GB sets its size, 0.2 GB by default).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_gui, bench_pdf, bench_photos, bench_recall, bench_startup  # noqa: E402


def main() -> int:
    results = []
    for name, bench in (("start-up", bench_startup.main), ("GUI", bench_gui.main), ("PDF", bench_pdf.main),
                        ("recall", lambda: bench_recall.main([])),
                        ("photographs", bench_photos.main)):
        print(f"--- {name}", flush=True)
        results.append(bench())
    print("all within budget" if all(results) else "some measures are over budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
