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
# 150 MB until the records were signed and encrypted by default: cryptography (Ed25519
# checkpoints, 12 MB) and Pillow's libraries (signatures, logos; 8 MB) came with them.
BUDGET_MB = 175

# Qt pieces the hooks bring in although mesodesk never uses them.
PRUNE_GLOBS = [
    "**/PySide6/Qt/translations/qtwebengine*",
    "**/PySide6/Qt/translations/qt_help*",
    "**/PySide6/Qt/translations/assistant*",
    "**/PySide6/Qt/translations/designer*",
    "**/PySide6/Qt/translations/linguist*",
    "**/PySide6/Qt/translations/qtmultimedia*",
    "**/PySide6/Qt/translations/qtserialport*",
    "**/PySide6/Qt/translations/qtlocation*",
    "**/PySide6/Qt/translations/qtwebsockets*",
    "**/PySide6/Qt/translations/qtconnectivity*",
    "**/PySide6/Qt/translations/qtdeclarative*",
    "**/PySide6/Qt/plugins/sqldrivers",
    "**/PySide6/Qt/plugins/multimedia",
    "**/PySide6/Qt/plugins/qmltooling",
    "**/PySide6/Qt/qml",
    "**/PySide6/Qt/lib/libQt6Quick*",
    "**/PySide6/Qt/lib/libQt6Qml*",
    "**/PySide6/Qt/lib/libQt6WebEngine*",
    # Plugins for what a clinic desktop app never does: a GTK theme bridge (which drags in
    # pango, cairo and gdk-pixbuf), network status and TLS, embedded-device input and EGLFS.
    "**/PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "**/PySide6/Qt/plugins/networkinformation",
    "**/PySide6/Qt/plugins/tls",
    "**/PySide6/Qt/plugins/generic",
    "**/PySide6/Qt/plugins/egldeviceintegrations",
    # Wayland sessions run Qt apps through XWayland; the native plugin costs 3.5 MB.
    "**/PySide6/Qt/plugins/platforms/libqwayland*",
    "**/PySide6/Qt/plugins/wayland-*",
    "**/PySide6/Qt/lib/libQt6Wayland*",
    "**/PySide6/Qt/lib/libQt6WlShellIntegration*",
    # Image formats: PNG is built into Qt; SVG icons and ICO are all the app reads.
    "**/PySide6/Qt/plugins/imageformats/libq[!si]*",
    "**/PySide6/Qt/plugins/imageformats/libqicns*",
    # Platforms for embedded devices and remote framebuffers (xcb and offscreen stay).
    "**/PySide6/Qt/plugins/platforms/libq[elv]*",
    "**/PySide6/Qt/plugins/platforms/libqminimalegl*",
    "**/PySide6/Qt/lib/libQt6EglFS*",
]
# Qt translations other than qtbase's (the only Qt module whose strings mesodesk shows).
KEEP_TRANSLATIONS = "qtbase_"
# The bootloader opens libpython itself, so no binary names it.
BOOTLOADER_LIBRARY = "libpython"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def prune(root: Path) -> None:
    for pattern in PRUNE_GLOBS:
        for path in root.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for path in root.glob("**/PySide6/Qt/translations/*.qm"):
        if not path.name.startswith(KEEP_TRANSLATIONS):
            path.unlink()


def needed_libraries(binary: Path) -> set[str]:
    output = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in output.splitlines() if "(NEEDED)" in line}


def prune_unreferenced_libraries(root: Path) -> list[str]:
    """Drop the system libraries that only pruned plugins needed.

    PyInstaller copies each binary's dependencies into the top of the bundle; once a
    plugin is removed, its dependencies stay behind. Remove every top-level library that
    no remaining binary names, until none is left (a library may free others).
    """
    if shutil.which("readelf") is None:
        print("bundle: readelf not found, unreferenced libraries are kept", file=sys.stderr)
        return []
    internal = root / "_internal"
    folders = [internal, *internal.glob("*.libs")]  # wheels vendor their libraries in NAME.libs
    removed = []
    while True:
        binaries = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
                    and (".so" in p.name or p.name == "mesodesk")]
        needed = set().union(*(needed_libraries(p) for p in binaries))
        unused = [p for folder in folders for p in folder.glob("*.so*")
                  if p.name not in needed and p.is_file() and not p.name.startswith(BOOTLOADER_LIBRARY)]
        if not unused:
            return removed
        for path in unused:
            removed.append(path.name)
            path.unlink()


def compile_catalogues() -> list[Path]:
    """Every committed .po compiled to the .mo the bundle carries (as `make` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po in sorted((ROOT / "resources" / "i18n").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalogue = read_po(source, abort_invalid=True)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)  # fuzzy entries left out, as pybabel compile does
        compiled.append(po.with_suffix(".mo"))
    return compiled


def bundled_catalogues(root: Path, compiled: list[Path]) -> list[str]:
    """The compiled catalogues missing from the bundle (the app would be English)."""
    i18n = ROOT / "resources" / "i18n"
    return [str(mo.relative_to(i18n)) for mo in compiled
            if not (root / "_internal" / "resources" / "i18n" / mo.relative_to(i18n)).is_file()]


def main() -> int:
    started = time.monotonic()
    compiled = compile_catalogues()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN",
               "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
               str(ROOT / "packaging" / "mesodesk.spec")]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        return result.returncode
    missing = bundled_catalogues(DIST, compiled) if sys.platform.startswith("linux") else []
    if missing:
        print(f"bundle: translations missing from the bundle: {', '.join(missing)}", file=sys.stderr)
        return 1
    if sys.platform.startswith("linux"):
        prune(DIST)
        removed = prune_unreferenced_libraries(DIST)
        print(f"bundle: pruned {len(removed)} unreferenced libraries: {', '.join(sorted(removed))}")
    size_mb = folder_size(DIST) / 1e6
    elapsed = time.monotonic() - started
    print(f"bundle: {DIST} {size_mb:.1f} MB (budget {BUDGET_MB} MB), built in {elapsed:.0f} s")
    if size_mb > BUDGET_MB:
        print(f"bundle: over the {BUDGET_MB} MB budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
