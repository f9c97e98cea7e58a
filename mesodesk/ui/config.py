"""Per-computer preferences: where the database lives, window sizes.

The clinic's own details live in the database (``db.settings``); what belongs to this
computer lives in an INI file in the user configuration directory.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

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
