"""Helpers for the store tests: the same tests on three real backends.

``backend`` is parametrized over a plain SQLite file, an encrypted SQLCipher file and a
PostgreSQL server (a fresh schema per test, dropped afterwards). The server is found at
``MESODESK_TEST_PG_URL`` (``.ci/run`` starts one and sets it); without that variable a
local default is tried. When the server cannot be reached the PostgreSQL tests FAIL if
``MESODESK_TEST_PG_URL`` is set or ``CI`` is true, and are skipped (with the reason)
otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from mesodesk.domain.document import Consultation, parse_consultation
from mesodesk.paths import examples_dir

PASSPHRASE = "correct horse 'battery' staple"
LOCAL_PG_URL = "postgresql://mesodesk:mesodesk@127.0.0.1:5432/mesodesk_test"
BACKENDS = ("sqlite", "sqlcipher", "postgresql")
REPO = Path(__file__).resolve().parents[2]

_pg_status: dict[str, Any] = {}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def postgres_url() -> str:
    """The server's URL, or fail/skip the calling test with the reason it is unusable."""
    if "url" not in _pg_status:
        configured = os.environ.get("MESODESK_TEST_PG_URL")
        url = configured or LOCAL_PG_URL
        _pg_status["required"] = bool(configured) or _truthy(os.environ.get("CI"))
        try:
            import psycopg

            with psycopg.connect(url, connect_timeout=5) as connection:
                connection.execute("SELECT 1")
            _pg_status["url"], _pg_status["error"] = url, None
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            _pg_status["url"], _pg_status["error"] = url, f"{type(error).__name__}: {error}"
    if _pg_status["error"]:
        from sqlalchemy.engine import make_url

        shown = make_url(_pg_status["url"]).render_as_string(hide_password=True)
        reason = f"PostgreSQL is not reachable at {shown} ({_pg_status['error']})"
        if _pg_status["required"]:
            pytest.fail(f"{reason}; these tests need it (MESODESK_TEST_PG_URL or CI is set; "
                        ".ci/run starts a server)", pytrace=False)
        pytest.skip(f"{reason}; run .ci/run or set MESODESK_TEST_PG_URL to test on PostgreSQL")
    return _pg_status["url"]


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped afterwards."""
    import psycopg

    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Backend:
    name: str
    location: str
    passphrase: str | None
    path: Path | None

    def open(self, **options: Any):
        """The "sqlite" backend is a plain file, by explicit choice (a new file is encrypted
        by default: tests/store/test_encryption.py)."""
        from mesodesk.store import open_database

        if self.name == "sqlite":
            options.setdefault("unencrypted", True)
        return open_database(self.location, self.passphrase, **options)

    @property
    def cli_choice(self) -> list[str]:
        """What the command line needs to open this backend as the tests made it: the plain
        "sqlite" file is plain by explicit choice."""
        return ["--unencrypted"] if self.name == "sqlite" else []

    @contextlib.contextmanager
    def raw(self) -> Iterator[Any]:
        """A bare driver connection (autocommit) that bypasses mesodesk entirely."""
        if self.name == "postgresql":
            import psycopg

            with psycopg.connect(self.location, autocommit=True) as connection:
                yield connection
            return
        import sqlcipher3.dbapi2 as driver

        connection = driver.connect(str(self.path), isolation_level=None)
        try:
            if self.passphrase is not None:
                escaped = self.passphrase.replace("'", "''")
                connection.execute(f"PRAGMA key = '{escaped}'")
            yield connection
        finally:
            connection.close()

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement (``?`` placeholders) outside mesodesk; returns the rows."""
        if self.name == "postgresql":
            sql = sql.replace("?", "%s")
        with self.raw() as connection:
            cursor = connection.execute(sql, params)
            try:
                return [tuple(row) for row in cursor.fetchall()]
            except Exception:  # noqa: BLE001 - statements without rows
                return []

    def drop_trigger(self, trigger: str, table: str) -> None:
        if self.name == "postgresql":
            self.execute(f"DROP TRIGGER {trigger} ON {table}")
        else:
            self.execute(f"DROP TRIGGER {trigger}")


def make_backend(name: str, tmp_path: Path, stack: contextlib.ExitStack) -> Backend:
    if name == "postgresql":
        return Backend(name, stack.enter_context(postgres_schema()), None, None)
    path = tmp_path / f"{name}.db"
    return Backend(name, str(path), PASSPHRASE if name == "sqlcipher" else None, path)


def example_document(name: str, kb, **changes: Any) -> Consultation:
    data = json.loads((examples_dir() / name).read_text(encoding="utf-8"))
    data.update(changes)
    return parse_consultation(data, kb)


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def table_dump(backend: Backend) -> dict[str, list[tuple]]:
    """Every row of every mesodesk table, in id order: what "identical" compares."""
    dump = {}
    for table in ("patients", "practitioners", "consultations", "signed_consents",
                  "clinic_settings", "audit_events", "alembic_version"):
        order = "version_num" if table == "alembic_version" else "id"
        dump[table] = backend.execute(f"SELECT * FROM {table} ORDER BY {order}")
    return dump
