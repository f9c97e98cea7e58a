"""The audit trail: append-only, hash-chained, written in the same transaction as the change.

Each event holds the SHA-256 of the previous event (``previous_hash``) and its own
``hash`` over its canonical JSON (id, time, actor, action, table, record, before/after
state hashes, details and the previous hash). Ids are consecutive. ``before``/``after`` are
SHA-256 hashes of the record's state (``state_hash``), so ``verify`` can also tell when a
record no longer matches its last audited state, i.e. was changed outside mesodesk.

What a hash chain cannot show on its own: events removed from the end of the trail. The
record check catches that whenever the removed events were the latest for some record.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import socket
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from mesodesk.domain.records import AuditEvent
from mesodesk.store import damage
from mesodesk.store import tables as t
from mesodesk.store.base import GENESIS_HASH, AuditReport

UTC = dt.timezone.utc

# The columns that make up each audited record's state. Timestamps are left out (they
# say when, the audit event already does); derived columns (search keys) too.
STATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "patients": ("id", "name", "date_of_birth", "sex", "phone", "email", "notes"),
    "practitioners": ("id", "name", "registration"),
    "consultations": ("id", "patient_id", "practitioner_id", "status", "date", "concerns",
                      "document", "fingerprint", "supersedes"),
    "signed_consents": ("id", "consultation_id", "pdf_sha256", "fingerprint", "signed_at"),
    "sessions": ("id", "consultation_id", "patient_id", "concern", "number", "date",
                 "document", "fingerprint", "corrects", "correction_reason"),
    "session_products": ("id", "session_id", "position", "patient_id", "consultation_id",
                         "session_date", "substance", "product",
                         "manufacturer", "lot", "expiry", "volume_ml",
                         "concentration_mg_per_ml"),
    "clinic_settings": ("id", "name", "address", "logo_png", "practitioner_name",
                        "practitioner_registration", "default_paper", "default_language"),
    # A photograph's image data is deleted when the consent is withdrawn; what it was (and
    # the hash of the image as stored) stays, so a withdrawal changes no audited state.
    "photos": ("id", "patient_id", "area", "view", "session_id", "taken_on", "width",
               "height", "image_sha256"),
    "photo_consents": ("id", "patient_id", "given", "on_date", "actor"),
}
AUDITED_TABLES = {"patients": t.patients, "practitioners": t.practitioners,
                  "consultations": t.consultations, "signed_consents": t.signed_consents,
                  "sessions": t.sessions, "session_products": t.session_products,
                  "clinic_settings": t.clinic_settings, "photos": t.photos,
                  "photo_consents": t.photo_consents}


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def default_actor() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some service environments
        user = "unknown"
    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    return f"{user}@{host}" if host else user


def actor_or_default(actor: str) -> str:
    actor = (actor or "").strip()
    return (actor or default_actor())[:200]


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def format_time(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def state_hash(table: str, values: Mapping[str, Any]) -> str:
    """SHA-256 of a record's state: the audited columns, canonical JSON."""
    return sha256_hex(canonical({column: _plain(values[column])
                                 for column in STATE_COLUMNS[table]}))


def event_hash(*, id: int, at: dt.datetime, actor: str, action: str, table: str,
               record_id: int | None, before: str | None, after: str | None,
               details: Mapping[str, str], previous_hash: str) -> str:
    return sha256_hex(canonical({
        "id": id, "at": format_time(at), "actor": actor, "action": action, "table": table,
        "record_id": record_id, "before": before, "after": after, "details": dict(details),
        "previous_hash": previous_hash,
    }))


def append(connection: Connection, *, actor: str, action: str, table: str,
           record_id: int | None, before: str | None, after: str | None,
           details: Mapping[str, Any] | None = None) -> AuditEvent:
    """Add the next event. Call inside the write transaction (which holds the write lock)."""
    return append_many(connection, actor=actor, action=action, table=table, changes=[
        (record_id, before, after, details)])[0]


