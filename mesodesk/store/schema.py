"""Bringing a database's schema up to date with Alembic, safely.

At start-up ``ensure_schema`` reads the schema revision without importing Alembic. When it
is current, that is all. When it is behind, the database is first backed up (SQLite; a
PostgreSQL server migrates inside one transaction, DDL included, so a failure changes
nothing), then every migration runs in one transaction that holds the write lock, with
SQLite's foreign keys off (batch mode re-creates tables) and checked before commit; the
upgrade is recorded in the audit trail in the same transaction. A revision this build
does not know means a newer mesodesk wrote the database: it is refused, untouched.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import exc, inspect, text
from sqlalchemy.engine import Connection, Engine

from mesodesk.store import audit
from mesodesk.store.base import (
    REVISIONS,
    SCHEMA_HEAD,
    IntegrityFailure,
    NotADatabase,
    SchemaOutdated,
    SchemaTooNew,
    StoreError,
)
from mesodesk.store.engine import PG_LOCK_KEY

if TYPE_CHECKING:
    from mesodesk.store.handle import DatabaseHandle

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    if len(revisions) != 1:
        raise IntegrityFailure(f"the database records {len(revisions)} schema revisions "
                               f"({', '.join(revisions) or 'none'}); expected exactly one")
    return revisions[0]


def foreign_tables(connection: Connection) -> list[str]:
    """Tables in a database without a mesodesk schema (then it belongs to someone else)."""
    return [name for name in inspect(connection).get_table_names()
            if name != "alembic_version" and not name.startswith("sqlite_")]


def too_new(location_name: str, revision: str) -> SchemaTooNew:
    return SchemaTooNew(
        f"{location_name} was written by a newer version of mesodesk (database schema "
        f"{revision}; this version knows schemas up to {SCHEMA_HEAD}). Update mesodesk to open "
        "it. Nothing was changed.")


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction holding the write lock, fit for running migrations."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # has no effect inside a transaction
        try:
            connection.execution_options(mesodesk_begin="IMMEDIATE")
            with connection.begin():
                if not sqlite:
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": PG_LOCK_KEY})
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise IntegrityFailure(
                            f"the schema upgrade would break {len(broken)} references between "
                            f"records (first: {tuple(broken[0])}); it was rolled back")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)


def downgrade(connection: Connection, target: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(connection), target)


def ensure_schema(db: DatabaseHandle, *, migrate: bool, actor: str = "") -> Path | None:
    """Bring the schema to this build's head; returns the path of the backup made, if any."""
    with db.engine.connect() as connection:
        with connection.begin():
            revision = current_revision(connection)
            strangers = foreign_tables(connection) if revision is None else []
    if revision == SCHEMA_HEAD:
        return None
    if revision is not None and revision not in REVISIONS:
        raise too_new(db.location.name, revision)
    if strangers:
        raise NotADatabase(
            f"{db.location.name} holds tables of another program ({', '.join(strangers[:5])}) "
            "and no mesodesk schema; use an empty database. Nothing was changed.")
    if not migrate:
        if revision is None:
            raise SchemaOutdated(f"{db.location.name} has no mesodesk schema yet; open it with "
                                 "migrations enabled to create one")
        return None  # opened as it is, for reading (e.g. audit verify of an old database)
    backup_path = None
    if revision is not None and db.location.kind == "sqlite":
        backup_path = db.backup_before_upgrade(revision)
    try:
        with migration_connection(db.engine) as connection:
            revision = current_revision(connection)  # another process may have upgraded it
            if revision == SCHEMA_HEAD:
                return backup_path
            if revision is not None and revision not in REVISIONS:
                raise too_new(db.location.name, revision)
            upgrade(connection)
            audit.append(connection, actor=actor,
                         action="create-database" if revision is None else "upgrade-schema",
                         table="schema", record_id=None, before=None, after=None,
                         details={"from": revision or "", "to": SCHEMA_HEAD,
                                  "backup": str(backup_path or "")})
    except (StoreError, exc.DBAPIError):
        raise  # StoreErrors as they are; driver errors are translated by the caller
    except Exception as error:  # a failing migration script: say so, nothing was changed
        kept = f"; a backup made before it is at {backup_path}" if backup_path else ""
        raise StoreError(
            f"upgrading {db.location.name} from schema {revision or 'none'} to {SCHEMA_HEAD} "
            f"failed ({type(error).__name__}: {error}). The upgrade was rolled back and the "
            f"database is unchanged{kept}.") from error
    return backup_path
