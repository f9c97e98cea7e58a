"""Per-computer preferences: where the database lives, window sizes.

The clinic's own details live in the database (``db.settings``); what belongs to this
computer lives in an INI file in the user configuration directory.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

from mesodesk.i18n import LANGUAGE_KEY, LANGUAGE_SECTION
from mesodesk.paths import user_config_dir

DATABASE_LOCATION = "database/location"


def local_settings() -> QSettings:
    path = user_config_dir() / "mesodesk.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def saved_database_location() -> str | None:
    value = local_settings().value(DATABASE_LOCATION, "")
    return str(value) if value else None


def save_database_location(location: str | None) -> None:
    settings = local_settings()
    if location:
        settings.setValue(DATABASE_LOCATION, location)
    else:
        settings.remove(DATABASE_LOCATION)
    settings.sync()


def save_interface_language(language: str) -> None:
    """The app's language from the next start (read back by ``mesodesk.i18n.saved_language``)."""
    settings = local_settings()
    settings.setValue(f"{LANGUAGE_SECTION}/{LANGUAGE_KEY}", language)
    settings.sync()


WINDOW_GEOMETRY = "window/geometry"
WINDOW_SPLITTER = "window/splitter"
FIRST_SIZE = (1280, 760)


def restore_window(window: QWidget, splitter: QSplitter) -> None:
    """The size, position and splitter of the last session; the first time, a size that
    fits the screen (a 1366×768 laptop with a taskbar, or 150% scaling, included)."""
    settings = local_settings()
    geometry, state = settings.value(WINDOW_GEOMETRY), settings.value(WINDOW_SPLITTER)
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
        return
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    width, height = FIRST_SIZE
    if available is not None:
        width, height = min(width, available.width() - 40), min(height, available.height() - 40)
    window.resize(width, height)


def save_window(window: QWidget, splitter: QSplitter) -> None:
    settings = local_settings()
    settings.setValue(WINDOW_GEOMETRY, window.saveGeometry())
    settings.setValue(WINDOW_SPLITTER, splitter.saveState())
    settings.sync()