def append_many(connection: Connection, *, actor: str, action: str, table: str,
                changes: list[tuple[int | None, str | None, str | None,
                                    Mapping[str, Any] | None]]) -> list[AuditEvent]:
    """Add one event per (record_id, before, after, details), chained, in one statement."""
    last = connection.execute(
        select(t.audit_events.c.id, t.audit_events.c.hash)
        .order_by(t.audit_events.c.id.desc()).limit(1)).first()
    previous_hash = last.hash if last else GENESIS_HASH
    event_id = last.id if last else 0
    at = now()
    actor = actor_or_default(actor)
    events, rows = [], []
    for record_id, before, after, details in changes:
        event_id += 1
        clean = {str(key): "" if value is None else str(value)
                 for key, value in (details or {}).items()}
        digest = event_hash(id=event_id, at=at, actor=actor, action=action, table=table,
                            record_id=record_id, before=before, after=after, details=clean,
                            previous_hash=previous_hash)
        rows.append({"id": event_id, "at": at, "actor": actor, "action": action,
                     "table_name": table, "record_id": record_id, "before_hash": before,
                     "after_hash": after, "details": canonical(clean),
                     "previous_hash": previous_hash, "hash": digest})
        events.append(AuditEvent(id=event_id, at=at, actor=actor, action=action, table=table,
                                 record_id=record_id, before=before, after=after,
                                 previous_hash=previous_hash, hash=digest, details=clean))
        previous_hash = digest
    if rows:
        connection.execute(t.audit_events.insert(), rows)
    return events


def _event(row: Any) -> AuditEvent:
    try:
        details = json.loads(row.details)
    except ValueError:
        details = {"unreadable": row.details}
    return AuditEvent(id=row.id, at=row.at, actor=row.actor, action=row.action,
                      table=row.table_name, record_id=row.record_id, before=row.before_hash,
                      after=row.after_hash, previous_hash=row.previous_hash, hash=row.hash,
                      details=details if isinstance(details, dict) else {"unreadable": row.details})


def events(connection: Connection, limit: int = 100, *, table: str | None = None,
           record_id: int | None = None) -> list[AuditEvent]:
    """The newest events first, optionally those of one record."""
    query = select(t.audit_events)
    if table is not None:
        query = query.where(t.audit_events.c.table_name == table)
    if record_id is not None:
        query = query.where(t.audit_events.c.record_id == record_id)
    rows = connection.execute(query.order_by(t.audit_events.c.id.desc()).limit(limit))
    return [_event(row) for row in rows]


def events_about(connection: Connection, records: Mapping[str, list[int]]) -> list[AuditEvent]:
    """Every event of the records named (table: ids), oldest first."""
    from sqlalchemy import and_, or_

    columns = t.audit_events.c
    wanted = [and_(columns.table_name == table, columns.record_id.in_(ids))
              for table, ids in records.items() if ids]
    if not wanted:
        return []
    rows = connection.execute(select(t.audit_events).where(or_(*wanted)).order_by(columns.id))
    return [_event(row) for row in rows]


def _recomputed(row: Any) -> str | None:
    try:
        details = json.loads(row.details)
        if not isinstance(details, dict):
            return None
        return event_hash(id=row.id, at=row.at, actor=row.actor, action=row.action,
                          table=row.table_name, record_id=row.record_id, before=row.before_hash,
                          after=row.after_hash, details=details, previous_hash=row.previous_hash)
    except (ValueError, TypeError, AttributeError):
        return None


