"""``audit verify`` as a whole, and the session that ends with a checkpoint.

``verify`` checks, and says it checked: every stored value parses; the hash chain; each
record against its last audited state; the protective triggers; and the chain against
the signed checkpoint kept outside the database (and the one a backup carries). Each
finding names what was found; what could not be checked is said too (no checkpoint, no
key store).

``Session`` is what a command or the app holds while it has the database open: at its end
it checkpoints the chain's head (see ``mesodesk.store.checkpoints``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesodesk.i18n import _, ngettext
from mesodesk.services.errors import ServiceError, store_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mesodesk.store.checkpoints import Checkpoint, ChainHead, Written
    from mesodesk.store.damage import Damage
    from mesodesk.store.database import Database


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    message: str                  # one line: whole, or the first problem
    checked: tuple[str, ...]      # what was checked and found in order
    problems: tuple[str, ...]     # each finding, named
    notices: tuple[str, ...]      # what could not be checked, and events no signature covers
    damaged: tuple[Damage, ...] = ()
    head: str = ""                # the chain head's short hash


def verify(db: Database) -> VerifyReport:
    """Everything ``audit verify`` checks, on an open database."""
    from mesodesk.store import audit, checkpoints, damage

    with store_errors():
        with db.reading() as connection:
            damaged = damage.scan(connection)
            chain = audit.verify(connection)
            triggers = checkpoints.missing_triggers(connection)
            head = checkpoints.chain_head(connection)
            inside = _embedded(connection)
            stored = _stored(db)
            memory = checkpoints.against_memory(
                connection, stored if not isinstance(stored, str) else None, head,
                checkpoints.remembered(db.location))
            key = checkpoints.signing_key(create=False)
            have_store = checkpoints.key_store_answers()
            # This computer's checkpoint, else the one the file carries (a backup's).
            anchors = [_against(connection, head, checkpoint, where, key, have_store)
                       for checkpoint, where in ((stored, _("this computer")),
                                                 (inside, _("the database file")))
                       if checkpoint is not None and not isinstance(checkpoint, str)][:1]
    checked: list[str] = []
    problems: list[str] = [str(item) for item in damaged]
    notices: list[str] = []
    if not damaged:
        checked.append(_("stored values: every date, time and JSON document parses"))
    problems.extend(chain.problems)
    if chain.ok:
        checked.append(chain.message)
    problems.extend(triggers)
    if not triggers:
        checked.append(_("triggers: all the protective triggers are in place"))
    for checkpoint in (stored, inside):
        if isinstance(checkpoint, str):
            problems.append(checkpoint)
    problems.extend(memory)
    if stored is None and inside is None and not memory:
        notices.append(_("no checkpoint of this database is kept on this computer (no session "
                         "here has ended with it yet, or it came from elsewhere): a cut tail or "
                         "a rebuilt chain cannot be told from here"))
    for anchor in anchors:
        checked.extend(anchor.checked)
        problems.extend(anchor.problems)
        notices.extend(anchor.notices)
    outside_notices, outside_problems = _outside(db)
    notices.extend(outside_notices)
    problems.extend(outside_problems)
    if not have_store:
        notices.append(_("no key store on this machine: checkpoints are written unsigned and "
                         "their signatures cannot be checked, so they show a cut or rebuilt "
                         "chain only to someone who did not also rewrite the checkpoint file"))
    first = [chain.message] if not chain.ok else []  # "broken at event N" leads
    return VerifyReport(ok=not problems, message=_summary(first + problems, head),
                        checked=tuple(checked), problems=tuple(problems),
                        notices=tuple(dict.fromkeys(notices)), damaged=tuple(damaged),
                        head=head.short)


def _summary(problems: list[str], head: ChainHead) -> str:
    if not problems:
        return _("the records are whole: {events} events, chain head {head}").format(
            events=head.events, head=head.short)
    more = len(dict.fromkeys(problems)) - 1
    return ngettext("the records are not whole: {first} ({more} more problem)",
                    "the records are not whole: {first} ({more} more problems)", more).format(
        first=problems[0], more=more) if more else _(
        "the records are not whole: {first}").format(first=problems[0])


def _stored(db: Database) -> Checkpoint | str | None:
    from mesodesk.store import checkpoints

    try:
        return checkpoints.load(db.location)
    except ValueError as error:
        return str(error)
    except OSError as error:
        return _("the checkpoint folder cannot be read ({reason})").format(
            reason=error.strerror or error)


def _embedded(connection: Connection) -> Checkpoint | str | None:
    from mesodesk.store import checkpoints

    try:
        return checkpoints.embedded(connection)
    except ValueError as error:
        return str(error)


@dataclass(frozen=True)
class _Anchor:
    checked: tuple[str, ...]
    problems: tuple[str, ...]
    notices: tuple[str, ...]


def _against(connection: Connection, head: ChainHead, checkpoint: Checkpoint, where: str,
             key, have_store: bool) -> _Anchor:
    """The database compared with one checkpoint, and what its signature allows to say."""
    from mesodesk.store import checkpoints

    status = checkpoints.signature_status(checkpoint, key)
    label = _("the checkpoint of {when} kept on {where}").format(when=checkpoint.when,
                                                                 where=where)
    if status == "invalid":
        return _Anchor((), (_("{label}: its signature does not verify with this "
                              "installation's key (altered, or written by another "
                              "installation); the chain was not compared with it").format(
            label=label),), ())
    notices = []
    if status == "unsigned":
        notices.append(_("{label} is unsigned: compared with the database, but it proves "
                         "nothing against someone who could rewrite it too").format(label=label))
    elif status == "no-key" and have_store:
        notices.append(_("{label} is signed by a key this installation's key store does not "
                         "hold: compared with the database as it is").format(label=label))
    elif status == "no-key":
        notices.append(_("{label} is signed, but there is no key store here to check the "
                         "signature: compared with the database as it is").format(label=label))
    problems = checkpoints.compare(connection, checkpoint, head)
    checked = () if problems else (_(
        "{label} ({status}): the chain extends it, and the schema matches it").format(
        label=label, status=_("signature valid") if status == "valid" else _("not signed")),)
    for first, last in checkpoints.uncovered(checkpoint, head):
        notices.append(_("events {first}..{last} are not covered by a signed checkpoint: "
                         "written by a session that is still open or did not end, or added "
                         "outside mesodesk").format(first=first, last=last))
    return _Anchor(checked, tuple(problems), tuple(notices))


def open_readable(location, passphrase: str | None = None, *, migrate: bool = False,
                  actor: str = "") -> Database:
    """The database as ``records.open_records`` opens it, or, when the file or its folder
    cannot be written, opened read-only (``db.read_only``): it can still be verified,
    exported and backed up, and those events are kept outside it (signed)."""
    from mesodesk.store import open_database
    from mesodesk.store.base import ReadOnlyLocation
    from mesodesk.store.readonly import open_read_only

    try:
        with store_errors():  # as records.open_records (not imported: it imports this module)
            return open_database(location, passphrase, migrate=migrate, actor=actor)
    except ServiceError as error:
        if not isinstance(error.cause, ReadOnlyLocation):
            raise
    with store_errors():
        return open_read_only(location, passphrase)


def _outside(db: Database) -> tuple[list[str], list[str]]:
    """Notices for the events kept outside the database while it was read-only, and the
    problems of those whose signature fails."""
    from mesodesk.store import outside

    entries, bad = outside.events_outside(db.location)
    notices = []
    if entries:
        actions = ", ".join(sorted({entry.get("action", "?") for entry in entries}))
        notices.append(ngettext(
            "{count} event of this database was recorded outside it while it could not be "
            "written ({actions}), in {path}",
            "{count} events of this database were recorded outside it while it could not be "
            "written ({actions}), in {path}", len(entries)).format(
            count=len(entries), actions=actions, path=outside.outside_path(db.location)))
    return notices, bad


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


def after_restore(db: Database) -> Written:
    """A restore replaced the database on purpose: the old checkpoint no longer applies.
    The new one extends the checkpoint the backup carried when this installation signed
    it (so the backup's events stay vouched for); otherwise it starts afresh, with the
    restored events marked unconfirmed."""
    from mesodesk.store import checkpoints

    with store_errors():
        with db.reading() as connection:
            try:
                carried = checkpoints.embedded(connection)
            except ValueError:
                carried = None
            key = checkpoints.signing_key()
            if carried is not None and checkpoints.signature_status(carried, key) != "valid":
                carried = None
            head = checkpoints.chain_head(connection)
            return checkpoints.write(connection, db.location, opened_at=head.events - 1,
                                     baseline=carried)


class Session:
    """A command's or the app's time with the database: ``end`` checkpoints the head."""

    def __init__(self, db: Database):
        self.db = db
        self.opened_at = self._head_events()
        db.session_start = self.opened_at

    def _head_events(self) -> int | None:
        from mesodesk.store import checkpoints

        try:
            with store_errors():
                with self.db.reading() as connection:
                    return checkpoints.chain_head(connection).events
        except ServiceError:
            return None

    def end(self) -> Written | None:
        """Checkpoint the head when this session moved it; None when there was nothing
        to checkpoint."""
        from mesodesk.store import checkpoints

        if self.opened_at is not None and self._head_events() == self.opened_at:
            return None
        with store_errors():
            with self.db.reading() as connection:
                return checkpoints.write(connection, self.db.location, opened_at=self.opened_at)
