"""The records as a whole: opening the database, backups, restore, the audit trail,
and the one way a passphrase file is read."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.services.errors import InvalidInput, store_errors

if TYPE_CHECKING:
    from mesodesk.store.backup import BackupSummary
    from mesodesk.store.encryption import KeyChange
    from mesodesk.store.base import AuditReport
    from mesodesk.store.database import Database


def read_passphrase_file(path: str | os.PathLike[str]) -> str:
    """The passphrase in a file: its first line, without a byte-order mark or the line
    ending. The one rule for ``--passphrase-file``, the GUI and every command.

    An empty first line, a NUL byte, a file that is not UTF-8 or cannot be read is an
    ``InvalidInput`` naming the file.
    """
    from mesodesk.services.inputs import check_regular_file

    path = Path(path)
    check_regular_file(path, "passphrase file", limit=64 * 1024)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such passphrase file", field="--passphrase-file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a passphrase file",
                           field="--passphrase-file") from None
    except OSError as error:
        raise InvalidInput(f"{path}: the passphrase file cannot be read "
                           f"({error.strerror or error})", field="--passphrase-file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: the passphrase file is not UTF-8 text",
                           field="--passphrase-file") from None
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if "\x00" in passphrase:
        raise InvalidInput(f"{path}: the passphrase file contains a NUL byte; a passphrase is "
                           "text on the file's first line", field="--passphrase-file")
    if not passphrase:
        raise InvalidInput(f"{path}: the passphrase file is empty (the passphrase is its "
                           "first line)", field="--passphrase-file")
    from mesodesk.store.keys import normalize_passphrase

    return normalize_passphrase(passphrase)


def open_records(location: str | os.PathLike[str] | None = None, passphrase: str | None = None,
                 *, migrate: bool = True, unencrypted: bool = False, actor: str = "") -> Database:
    """The database (a file, a ``postgresql://`` URL, or None for ``MESODESK_DB`` and then
    the user data directory), its schema brought up to date unless ``migrate=False``.
    A new file is encrypted, its key kept in the key store, unless a passphrase is given
    or ``unencrypted`` asks for a plain one."""
    from mesodesk.store import open_database

    with store_errors():
        return open_database(location, passphrase, migrate=migrate, unencrypted=unencrypted,
                             actor=actor)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    summary: BackupSummary


def backup(db: Database, out: str | os.PathLike[str], actor: str = "") -> BackupResult:
    """A consistent, verified copy of the database at ``out`` (encrypted like it). Every
    patient's record leaves the database with it: the audit trail records where it went
    first (so the copy carries its own event), and no copy is made if it cannot."""
    from mesodesk.services.installation import installation_id
    from mesodesk.store.backup import verify_backup

    with store_errors():
        # The event goes into the copy too: where it was made, by which installation.
        db.audit.note("backup", details={"to": str(Path(out).absolute()),
                                         "installation": installation_id()}, actor=actor)
        path = db.backup(out)
        summary = verify_backup(path, db.location.passphrase)
    return BackupResult(Path(path), summary)


@dataclass(frozen=True)
class RestorePreview:
    """What a backup holds, shown before it replaces the database ``target``."""

    summary: BackupSummary
    target: str
    installation: str  # this installation's id

    @property
    def from_here(self) -> bool | None:
        """Made by this installation? None when the backup does not say (an older
        mesodesk, or a file not made by ``backup``)."""
        if not self.summary.installation or not self.installation:
            return None
        return self.summary.installation == self.installation

    def lines(self) -> list[str]:
        """The summary a person reads before saying yes (the command line and the app)."""
        from mesodesk.i18n import _
        from mesodesk.services.installation import short

        summary = self.summary
        when = (summary.backed_up_at.astimezone().strftime("%Y-%m-%d %H:%M")
                if summary.backed_up_at is not None
                else _("unknown (the file was not made by mesodesk's backup)"))
        origin = {True: _("this installation"),
                  False: _("ANOTHER installation ({id}): another computer or another "
                           "clinic").format(id=short(summary.installation)),
                  None: _("unknown (an older mesodesk, or a copied file)")}[self.from_here]
        return [
            _("Clinic: {clinic}").format(clinic=summary.clinic or _("(no name in its settings)")),
            _("Backed up: {when}").format(when=when),
            _("Made by: {origin}").format(origin=origin),
            _("Patients: {patients}, consultations: {consultations} ({signed} with a signed "
              "consent)").format(patients=summary.patients,
                                 consultations=summary.consultations,
                                 signed=summary.signed_consents),
            _("Audit trail: {events} events, chain head {head}").format(
                events=summary.audit_events, head=summary.chain_head or "-"),
            _("It replaces: {target} (kept aside first)").format(target=self.target),
        ]


def preview_restore(location: str | os.PathLike[str] | None, passphrase: str | None,
                    source: str | os.PathLike[str]) -> RestorePreview:
    """Check the backup as a restore would and say what it holds; nothing is changed."""
    from mesodesk.services.installation import installation_id
    from mesodesk.store.backup import preview
    from mesodesk.store.engine import resolve_location

    with store_errors():
        where = resolve_location(location, passphrase)
        summary = preview(where, source)
    return RestorePreview(summary, where.name, installation_id())


@dataclass(frozen=True)
class RestoreOutcome:
    source: Path
    summary: BackupSummary
    target: Path
    kept_aside: Path | None
    upgrade_backup: Path | None
    removed: tuple[Path, ...] = ()  # the oldest copies kept aside, cleaned beyond the limit


def restore(location: str | os.PathLike[str] | None, passphrase: str | None,
            source: str | os.PathLike[str], actor: str = "", keep: int | None = None
            ) -> RestoreOutcome:
    """Replace the database with a verified backup; the one it replaces is kept aside
    (the newest ``keep`` copies are kept, 5 unless said). The restored audit trail
    continues with the restore itself."""
    from mesodesk.store import open_database
    from mesodesk.store.backup import KEEP_ASIDE
    from mesodesk.store.backup import restore as restore_file
    from mesodesk.store.engine import resolve_location

    with store_errors():
        where = resolve_location(location, passphrase)
        result = restore_file(where, source, keep=KEEP_ASIDE if keep is None else keep)
        db = open_database(where.path, where.passphrase, actor=actor)
        try:
            db.audit.note("restore-backup", actor=actor, details={
                "from": str(result.summary.path), "schema": result.summary.revision,
                "replaced_database_kept_at": str(result.kept_aside or "")})
            upgraded = db.upgrade_backup
            from mesodesk.services.verify import after_restore

            after_restore(db)  # the restored chain is anchored again
        finally:
            db.close()
    return RestoreOutcome(Path(result.summary.path), result.summary, Path(result.target),
                          result.kept_aside, upgraded, tuple(result.removed))


@dataclass(frozen=True)
class KeptCopy:
    path: Path
    kept_at: dt.datetime  # when it was put aside (the file's time)
    size: int


def kept_copies(location: str | os.PathLike[str] | None = None,
                passphrase: str | None = None) -> list[KeptCopy]:
    """The copies of replaced databases that restores keep beside the database, oldest
    first."""
    from mesodesk.store.backup import kept_copies as kept
    from mesodesk.store.engine import resolve_location

    with store_errors():
        where = resolve_location(location, passphrase)
        if where.path is None:
            return []
        copies = []
        for path in kept(where.path):
            try:
                info = path.stat()
            except OSError:  # removed meanwhile
                continue
            copies.append(KeptCopy(path, dt.datetime.fromtimestamp(info.st_mtime).astimezone(),
                                   info.st_size))
    return copies


def encrypt(location: str | os.PathLike[str] | None, new_passphrase: str | None = None,
            actor: str = "") -> KeyChange:
    """Encrypt the plain database at ``location``: with ``new_passphrase``, or (None) with a
    key kept in the key store. Verified before the plain file is removed; audited."""
    from mesodesk.store.encryption import encrypt as encrypt_file
    from mesodesk.store.engine import resolve_location

    with store_errors():
        return encrypt_file(resolve_location(location, unencrypted=True), new_passphrase,
                            actor=actor)


def rekey(location: str | os.PathLike[str] | None, passphrase: str | None,
          new_passphrase: str | None = None, actor: str = "") -> KeyChange:
    """Change the key of the encrypted database at ``location`` (opened with ``passphrase``,
    else ``MESODESK_PASSPHRASE``, else the key store's key): to ``new_passphrase``, or (None)
    to a new random key kept in the key store. Audited."""
    from mesodesk.store.encryption import rekey as rekey_file
    from mesodesk.store.engine import resolve_location

    with store_errors():
        return rekey_file(resolve_location(location, passphrase), new_passphrase, actor=actor)


def verify(db: Database) -> AuditReport:
    """Check the audit trail's hash chain and that each record matches its last event."""
    with store_errors():
        return db.audit.verify()
