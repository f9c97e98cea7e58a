"""Build the standalone app with PyInstaller and report its size and build time.

Run through `make bundle`. Qt libraries the app never loads are pruned after the
build (PyInstaller's PySide6 hook collects every translation and some unused plugins).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "mesodesk"
BUDGET_MB = 150

# Qt pieces the hooks bring in although mesodesk never uses them.
PRUNE_GLOBS = [
    "**/PySide6/Qt/translations/qtwebengine*",
    "**/PySide6/Qt/plugins/sqldrivers",
    "**/PySide6/Qt/plugins/multimedia",
    "**/PySide6/Qt/plugins/qmltooling",
    "**/PySide6/Qt/qml",
    "**/PySide6/Qt/lib/libQt6Quick*",
    "**/PySide6/Qt/lib/libQt6Qml*",
    "**/PySide6/Qt/lib/libQt6WebEngine*",
]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def prune(root: Path) -> None:
    for pattern in PRUNE_GLOBS:
        for path in root.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def main() -> int:
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
               "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
               str(ROOT / "packaging" / "mesodesk.spec")]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    prune(DIST)
    size_mb = folder_size(DIST) / 1e6
    elapsed = time.monotonic() - started
    print(f"bundle: {DIST} {size_mb:.1f} MB (budget {BUDGET_MB} MB), built in {elapsed:.0f} s")
    if size_mb > BUDGET_MB:
        print(f"bundle: over the {BUDGET_MB} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
