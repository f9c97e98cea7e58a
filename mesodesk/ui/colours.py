"""Colours that read on the palette in use, light or dark.

No screen of mesodesk names a fixed colour: text colours come from the palette, and the few
signal colours (blocked, caution, fine, override, accent) have a light-theme and a
dark-theme shade, chosen by how light the window's background is. The signature pad and
the printed page stay paper-white on purpose: they show what will be printed.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Each role: (on a light background, on a dark background), both at WCAG AA contrast.
_ROLES = {
    "error": ("#c62828", "#ef9a9a"),
    "contraindicated": ("#b71c1c", "#ff8a80"),
    "caution": ("#8a5300", "#ffcc80"),
    "ok": ("#1b5e20", "#a5d6a7"),
    "override": ("#6a1b9a", "#ce93d8"),
    "accent": ("#00695c", "#80cbc4"),
}
# Banners: (background, border) on light and on dark backgrounds.
_BANNERS = {
    "blocked": (("#fdecea", "#c62828"), ("#4a1f1f", "#ef9a9a")),
    "caution": (("#fff8e1", "#f9a825"), ("#4a3b12", "#ffcc80")),
    "info": (("#e8f1fb", "#1565c0"), ("#17304d", "#90caf9")),
    "ok": (("#e8f5e9", "#2e7d32"), ("#1b3a1e", "#a5d6a7")),
}


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    return _palette(palette).color(QPalette.ColorRole.Window).lightness() < 128


def colour(role: str, palette: QPalette | None = None) -> QColor:
    """The signal colour of ``role`` ("error", "caution", "ok", ...) for this palette."""
    light, dark = _ROLES[role]
    return QColor(dark if is_dark(palette) else light)


def css(role: str, palette: QPalette | None = None) -> str:
    """The same colour as ``#rrggbb`` for rich text and style sheets."""
    return colour(role, palette).name()


def muted(palette: QPalette | None = None) -> str:
    """Secondary text (notes under a heading): the palette's placeholder colour."""
    return _palette(palette).color(QPalette.ColorRole.PlaceholderText).name()


def text(palette: QPalette | None = None) -> str:
    return _palette(palette).color(QPalette.ColorRole.WindowText).name()


def banner(kind: str, palette: QPalette | None = None) -> tuple[str, str, str]:
    """(background, border, text) of a banner of ``kind`` for this palette."""
    (light, dark) = _BANNERS[kind]
    background, border = dark if is_dark(palette) else light
    return background, border, "#f5f5f5" if is_dark(palette) else "#212121"
