"""Stored values that no longer parse: found, named by table, row and column, and read around.

A date, a timestamp or a JSON document changed behind mesodesk's back (or by a failing
disk) into text that no longer parses makes SQLAlchemy raise while it reads the row. One
such value must not hide every other record: ``read_rows`` reads a page of rows at once,
and only when that fails, row by row and then column by column, so the readable rows come
back whole and the damaged one comes back with its damaged columns named. ``scan`` walks
every table that way (and parses each JSON document) for ``audit verify``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, DateTime, Table, select
from sqlalchemy.engine import Connection

from mesodesk.store import tables as t

# Every table of the schema, and in each the columns whose stored text is parsed when
# read: dates and times (SQLite keeps them as text), and the JSON documents.
TABLES: dict[str, Table] = {table.name: table for table in t.metadata.sorted_tables}
PARSED_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(column.name for column in table.c
                if isinstance(column.type, (Date, DateTime, t.UTCDateTime)))
    for name, table in TABLES.items()}
JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "consultations": ("document",),
    "sessions": ("document",),
    "audit_events": ("details",),
}
# Reading a value raises one of these when its stored text does not parse.
READ_ERRORS = (ValueError, TypeError, OverflowError)


@dataclass(frozen=True)
class Damage:
    table: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} row {self.row}, column {self.column}: {self.reason}"


class Unreadable:
    """Stands for a stored value that could not be read (``str()`` says so)."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"<unreadable: {self.reason}>"


@dataclass(frozen=True)
class Row:
    values: dict[str, Any]
    damaged: tuple[Damage, ...] = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> dict[str, Any]:
        return self.values


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return f"the stored value does not parse ({text[:200]})"


def read_rows(connection: Connection, table: Table, columns: Sequence[Column] | None = None,
              *, where: Any = None, order_by: Sequence[Any] = (), limit: int | None = None,
              offset: int = 0) -> list[Row]:
    """The rows the query selects; a damaged value is an ``Unreadable`` in its row, named
    in ``Row.damaged``. ``columns`` must include the table's ``id``."""
    columns = list(columns) if columns is not None else list(table.c)

    def query(*selected: Any):
        statement = select(*selected)
        if where is not None:
            statement = statement.where(where)
        statement = statement.order_by(*order_by)
        if limit is not None:
            statement = statement.limit(limit)
        return statement.offset(offset) if offset else statement

    try:
        return [Row(dict(row._mapping)) for row in connection.execute(query(*columns))]
    except READ_ERRORS:
        pass
    ids = connection.execute(query(table.c.id)).scalars().all()
    return [read_row(connection, table, row_id, columns) for row_id in ids]


def read_row(connection: Connection, table: Table, row_id: int,
             columns: Sequence[Column] | None = None) -> Row:
    """One row; each column that does not parse is an ``Unreadable``, named in ``damaged``."""
    columns = list(columns) if columns is not None else list(table.c)
    try:
        row = connection.execute(select(*columns).where(table.c.id == row_id)).one()
        return Row(dict(row._mapping))
    except READ_ERRORS:
        pass
    values: dict[str, Any] = {}
    damaged = []
    for column in columns:
        try:
            values[column.name] = connection.execute(
                select(column).where(table.c.id == row_id)).scalar_one()
        except READ_ERRORS as error:
            values[column.name] = Unreadable(_reason(error))
            damaged.append(Damage(table.name, row_id, column.name, _reason(error)))
    return Row(values, tuple(damaged))


def _json_problem(column: str, text: Any, structure: bool) -> str | None:
    if column == "document" and structure:
        from mesodesk.domain.document import DocumentError, parse_structure

        try:
            parse_structure(text)
        except DocumentError as error:
            first = error.issues[0] if error.issues else "unreadable"
            return f"the stored consultation document does not parse ({first})"
        return None
    try:
        value = json.loads(text)
    except (ValueError, TypeError, RecursionError) as error:
        return f"the stored JSON does not parse ({error})"
    if not isinstance(value, dict):
        return "the stored JSON is not an object"
    return None


def scan(connection: Connection, *, batch: int = 1000, structure: bool = True) -> list[Damage]:
    """Every stored value of mesodesk's tables that no longer parses. ``structure=False``
    checks that each consultation document is JSON, not its whole structure (a tenth of
    the time: the check before every import and export)."""
    found: list[Damage] = []
    for name, table in TABLES.items():
        checked = PARSED_COLUMNS[name] + JSON_COLUMNS.get(name, ())
        columns = [table.c.id, *(table.c[column] for column in checked)]
        for row in _pages(connection, table, columns, batch):
            found.extend(row.damaged)
            for column in JSON_COLUMNS.get(name, ()):
                problem = _json_problem(column, row.values[column], structure)
                if problem is not None:
                    found.append(Damage(name, row.values["id"], column, problem))
    return found


def _pages(connection: Connection, table: Table, columns: list[Column], batch: int
           ) -> Iterator[Row]:
    last_id = None
    while True:
        where = table.c.id > last_id if last_id is not None else None
        rows = read_rows(connection, table, columns, where=where, order_by=[table.c.id],
                         limit=batch)
        if not rows:
            return
        yield from rows
        last_id = rows[-1].values["id"]


def describe(damage: Sequence[Damage], *, limit: int = 5) -> str:
    """The damaged values for a message: the first few, and how many more."""
    shown = "; ".join(str(item) for item in damage[:limit])
    more = len(damage) - limit
    return shown + (f" (and {more} more)" if more > 0 else "")
