"""docs/postgresql.md, run: an app role that does not own the tables works, and cannot
switch the protection off.

The SQL blocks of the document are run as written, with this test's own role and schema
names. Like the other PostgreSQL tests this needs a server (MESODESK_TEST_PG_URL; .ci/run
starts one) and is skipped, saying why, when none is reachable outside CI. Its login role
needs CREATEROLE (.ci/run grants it) to create the two roles of the document.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.services.verify import Session, verify
from mesodesk.store import open_database
from tests.store.helpers import MINIMAL_PDF, REPO, _pg_status, example_document, postgres_url

DOC = REPO / "docs" / "postgresql.md"
SIGNED_AT = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)


def _blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _url(base: str, user: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base).set(username=user, password=password).render_as_string(
        hide_password=False)


@pytest.fixture
def roles():
    """The document's roles and schema, under names of this test's own."""
    import psycopg

    base = postgres_url()
    tag = uuid.uuid4().hex[:10]
    names = {"mesodesk_owner": f"md_owner_{tag}", "mesodesk_app": f"md_app_{tag}",
             "clinic": f"clinic_{tag}"}
    passwords = {"owner-password": secrets.token_hex(8), "app-password": secrets.token_hex(8)}

    def adapt(sql: str) -> str:
        for old, new in {**names, **passwords}.items():
            sql = re.sub(rf"\b{re.escape(old)}\b", new, sql)
        return sql

    admin = psycopg.connect(base, autocommit=True)
    can = admin.execute("SELECT rolcreaterole OR rolsuper FROM pg_roles "
                        "WHERE rolname = current_user").fetchone()[0]
    if not can:  # as for an unreachable server: a failure where a server is required
        admin.close()
        reason = ("the test server's login role lacks CREATEROLE, needed to create the "
                  "document's roles (.ci/run grants it: ALTER ROLE mesodesk CREATEROLE)")
        if _pg_status.get("required"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    first, grants = (adapt(block) for block in _blocks())
    try:
        for statement in first.split(";\n"):
            if statement.strip().startswith("CREATE SCHEMA"):
                # PostgreSQL 15: a CREATEROLE admin must be a member of the owner role to
                # make it own a schema (a superuser, as the document assumes, need not).
                admin.execute(f"GRANT {names['mesodesk_owner']} TO current_user")
            if statement.strip():
                admin.execute(statement)
        option = quote(f"-csearch_path={names['clinic']}")
        owner = _url(base, names["mesodesk_owner"], passwords["owner-password"])
        app = _url(base, names["mesodesk_app"], passwords["app-password"])
        sep = "&" if "?" in base else "?"
        yield admin, grants, f"{owner}{sep}options={option}", f"{app}{sep}options={option}", names
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {names['clinic']} CASCADE")
        for role in (names["mesodesk_app"], names["mesodesk_owner"]):
            admin.execute(f"DROP ROLE IF EXISTS {role}")  # they owned only the schema
        admin.close()


def test_the_app_role_works_and_cannot_switch_the_protection_off(roles, kb) -> None:
    import psycopg

    admin, grants, owner_url, app_url, names = roles
    open_database(owner_url).close()  # step 2: the owner creates the tables
    for statement in grants.split(";\n"):
        if statement.strip():
            admin.execute(statement)

    with open_database(app_url) as db:  # step 4: a desk's daily work
        session = Session(db)
        patient = db.patients.create(NewPatient(name="Ελένη", date_of_birth=dt.date(1988, 4, 12)))
        doc = example_document("format-example.json", kb)
        draft = db.consultations.save_draft(patient.id, doc)
        spare = db.consultations.save_draft(patient.id, doc.with_changes(notes="spare"))
        db.consultations.delete_draft(spare.id)
        final = db.consultations.finalize(draft.id, doc)
        db.consents.record(final.id, MINIMAL_PDF, final.document.fingerprint(), SIGNED_AT)
        db.settings.save(db.settings.get().__class__(name="Κλινική <b>&"))
        assert session.end().written
        assert verify(db).ok

    refused = [
        "DROP TRIGGER audit_events_no_delete ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "ALTER TABLE signed_consents DISABLE TRIGGER signed_consents_no_update",
        "UPDATE audit_events SET actor = 'forger'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE signed_consents SET pdf_sha256 = 'x'",
        "DELETE FROM signed_consents",
        "SET session_replication_role = replica",
        "CREATE TABLE audit_events_copy (id integer)",
        "DROP TABLE signed_consents",
    ]
    with psycopg.connect(app_url, autocommit=True) as connection:
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
    with open_database(app_url) as db:
        assert verify(db).ok
