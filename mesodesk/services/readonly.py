"""Opening the records for a command that may run on a database that cannot be written
(verify, export, backup): as usual, else read-only (see ``mesodesk.store.readonly``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesodesk.services.errors import ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.store.database import Database


def open_readable(location, passphrase: str | None = None, *, migrate: bool = False,
                  actor: str = "") -> Database:
    """The database as ``records.open_records`` opens it, or, when the file or its folder
    cannot be written, opened read-only (``db.read_only``): it can still be verified,
    exported and backed up, and those events are kept outside it (signed)."""
    from mesodesk.services.records import open_records
    from mesodesk.store.base import ReadOnlyLocation
    from mesodesk.store.readonly import open_read_only

    try:
        return open_records(location, passphrase, migrate=migrate, actor=actor)
    except ServiceError as error:
        if not isinstance(error.cause, ReadOnlyLocation):
            raise
    with store_errors():
        return open_read_only(location, passphrase)
