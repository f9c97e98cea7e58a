"""The clinic's settings: its details, the practitioner, the defaults for new documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesodesk.services.errors import store_errors

if TYPE_CHECKING:
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.store.database import Database


def clinic_settings(db: Database) -> ClinicSettings:
    with store_errors():
        return db.settings.get()


def save_settings(db: Database, settings: ClinicSettings, actor: str = "") -> ClinicSettings:
    """Keep the settings (audited); a field that is wrong is named in the error."""
    with store_errors():
        return db.settings.save(settings, actor=actor)
