"""Headless record commands: ``import``, ``export``, ``backup``, ``restore``, ``encrypt``,
``rekey``, ``audit verify``.

Each opens the database named by ``--db`` (or ``MESODESK_DB``, else the user data
directory), with ``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) for an encrypted one,
and runs the workflow of ``mesodesk.services`` that the GUI runs too. Errors become
one-line messages with their exit code, never tracebacks.
"""

from __future__ import annotations

import argparse
import sys

from mesodesk.commands.clinical import knowledge, load_document
from mesodesk.commands.common import (
    CommandError,
    actor,
    confirm,
    consultation_id,
    open_store,
    read_passphrase,
    service_errors,
)
from mesodesk.exit_codes import EXIT_FAILURE, EXIT_OK
from mesodesk.i18n import _, ngettext
from mesodesk.services import documents, records


def import_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    doc = load_document(args.file, kb)
    with open_store(args, "import") as db:
        result = documents.import_document(db, doc, actor=actor("import"))
    record, patient = result.record, result.patient
    if not result.added:
        print(_("{file} is already stored as consultation {id} ({status}) of patient "
                "{patient}, {name}; nothing was added").format(
            file=args.file, id=record.id, status=record.status, patient=patient.id,
            name=patient.name))
    else:
        stored = (_("stored {file} as draft consultation {id} of new patient {patient}, {name}")
                  if result.new_patient else
                  _("stored {file} as draft consultation {id} of existing patient {patient}, "
                    "{name}"))
        print(stored.format(file=args.file, id=record.id, patient=patient.id, name=patient.name))
        if doc.signatures is not None:
            print(_("the signatures were not carried over: the draft is signed again when it "
                    "is finished"))
    print(record.id)
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    wanted = consultation_id(args.consultation_id)
    out = None if args.out == "-" else args.out
    with open_store(args, "export", migrate=False, read_only_ok=True) as db:
        result = documents.export_document(db, wanted, out, actor=actor("export"),
                                           write_stdout=sys.stdout.write)
    record = result.record
    where = _("standard output") if out is None else str(out)
    print(_("wrote consultation {id} ({status}, fingerprint {fingerprint}) to {where}").format(
        id=wanted, status=record.status, fingerprint=record.document.fingerprint(), where=where),
          file=sys.stderr if out is None else sys.stdout)
    return EXIT_OK


def backup_command(args: argparse.Namespace) -> int:
    with open_store(args, "backup", read_only_ok=True) as db:
        result = records.backup(db, args.out, actor=actor("backup"))
        print(_("backed up {database} to {path} ({summary})").format(
            database=db.description, path=result.path, summary=result.summary.describe()))
    return EXIT_OK


def restore_command(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args)
    location = getattr(args, "db", None)
    if args.list_kept:
        return _list_kept(location, passphrase)
    if not args.file:
        raise CommandError(_("give the backup FILE to restore (or --list-kept)"))
    if args.keep is not None and args.keep < 1:
        raise CommandError(_("--keep {keep}: keep at least 1 copy of the replaced database")
                           .format(keep=args.keep))
    with service_errors():
        preview = records.preview_restore(location, passphrase, args.file)
    print(_("{file} is a whole mesodesk backup:").format(file=preview.summary.path))
    for line in preview.lines():
        print(f"  {line}")
    _confirm_restore(preview, args.yes)
    with service_errors():
        result = records.restore(location, passphrase, args.file, actor=actor("restore"),
                                 keep=args.keep)
    print(_("restored it into {target}").format(target=result.target))
    if result.kept_aside is not None:
        print(_("the database it replaced is kept at {path}").format(path=result.kept_aside))
    for removed in result.removed:
        print(_("removed the oldest copy kept aside: {path}").format(path=removed))
    if result.upgrade_backup is not None:
        print(_("upgraded the restored database to the current schema (its previous version "
                "is backed up at {path})").format(path=result.upgrade_backup))
    return EXIT_OK


def _where_the_key_is(change) -> str:
    return (_("with a key kept in this computer's key store") if change.location.key_in_key_store
            else _("with the passphrase given"))


def encrypt_command(args: argparse.Namespace) -> int:
    """The passphrase of ``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) is the new
    one; without it the key is kept in the key store."""
    import os

    passphrase = read_passphrase(args) or os.environ.get("MESODESK_PASSPHRASE") or None
    with service_errors():
        change = records.encrypt(getattr(args, "db", None), passphrase, actor=actor("encrypt"))
    patients = change.tables.get("patients", 0)
    print(_("encrypted {path} {where} ({patients}, verified); the plain file was removed").format(
        path=change.location.path, where=_where_the_key_is(change),
        patients=ngettext("{n} patient", "{n} patients", patients).format(n=patients)))
    print(_("backups made before are not encrypted: make a new backup and delete the old ones"))
    return EXIT_OK


def rekey_command(args: argparse.Namespace) -> int:
    from mesodesk.services.records import read_passphrase_file

    new_passphrase = None
    if args.new_passphrase_file:
        with service_errors():
            new_passphrase = read_passphrase_file(args.new_passphrase_file)
    with service_errors():
        change = records.rekey(getattr(args, "db", None), read_passphrase(args), new_passphrase,
                               actor=actor("rekey"))
    print(_("changed the key of {path}: it now opens {where}").format(
        path=change.location.path, where=_where_the_key_is(change)))
    print(_("backups made before keep the old key: make a new backup"))
    if change.note:
        print(_("note: {note}").format(note=change.note))
    return EXIT_OK


def _confirm_restore(preview: records.RestorePreview, yes: bool) -> None:
    if preview.from_here is False and not yes:
        print(_("This backup was made by another installation of mesodesk."))
    confirm(_("Replace {target} with this backup?").format(target=preview.target), yes,
            _("nothing was restored"))


def _list_kept(location: str | None, passphrase: str | None) -> int:
    with service_errors():
        copies = records.kept_copies(location, passphrase)
    if not copies:
        print(_("no copies of replaced databases are kept aside"))
    for copy in copies:
        print(f"{copy.kept_at.strftime('%Y-%m-%d %H:%M')}  {copy.size:>12,} B  {copy.path}")
    return EXIT_OK


def audit_verify_command(args: argparse.Namespace) -> int:
    from mesodesk.services import verify

    with open_store(args, "audit verify", migrate=False, read_only_ok=True) as db:
        report = verify.verify(db)
    print(report.message)
    for title, lines in ((_("checked"), report.checked), (_("problems"), report.problems),
                         (_("not checked, or not vouched for"), report.notices)):
        if lines:
            print(f"{title}:")
            for line in lines:
                print(f"  {line}")
    return EXIT_OK if report.ok else EXIT_FAILURE
