"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain has no secret: someone with the file can delete the last events, or drop
the triggers, rewrite a record and recompute every hash, and the chain is whole again. A
checkpoint anchors it: the number of events, the last event's hash, the first event's hash
and a hash of each schema object (tables, triggers, functions), signed with this
installation's Ed25519 key. The private key lives in the operating system's key store
(``mesodesk.store.keystore``); the checkpoints live in a private folder of the user data
directory (0700, files 0600), one file per database, and one goes into every backup.

A checkpoint is written at the end of each session that wrote (the app quitting, each
command that writes), and only when the database still extends the last checkpoint:
mesodesk never signs a chain that was cut or rewritten. Events that were in the database
before the session began but after the last checkpoint (a session that did not end, or
events added behind mesodesk's back) are carried in the checkpoint as "unconfirmed", so a
later signature never vouches for them.

Where no key store is available, checkpoints are written unsigned: they still show a
truncation or a rebuild made by someone who did not also rewrite the checkpoint file,
and ``audit verify`` says that they cannot be trusted further than that.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from mesodesk.store import tables as t
from mesodesk.store.base import GENESIS_HASH, REVISIONS

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from mesodesk.store.engine import Location

FORMAT = "mesodesk.checkpoint/1"
KEY_NAME = "audit-checkpoint-key"      # the private key's name in the key store
PUBLIC_KEY_FILE = "signing-key.pub"    # beside the checkpoints, for reading them elsewhere
EMBEDDED_TABLE = "mesodesk_checkpoint"  # the checkpoint inside a backup file
FOLDER = "checkpoints"

# The triggers the migrations create (0001, 0006, 0008, 0009); each must be there (and, on PostgreSQL,
# enabled). tests/store/test_tampering.py checks this list against a new database.
SQLITE_TRIGGERS = (
    "audit_events_no_delete", "audit_events_no_update", "consultations_final_no_delete",
    "consultations_final_no_update", "signed_consents_final_only",
    "signed_consents_no_delete", "signed_consents_no_update",
    "sessions_final_only", "sessions_no_update", "sessions_no_delete",
    "session_products_while_recording", "session_products_no_update",
    "session_products_no_delete",
    "photos_no_update", "photos_no_delete", "photo_consents_no_update",
    "photo_consents_no_delete", "erasures_no_update", "erasures_no_delete",
)
# On PostgreSQL a delete trigger is per row (an erasure lets one patient's rows go, 0009),
# so TRUNCATE has a trigger of its own.
POSTGRESQL_TRIGGERS = (*SQLITE_TRIGGERS, "consultations_no_truncate",
                       "signed_consents_no_truncate", "sessions_no_truncate",
                       "session_products_no_truncate", "photos_no_truncate",
                       "photo_consents_no_truncate")


def _sha256(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- what the database holds ---------------------------------------------------------------

@dataclass(frozen=True)
class ChainHead:
    events: int          # the last event's id (ids are consecutive from 1)
    head: str            # the last event's hash
    chain: str           # the first event's hash: which chain this is
    revision: str | None
    schema: dict[str, str]  # "trigger audit_events_no_delete" -> SHA-256 of its definition

    @property
    def short(self) -> str:
        """What a PDF prints: the head's first 12 hex digits."""
        return self.head[:12]


def schema_objects(connection: Connection) -> dict[str, str]:
    """Each table, index, trigger (and, on PostgreSQL, function) of the schema, hashed."""
    if connection.dialect.name == "postgresql":
        return _postgresql_objects(connection)
    rows = connection.execute(text(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND name <> :embedded ORDER BY type, name"), {"embedded": EMBEDDED_TABLE})
    return {f"{kind} {name}": _sha256(sql or "") for kind, name, sql in rows}


def _postgresql_objects(connection: Connection) -> dict[str, str]:
    objects: dict[str, str] = {}
    columns = connection.execute(text(
        "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "ORDER BY table_name, ordinal_position")).all()
    tables: dict[str, list[Any]] = {}
    for table, *column in columns:
        tables.setdefault(table, []).append(list(column))
    objects.update({f"table {name}": _sha256(_canonical(spec)) for name, spec in tables.items()})
    # tgenabled is 'D' for a trigger switched off with ALTER TABLE ... DISABLE TRIGGER.
    triggers = connection.execute(text(
        "SELECT tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled FROM pg_trigger tg "
        "JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT tg.tgisinternal AND n.nspname = current_schema()")).all()
    objects.update({f"trigger {name}": _sha256(f"{definition} [{enabled}]")
                    for name, definition, enabled in triggers})
    functions = connection.execute(text(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
    )).all()
    objects.update({f"function {name}": _sha256(definition) for name, definition in functions})
    return objects


def chain_head(connection: Connection) -> ChainHead:
    from mesodesk.store.schema import current_revision

    events = t.audit_events.c
    last = connection.execute(select(events.id, events.hash).order_by(events.id.desc())
                              .limit(1)).first()
    first = connection.execute(select(events.hash).order_by(events.id).limit(1)).scalar()
    return ChainHead(events=last.id if last else 0, head=last.hash if last else GENESIS_HASH,
                     chain=first or GENESIS_HASH, revision=current_revision(connection),
                     schema=schema_objects(connection))


def head_hash(connection: Connection) -> str:
    """The last event's hash (the genesis hash of an empty trail)."""
    events = t.audit_events.c
    last = connection.execute(select(events.hash).order_by(events.id.desc()).limit(1)).scalar()
    return last or GENESIS_HASH


def missing_triggers(connection: Connection) -> list[str]:
    """The protective triggers that are not there (or, on PostgreSQL, switched off)."""
    objects = schema_objects(connection)
    postgresql = connection.dialect.name == "postgresql"
    expected = POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS
    problems = [f"the trigger {name} is missing (dropped?): the records it protects can be "
                "changed without a trace in the database" for name in expected
                if f"trigger {name}" not in objects]
    if postgresql:
        disabled = connection.execute(text(
            "SELECT tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT tg.tgisinternal "
            "AND n.nspname = current_schema() AND tg.tgenabled = 'D' ORDER BY 1")).scalars()
        problems.extend(f"the trigger {name} is disabled" for name in disabled)
    return problems


def event_hash_at(connection: Connection, event_id: int) -> str | None:
    return connection.execute(select(t.audit_events.c.hash)
                              .where(t.audit_events.c.id == event_id)).scalar()


# -- the checkpoint ------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    database: str
    events: int
    head: str
    chain: str
    revision: str | None
    schema: dict[str, str]
    written_at: str
    unconfirmed: tuple[tuple[int, int], ...] = ()
    key: str | None = None        # the public key that signed it (base64)
    signature: str | None = None

    def payload(self) -> bytes:
        values = asdict(self)
        values.pop("signature")
        values["format"] = FORMAT
        values["unconfirmed"] = [list(span) for span in self.unconfirmed]
        return _canonical(values).encode("utf-8")

    def to_json(self) -> str:
        values = json.loads(self.payload())
        values["signature"] = self.signature
        return json.dumps(values, ensure_ascii=False, sort_keys=True, indent=1) + "\n"

    @classmethod
    def from_json(cls, data: str) -> Checkpoint:
        values = json.loads(data)
        if not isinstance(values, dict) or values.pop("format", None) != FORMAT:
            raise ValueError("not a mesodesk checkpoint")
        values["unconfirmed"] = tuple(tuple(span) for span in values.get("unconfirmed", ()))
        return cls(**values)

    @property
    def when(self) -> str:
        return self.written_at[:16].replace("T", " ")


def _schema_diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = [f"the {name} was dropped" for name in sorted(before) if name not in after]
    changes += [f"the {name} was changed" for name in sorted(before)
                if name in after and after[name] != before[name]]
    changes += [f"a {name} was added" for name in sorted(after) if name not in before]
    return changes


def _upgraded(checkpoint: Checkpoint, head: ChainHead) -> bool:
    """The schema moved to a later revision this build knows (a migration ran since)."""
    if checkpoint.revision == head.revision or head.revision not in REVISIONS:
        return False
    if checkpoint.revision is None:
        return True
    return (checkpoint.revision in REVISIONS
            and REVISIONS.index(head.revision) > REVISIONS.index(checkpoint.revision))


def compare(connection: Connection, checkpoint: Checkpoint, head: ChainHead) -> list[str]:
    """What in the database contradicts the checkpoint: a cut tail, a rewritten or
    rebuilt chain, a schema object dropped or changed."""
    problems = []
    when = checkpoint.when
    if head.events < checkpoint.events:
        problems.append(
            f"the tail of the audit trail was cut: the checkpoint of {when} counted "
            f"{checkpoint.events} events, the database ends at event {head.events} (events "
            f"{head.events + 1}..{checkpoint.events} were deleted)")
    elif checkpoint.events and event_hash_at(connection, checkpoint.events) != checkpoint.head:
        problems.append(
            f"the audit chain was rewritten or rebuilt: event {checkpoint.events} is not the "
            f"event the checkpoint of {when} recorded (its hash differs), so the events up to "
            "it were changed and their hashes recomputed")
    if checkpoint.events and head.chain != checkpoint.chain:
        problems.append(f"the audit chain was rebuilt from its first event (the first event's "
                        f"hash differs from the checkpoint of {when})")
    if not _upgraded(checkpoint, head):
        problems.extend(f"schema: {change} since the checkpoint of {when}"
                        for change in _schema_diff(checkpoint.schema, head.schema))
    return problems


def uncovered(checkpoint: Checkpoint, head: ChainHead) -> list[tuple[int, int]]:
    """Event ranges no signature vouches for: unconfirmed earlier, or after the checkpoint."""
    spans = list(checkpoint.unconfirmed)
    if head.events > checkpoint.events:
        spans.append((checkpoint.events + 1, head.events))
    return spans


# -- the key -------------------------------------------------------------------------------

def signing_key(*, create: bool = True) -> Ed25519PrivateKey | None:
    """This installation's key from the key store (made on first use), or None when
    there is no key store."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from mesodesk.store import keystore

    try:
        stored = keystore.get_secret(KEY_NAME)
        if stored is not None:
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(stored))
        if not create:
            return None
        key = Ed25519PrivateKey.generate()
        keystore.set_secret(KEY_NAME, base64.b64encode(_private_bytes(key)).decode("ascii"))
    except keystore.KeyStoreUnavailable:
        return None
    except ValueError:  # a value under our name that is not a key: not ours to replace
        return None
    _write_public_key(key)
    return key


def key_store_answers() -> bool:
    """Is there a key store here that answers (keyring's fallbacks and a refusing or
    locked store do not)?"""
    from mesodesk.store import keystore

    try:
        keystore.get_secret(KEY_NAME)
    except keystore.KeyStoreUnavailable:
        return False
    return True


def _private_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def public_key_text(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _write_public_key(key: Ed25519PrivateKey) -> None:
    from mesodesk.store.files import write_atomically

    try:
        write_atomically(folder() / PUBLIC_KEY_FILE, public_key_text(key) + "\n")
    except OSError:
        pass  # a convenience for reading checkpoints elsewhere; the key store holds the key


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey | None) -> Checkpoint:
    if key is None:
        return replace(checkpoint, key=None, signature=None)
    signed = replace(checkpoint, key=public_key_text(key))
    signature = key.sign(signed.payload())
    return replace(signed, signature=base64.b64encode(signature).decode("ascii"))


def signature_status(checkpoint: Checkpoint, key: Ed25519PrivateKey | None) -> str:
    """"valid", "unsigned", "invalid" (altered, or signed by another key) or "no-key"
    (signed, but there is no key store here to check it with)."""
    from cryptography.exceptions import InvalidSignature

    if checkpoint.signature is None:
        return "unsigned"
    if key is None:
        return "no-key"
    if checkpoint.key != public_key_text(key):
        return "invalid"
    try:
        key.public_key().verify(base64.b64decode(checkpoint.signature), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return "invalid"
    return "valid"


# -- the files -----------------------------------------------------------------------------

def folder() -> Path:
    """The private folder of checkpoints (0700), made when missing."""
    from mesodesk.paths import make_private_dir, user_data_dir

    return make_private_dir(user_data_dir() / FOLDER)


def database_identity(location: Location) -> str:
    """Which database a checkpoint belongs to: its file (resolved), or its server URL."""
    if location.kind == "sqlite":
        assert location.path is not None
        return str(location.path.resolve())
    return location.name


def checkpoint_path(location: Location) -> Path:
    name = hashlib.sha256(database_identity(location).encode("utf-8")).hexdigest()[:32]
    return folder() / f"{name}.json"


def load(location: Location) -> Checkpoint | None:
    """The last checkpoint of this database, or None. A file that does not read as a
    checkpoint raises ``ValueError``."""
    try:
        path = checkpoint_path(location)
        data = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ValueError(f"cannot read the checkpoint {path}: {error.strerror}") from None
    try:
        return Checkpoint.from_json(data)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path} is not a readable checkpoint ({error})") from None


def now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Written:
    written: bool
    reason: str = ""      # why not, when not
    signed: bool = False
    path: Path | None = None


def new_checkpoint(location: Location, head: ChainHead,
                   unconfirmed: tuple[tuple[int, int], ...] = ()) -> Checkpoint:
    return Checkpoint(database=database_identity(location), events=head.events, head=head.head,
                      chain=head.chain, revision=head.revision, schema=head.schema,
                      written_at=now_text(), unconfirmed=unconfirmed)


_STORED: Any = object()


def _untrusted_baseline(previous: Checkpoint, key: Ed25519PrivateKey | None) -> list[str]:
    """A checkpoint this installation must not build on: altered, or signed by another key,
    or unsigned although there is a key to have signed it (the file may have been replaced)."""
    status = signature_status(previous, key)
    if status == "invalid":
        return ["the last checkpoint's signature does not verify with this installation's key "
                "(the checkpoint file was altered or replaced)"]
    if status == "unsigned" and key is not None:
        return ["the last checkpoint is unsigned although this installation has a signing key "
                "(the checkpoint file may have been replaced)"]
    return []


def write(connection: Connection, location: Location, *, opened_at: int | None,
          baseline: Checkpoint | None = _STORED) -> Written:
    """Checkpoint the head, if the database still extends the last checkpoint.

    ``opened_at``: the last event's id when this session opened the database (None: not
    known, every event after the last checkpoint is carried as unconfirmed).
    ``baseline``: the checkpoint the database must extend; by default the stored one.
    A restore passes the checkpoint its backup carried (or None: the old one no longer
    applies to the database it replaced).
    """
    head = chain_head(connection)
    previous = baseline
    if previous is _STORED:
        try:
            previous = load(location)
        except ValueError as error:
            return Written(False, str(error))
        lost = against_memory(connection, previous, head, remembered(location))
        if lost:
            return Written(False, lost[0])
    key = signing_key()
    if previous is not None:
        refused = _untrusted_baseline(previous, key) or compare(connection, previous, head)
        if refused:
            return Written(False, refused[0])
    # Events before this session began are not its own; with no checkpoint at all, nothing
    # of ours has vouched for them (a database from before, or its checkpoint deleted).
    checkpoint = sign(new_checkpoint(location, head, _unconfirmed(previous, head, opened_at)),
                      key)
    path = checkpoint_path(location)
    from mesodesk.store.files import write_atomically

    try:
        write_atomically(path, checkpoint.to_json())
    except OSError as error:
        return Written(False, f"cannot write {path}: {error.strerror or error}")
    remember(location, checkpoint)
    return Written(True, signed=checkpoint.signature is not None, path=path)


# -- the key store's memory of the last checkpoint -----------------------------------------
# A signed checkpoint file can still be deleted, or replaced by an older one (signed too)
# before the chain is cut back to it. The key store keeps the last one's event and hash.

def _memory_name(location: Location) -> str:
    return "audit-head-" + checkpoint_path(location).stem


def remember(location: Location, checkpoint: Checkpoint) -> None:
    from mesodesk.store import keystore

    try:
        keystore.set_secret(_memory_name(location), f"{checkpoint.events}:{checkpoint.head}")
    except keystore.KeyStoreUnavailable:
        pass  # no key store: the file alone anchors the chain (audit verify says so)


def remembered(location: Location) -> tuple[int, str] | None:
    from mesodesk.store import keystore

    try:
        value = keystore.get_secret(_memory_name(location))
    except keystore.KeyStoreUnavailable:
        return None
    events, _, head = (value or "").partition(":")
    return (int(events), head) if events.isdigit() and head else None


def against_memory(connection: Connection, stored: Checkpoint | None, head: ChainHead,
                   memory: tuple[int, str] | None) -> list[str]:
    """What the key store's memory of the last checkpoint shows: the checkpoint file
    deleted or replaced by an older one, and the chain cut or rewritten since."""
    if memory is None or (stored is not None and stored.events >= memory[0]):
        return []
    events, last = memory
    problems = [f"the checkpoint file of this database was deleted, though the key store "
                f"remembers the last checkpoint (event {events})" if stored is None else
                f"the checkpoint file is older than the last one written (it ends at event "
                f"{stored.events}, the key store remembers event {events}): it was replaced"]
    if head.events < events:
        problems.append(f"the tail of the audit trail was cut: the last checkpoint counted "
                        f"{events} events, the database ends at event {head.events}")
    elif event_hash_at(connection, events) != last:
        problems.append(f"the audit chain was rewritten or rebuilt: event {events} is not the "
                        "event the last checkpoint recorded (its hash differs)")
    return problems


# -- the checkpoint inside a backup --------------------------------------------------------

def _unconfirmed(previous: Checkpoint | None, head: ChainHead, opened_at: int | None
                 ) -> tuple[tuple[int, int], ...]:
    """The spans no signature vouches for once ``head`` is checkpointed by a session that
    opened the database at event ``opened_at`` (None: not known)."""
    start = head.events if opened_at is None else min(opened_at, head.events)
    if previous is None:
        return ((1, start),) if start > 1 else ()
    if start > previous.events:
        return (*previous.unconfirmed, (previous.events + 1, start))
    return previous.unconfirmed


def embed(connection: Connection, location: Location, opened_at: int | None = None) -> bool:
    """Put a checkpoint of ``connection``'s chain (a backup copy being written) into it,
    by a session that opened the database at event ``opened_at``. Signed only when the
    chain extends this database's last checkpoint; True if signed."""
    head = chain_head(connection)
    try:
        previous = load(location)
    except ValueError:
        previous = None
    key = signing_key()
    trusted = previous is None or not (_untrusted_baseline(previous, key)
                                       or compare(connection, previous, head))
    checkpoint = sign(new_checkpoint(location, head, _unconfirmed(previous, head, opened_at)),
                      key if trusted else None)
    connection.execute(text(f"DROP TABLE IF EXISTS {EMBEDDED_TABLE}"))
    connection.execute(text(f"CREATE TABLE {EMBEDDED_TABLE} (checkpoint TEXT NOT NULL)"))
    connection.execute(text(f"INSERT INTO {EMBEDDED_TABLE} (checkpoint) VALUES (:c)"),
                       {"c": checkpoint.to_json()})
    return checkpoint.signature is not None


def embedded(connection: Connection) -> Checkpoint | None:
    """The checkpoint a backup file carries, or None. Raises ``ValueError`` when unreadable."""
    if connection.dialect.name != "sqlite":
        return None
    present = connection.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                      "AND name = :name"), {"name": EMBEDDED_TABLE}).scalar()
    if not present:
        return None
    data = connection.execute(text(f"SELECT checkpoint FROM {EMBEDDED_TABLE}")).scalar()
    try:
        return Checkpoint.from_json(data)
    except (ValueError, TypeError) as error:
        raise ValueError(f"the checkpoint inside the database cannot be read ({error})") from None


def adopt(checkpoint: Checkpoint, location: Location) -> Path:
    """Make ``checkpoint`` (from a restored backup, its signature checked) this database's."""
    from mesodesk.store.files import write_atomically

    path = checkpoint_path(location)
    write_atomically(path, checkpoint.to_json())
    return path


def embedded_problems(connection: Connection) -> list[str]:
    """What contradicts the checkpoint a backup file carries: its chain cut or rebuilt since,
    its schema changed, or its checkpoint altered after this installation signed it. (A
    backup of another installation is signed with another key: that alone is no problem.)"""
    try:
        checkpoint = embedded(connection)
    except ValueError as error:
        return [str(error)]
    if checkpoint is None:
        return []
    key = signing_key(create=False)
    ours = key is not None and checkpoint.key == public_key_text(key)
    if ours and signature_status(checkpoint, key) != "valid":
        return ["the checkpoint inside the backup was altered after it was signed"]
    return [f"against the checkpoint inside the backup: {problem}"
            for problem in compare(connection, checkpoint, chain_head(connection))]
