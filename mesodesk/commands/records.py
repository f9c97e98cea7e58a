"""Headless record commands: ``import``, ``export``, ``backup``, ``restore``, ``audit verify``.

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
    actor,
    consultation_id,
    open_store,
    read_passphrase,
    service_errors,
)
from mesodesk.exit_codes import EXIT_FAILURE, EXIT_OK
from mesodesk.i18n import _
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
    with open_store(args, "export", migrate=False) as db:
        result = documents.export_document(db, wanted, out, actor=actor("export"),
                                           write_stdout=sys.stdout.write)
    record = result.record
    where = _("standard output") if out is None else str(out)
    print(_("wrote consultation {id} ({status}, fingerprint {fingerprint}) to {where}").format(
        id=wanted, status=record.status, fingerprint=record.document.fingerprint(), where=where),
          file=sys.stderr if out is None else sys.stdout)
    return EXIT_OK


def backup_command(args: argparse.Namespace) -> int:
    with open_store(args, "backup") as db:
        result = records.backup(db, args.out, actor=actor("backup"))
        print(_("backed up {database} to {path} ({summary})").format(
            database=db.description, path=result.path, summary=result.summary.describe()))
    return EXIT_OK


def restore_command(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args)
    with service_errors():
        result = records.restore(getattr(args, "db", None), passphrase, args.file,
                                 actor=actor("restore"))
    print(_("verified {source}: {summary}").format(source=result.source,
                                                   summary=result.summary.describe()))
    print(_("restored it into {target}").format(target=result.target))
    if result.kept_aside is not None:
        print(_("the database it replaced is kept at {path}").format(path=result.kept_aside))
    if result.upgrade_backup is not None:
        print(_("upgraded the restored database to the current schema (its previous version "
                "is backed up at {path})").format(path=result.upgrade_backup))
    return EXIT_OK


def audit_verify_command(args: argparse.Namespace) -> int:
    with open_store(args, "audit verify", migrate=False) as db:
        report = records.verify(db)
    print(report.message)
    if report.ok:
        return EXIT_OK
    for problem in report.problems:
        print(f"  {problem}")
    return EXIT_FAILURE
