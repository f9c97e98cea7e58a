"""Can Qt open a window here? Checked before QApplication exists.

On Linux, Qt's xcb platform plugin needs a handful of X11 libraries that a fresh
desktop install may lack (``libxcb-cursor0`` above all). Without them Qt prints a
cryptic message and aborts the process. We look for those libraries first and, when
one is missing, name the package to install instead.

This runs before QApplication exists: it asks QtCore's ``QLibrary`` only, which needs no
display and none of these libraries.
"""

from __future__ import annotations

import os
import sys
from collections import namedtuple
from collections.abc import Callable, Mapping

from mesodesk.i18n import _


# soname, the Debian and Ubuntu package, the Fedora package
SystemLibrary = namedtuple("SystemLibrary", ["soname", "debian", "fedora"])


# What Qt 6's xcb platform plugin loads (Qt documentation, "Qt for X11 Requirements").
XCB_LIBRARIES: tuple[SystemLibrary, ...] = (
    SystemLibrary("libxcb.so.1", "libxcb1", "libxcb"),
    SystemLibrary("libX11-xcb.so.1", "libx11-xcb1", "libX11-xcb"),
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb"),
    SystemLibrary("libxcb-render-util.so.0", "libxcb-render-util0", "xcb-util-renderutil"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb"),
    SystemLibrary("libxcb-shm.so.0", "libxcb-shm0", "libxcb"),
    SystemLibrary("libxcb-sync.so.1", "libxcb-sync1", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb"),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb"),
    SystemLibrary("libxkbcommon.so.0", "libxkbcommon0", "libxkbcommon"),
    SystemLibrary("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    SystemLibrary("libfontconfig.so.1", "libfontconfig1", "fontconfig"),
    SystemLibrary("libEGL.so.1", "libegl1", "libglvnd-egl"),
    SystemLibrary("libdbus-1.so.3", "libdbus-1-3", "dbus-libs"),
)


def _loads(soname: str) -> bool:
    from PySide6.QtCore import QLibrary  # the start-up path imports QtCore next anyway

    return QLibrary(soname).load()


def missing_libraries(libraries: tuple[SystemLibrary, ...] = XCB_LIBRARIES,
                      loads: Callable[[str], bool] | None = None) -> list[SystemLibrary]:
    loads = loads or _loads
    return [library for library in libraries if not loads(library.soname)]


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def missing_libraries_message(missing: list[SystemLibrary]) -> str:
    names = ", ".join(library.soname for library in missing)
    debian = " ".join(_unique([library.debian for library in missing]))
    fedora = " ".join(_unique([library.fedora for library in missing]))
    return "\n".join([
        _("mesodesk cannot open its window: the X11 display needs system libraries "
          "that are not installed ({names}).").format(names=names),
        _("Install them, then start mesodesk again:"),
        f"  Debian, Ubuntu:  sudo apt install {debian}",
        f"  Fedora:          sudo dnf install {fedora}",
    ])


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None,
                    loads: Callable[[str], bool] | None = None) -> str | None:
    """A message saying why no window can be opened, or None when Qt should manage."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    requested = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if requested and requested != "xcb":
        return None  # offscreen, wayland, eglfs...: Qt reports its own problems
    if not requested and environ.get("WAYLAND_DISPLAY"):
        return None  # Qt prefers Wayland there
    if not environ.get("DISPLAY"):
        return _("mesodesk cannot open its window: no display was found (DISPLAY is not set). "
                 "Start it from a desktop session; for a check without a screen, set "
                 "QT_QPA_PLATFORM=offscreen.")
    missing = missing_libraries(loads=loads)
    if missing:
        return missing_libraries_message(missing)
    return None


if __name__ == "__main__":  # pragma: no cover - a manual check
    print(display_problem() or "ok")
