"""SVG icons from ``resources/icons`` (crisp at any device pixel ratio)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from mesodesk.paths import resource_dir

_cache: dict[str, QIcon] = {}
_folder: list[str] = []


def icon_path(name: str) -> str:
    if not _folder:
        _folder.append(str(resource_dir("icons")))
    return f"{_folder[0]}/{name}.svg"


def icon(name: str) -> QIcon:
    """The named icon; a missing file gives an empty icon (and a test catches it)."""
    cached = _cache.get(name)
    if cached is None:
        cached = _cache[name] = QIcon(icon_path(name))
    return cached


STATUS_ICONS = {
    "ok": "status-ok",
    "caution": "status-caution",
    "contraindicated": "status-contraindicated",
    "override": "status-override",
    "blocked": "status-blocked",
    "info": "status-info",
}


def status_icon(status: str) -> QIcon:
    return icon(STATUS_ICONS[status])
