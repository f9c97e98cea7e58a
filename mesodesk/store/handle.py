"""What the repositories, backups and migrations need of an open database.

``Database`` (in ``database.py``) builds the repositories, so they cannot import it back
without an import circle; they are written against this protocol instead, which
``Database`` satisfies.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from mesodesk.store.engine import Location


class DatabaseHandle(Protocol):
    location: Location
    engine: Engine

    def reading(self) -> AbstractContextManager[Connection]: ...

    def writing(self) -> AbstractContextManager[Connection]: ...

    def backup_before_upgrade(self, revision: str) -> Path: ...
