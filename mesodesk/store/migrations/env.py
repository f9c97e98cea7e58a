"""Alembic environment for mesodesk.

At run time mesodesk passes an open connection, already inside the write transaction
that also takes the database's write lock (see ``mesodesk.store.schema``), through
``config.attributes["connection"]``. For developers, ``alembic -c mesodesk/store/alembic.ini
-x db=PATH_OR_URL ...`` opens a database through the same engine factory (with
``-x passphrase_file=FILE`` for an encrypted one).
"""

from __future__ import annotations

from alembic import context

from mesodesk.store.tables import metadata

config = context.config


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _developer_connection():
    from mesodesk.store.engine import create_store_engine, resolve_location

    arguments = context.get_x_argument(as_dictionary=True)
    passphrase = None
    if arguments.get("passphrase_file"):
        from pathlib import Path

        passphrase = Path(arguments["passphrase_file"]).read_text(encoding="utf-8").rstrip("\r\n")
    location = resolve_location(arguments.get("db"), passphrase)
    return create_store_engine(location)


if context.is_offline_mode():
    raise SystemExit("mesodesk migrations run online only: give -x db=PATH_OR_URL")

_connection = config.attributes.get("connection")
if _connection is not None:
    _configure_and_run(_connection)
else:
    from mesodesk.store.schema import migration_connection

    _engine = _developer_connection()
    try:
        with migration_connection(_engine) as _developer:
            _configure_and_run(_developer)
    finally:
        _engine.dispose()
