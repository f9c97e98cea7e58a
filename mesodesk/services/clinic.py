"""The clinic's settings: its details, the practitioner, the defaults for new documents;
and the first run, which creates the database with them."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.services.errors import InvalidInput, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.store.database import Database
    from mesodesk.store.engine import Location


def clinic_settings(db: Database) -> ClinicSettings:
    with store_errors():
        return db.settings.get()


def save_settings(db: Database, settings: ClinicSettings, actor: str = "") -> ClinicSettings:
    """Keep the settings (audited); a field that is wrong is named in the error."""
    with store_errors():
        return db.settings.save(settings, actor=actor)


def set_up(location: str | os.PathLike[str] | None, settings: ClinicSettings, *,
           passphrase: str | None = None, unencrypted: bool = False, actor: str = "") -> Location:
    """The first run: create the database (encrypted, its key in the key store, unless a
    passphrase is given or ``unencrypted`` chosen) and keep the clinic's settings and the
    practitioner in it. Refused when a database is already there; when a step fails, the
    new database's files are removed, so nothing is left half-made."""
    from mesodesk.services.records import open_records
    from mesodesk.store.base import InvalidRecord
    from mesodesk.store.engine import resolve_location
    from mesodesk.store.repositories import clean_settings

    with store_errors():
        clean_settings(settings)  # a wrong field is named before anything is made
        where = resolve_location(location, passphrase, unencrypted=unencrypted)
        if where.path is not None and where.path.exists() and where.path.stat().st_size > 0:
            raise InvalidRecord(f"there is already a database at {where.path}; nothing was changed")
    db = open_records(location, passphrase, unencrypted=unencrypted, actor=actor)
    try:
        save_settings(db, settings, actor)
    except BaseException:
        db.close()
        _remove_database_files(db.location)
        raise
    db.close()
    return db.location


def _remove_database_files(location: Location) -> None:
    # The key store entry stays: a key kept for that place is reused by the next database
    # there (see mesodesk.store.keys), and it opens nothing once the files are gone.
    if location.path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{location.path}{suffix}").unlink()


MAX_CLINIC_FILE_BYTES = 64 * 1024
CLINIC_FILE_FIELDS = ("name", "address", "phone", "jurisdiction", "member_state",
                      "practitioner_name", "practitioner_registration")


def read_clinic_file(path: str | os.PathLike[str]) -> ClinicSettings:
    """The clinic's details for a plan made from the command line (``--clinic-file``): a
    small JSON or TOML object with ``name``, ``address``, ``phone``, ``jurisdiction`` (EU,
    US or UK), ``member_state`` (for the EU, such as GR) and, if wanted, the practitioner.
    A wrong field is named (``InvalidInput``, exit 2); an unknown one is an error, so a
    typo does not silently drop the clinic's phone from the paper."""
    import json
    import tomllib

    from mesodesk.domain.records import ClinicSettings
    from mesodesk.services.inputs import check_regular_file, read_text

    source = Path(path)
    what = "clinic file"
    check_regular_file(source, what, MAX_CLINIC_FILE_BYTES)
    text = read_text(source, what)
    try:
        data = tomllib.loads(text) if source.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        kind = "TOML" if source.suffix.lower() == ".toml" else "JSON"
        raise InvalidInput(f"{source}: not valid {kind}: {error}", field=str(source)) from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: must be an object with the clinic's fields",
                           field=str(source))
    issues = [f"{key}: unknown field (use {', '.join(CLINIC_FILE_FIELDS)})"
              for key in data if key not in CLINIC_FILE_FIELDS]
    issues += [f"{key}: must be text" for key in CLINIC_FILE_FIELDS
               if key in data and not isinstance(data[key], str)]
    values = {key: value for key, value in data.items()
              if key in CLINIC_FILE_FIELDS and isinstance(value, str)}
    jurisdiction = values.get("jurisdiction", "EU").strip().upper()
    if jurisdiction not in ("EU", "US", "UK"):
        issues.append(f"jurisdiction: '{values['jurisdiction']}' must be EU, US or UK")
    state = values.get("member_state", "GR" if jurisdiction == "EU" else "").strip().upper()
    if jurisdiction == "EU" and not re.fullmatch(r"[A-Z]{2}", state):
        issues.append("member_state: must be a two-letter country code such as GR")
    for key in ("name", "phone", "practitioner_name", "practitioner_registration"):
        if len(values.get(key, "")) > 200 or "\n" in values.get(key, "").strip():
            issues.append(f"{key}: must be one line of at most 200 characters")
    if len(values.get("address", "")) > 1000:
        issues.append("address: must be at most 1,000 characters")
    if issues:
        raise InvalidInput(f"{source}: the clinic file is not valid", issues=tuple(issues),
                           field=str(source))
    return ClinicSettings(
        name=values.get("name", "").strip(), address=values.get("address", "").strip(),
        phone=values.get("phone", "").strip(), jurisdiction=jurisdiction,  # type: ignore[arg-type]
        member_state=state if jurisdiction == "EU" else "",
        practitioner_name=values.get("practitioner_name", "").strip(),
        practitioner_registration=values.get("practitioner_registration", "").strip())