def verify(connection: Connection, *, batch: int = 2000) -> AuditReport:
    """Check every link of the chain, then every record against its last audited state."""
    problems: list[str] = []
    first_broken: int | None = None
    previous_hash = GENESIS_HASH
    expected_id = 1
    checked = 0
    last_after: dict[tuple[str, int], tuple[str | None, int]] = {}
    last_id = 0
    columns = t.audit_events.c
    while True:
        rows = damage.read_rows(connection, t.audit_events, where=columns.id > last_id,
                                order_by=[columns.id], limit=batch)
        if not rows:
            break
        for row in rows:
            checked += 1
            broken = [f"event {row.id}: cannot be checked, a stored value does not parse "
                      f"({', '.join(item.column for item in row.damaged)})"] if row.damaged else []
            if row.id != expected_id:
                broken.append(f"event {row.id}: events {expected_id}..{row.id - 1} are missing "
                              "before it")
            if row.previous_hash != previous_hash:
                broken.append(f"event {row.id}: does not follow the event before it "
                              "(its previous-hash link does not match)")
            if not row.damaged and _recomputed(row) != row.hash:
                broken.append(f"event {row.id}: its contents were changed after it was "
                              "written (the hash does not match)")
            if broken:
                problems.extend(broken)
                if first_broken is None:
                    first_broken = row.id
            if row.record_id is not None and row.table_name in STATE_COLUMNS:
                last_after[(row.table_name, row.record_id)] = (row.after_hash, row.id)
            previous_hash = row.hash
            expected_id = row.id + 1
            last_id = row.id
    chain_problems = len(problems)
    problems.extend(_record_problems(connection, last_after, batch))
    if not problems:
        message = (f"the audit trail is whole: {checked} events checked, and every record "
                   "matches its last audited state")
    elif first_broken is not None:
        more = len(problems) - 1
        message = (f"the audit trail is broken at event {first_broken}: "
                   f"{problems[0].split(': ', 1)[1]}"
                   + (f" ({more} more problem{'s' if more != 1 else ''})" if more else ""))
    else:
        more = len(problems) - 1
        message = (f"the audit chain of {checked} events is whole, but a record does not match "
                   f"its audit trail: {problems[chain_problems]}"
                   + (f" ({more} more problem{'s' if more != 1 else ''})" if more else ""))
    return AuditReport(ok=not problems, checked=checked, first_broken_id=first_broken,
                       message=message, problems=tuple(problems))


_LABELS = {"patients": "patient", "practitioners": "practitioner",
           "consultations": "consultation", "signed_consents": "signed consent",
           "sessions": "session", "session_products": "session product",
           "clinic_settings": "clinic settings", "photos": "photograph",
           "photo_consents": "photo consent event"}


def _record_problems(connection: Connection,
                     last_after: dict[tuple[str, int], tuple[str | None, int]],
                     batch: int) -> list[str]:
    from sqlalchemy import inspect

    problems: list[str] = []
    present = set(inspect(connection).get_table_names())
    for name, table in AUDITED_TABLES.items():
        if name not in present:
            continue  # a database (or a backup of one) from before the table existed
        label = _LABELS[name]
        seen: set[int] = set()
        wanted = [table.c[column] for column in STATE_COLUMNS[name]]
        if name == "signed_consents":
            wanted.append(table.c.pdf)
        last_id = 0
        while True:
            rows = damage.read_rows(connection, table, wanted, where=table.c.id > last_id,
                                    order_by=[table.c.id], limit=batch)
            if not rows:
                break
            for row in rows:
                values = row.values
                seen.add(row.id)
                audited = last_after.get((name, row.id))
                if row.damaged:
                    problems.append(f"{label} {row.id}: cannot be checked against its audit "
                                    "trail, a stored value does not parse "
                                    f"({', '.join(item.column for item in row.damaged)})")
                elif audited is None:
                    problems.append(f"{label} {row.id}: has no audit event (written outside "
                                    "mesodesk)")
                elif audited[0] != state_hash(name, values):
                    problems.append(f"{label} {row.id}: differs from its last audited state "
                                    f"(event {audited[1]}): changed outside mesodesk")
                if (name == "signed_consents" and not row.damaged
                        and sha256_hex(bytes(row.pdf)) != row.pdf_sha256):
                    problems.append(f"signed consent {row.id}: the PDF no longer matches its "
                                    "SHA-256")
            last_id = rows[-1].id
        for (table_name, record_id), (after, event_id) in last_after.items():
            if table_name == name and after is not None and record_id not in seen:
                problems.append(f"{label} {record_id}: missing, but its last audit event "
                                f"({event_id}) does not delete it")
    return problems
