"""The check before a write that builds on the records (an import, an export): a database
whose stored values no longer parse is refused, naming them and the way to repair it.
Its own module: documents imports it, and it imports nothing of the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesodesk.i18n import _
from mesodesk.services.errors import ServiceError, store_errors

if TYPE_CHECKING:
    from mesodesk.store.database import Database


def check_undamaged(db: Database, doing: str) -> None:
    """Refuse to write to a database whose stored values no longer parse: ``doing``
    (import, export) would build on records that cannot be trusted."""
    from mesodesk.store import damage

    with store_errors():
        with db.reading() as connection:
            found = damage.scan(connection, structure=False)
    if found:
        raise ServiceError(_(
            "{doing} refused: the database holds damaged values ({which}). Restore the latest "
            "backup (`mesodesk restore BACKUP`), or run `mesodesk audit verify` to see every "
            "problem; nothing was written").format(doing=doing, which=damage.describe(found)))
