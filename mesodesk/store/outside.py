"""Events of a database that cannot be written (an export, a backup of a read-only file),
kept outside it: one line each, signed with the installation's key (see
``checkpoints.signing_key``), appended to a private file beside the database's checkpoint.
``audit verify`` lists them and names a line whose signature fails.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.store.checkpoints import (
    FORMAT,
    _canonical,
    _sha256,
    checkpoint_path,
    database_identity,
    public_key_text,
    signing_key,
)

if TYPE_CHECKING:
    from mesodesk.domain.records import AuditEvent
    from mesodesk.store.engine import Location


def outside_path(location: Location) -> Path:
    return checkpoint_path(location).with_suffix(".outside.jsonl")


def note_outside(location: Location, *, action: str, table: str, record_id: int | None,
                 details: dict[str, Any], actor: str) -> AuditEvent:
    """Record an event (an export, a backup) of a database that cannot be written: one
    signed line appended to a private file beside its checkpoint. ``OSError`` if it cannot
    be written (then the disclosure does not happen)."""
    from mesodesk.domain.records import AuditEvent
    from mesodesk.store.audit import now
    from mesodesk.store.files import create_private_file

    at = now()
    clean = {str(key): "" if value is None else str(value) for key, value in details.items()}
    entry = {"format": FORMAT + "#outside", "database": database_identity(location),
             "at": at.isoformat(), "actor": actor, "action": action, "table": table,
             "record_id": record_id, "details": clean}
    key = signing_key()
    if key is not None:
        entry["key"] = public_key_text(key)
        entry["signature"] = base64.b64encode(key.sign(_canonical(entry).encode())).decode()
    line = _canonical(entry)
    path = outside_path(location)
    create_private_file(path)
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(line + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    return AuditEvent(id=0, at=at, actor=actor, action=action, table=table,
                      record_id=record_id, before=None, after=None, previous_hash="",
                      hash=_sha256(line), details=clean)


def events_outside(location: Location) -> tuple[list[dict[str, Any]], list[str]]:
    """The events kept outside the database, and the lines whose signature fails."""
    from cryptography.exceptions import InvalidSignature

    try:
        lines = outside_path(location).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    key = signing_key(create=False)
    entries, bad = [], []
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            signature = entry.pop("signature", None)
            if signature is not None and key is not None:
                if entry.get("key") != public_key_text(key):
                    raise InvalidSignature
                key.public_key().verify(base64.b64decode(signature),
                                        _canonical(entry).encode())
            entries.append(entry)
        except (ValueError, AttributeError, InvalidSignature):
            bad.append(f"{outside_path(location)}, line {number}: altered (its signature does "
                       "not verify, or it does not read)")
    return entries, bad
