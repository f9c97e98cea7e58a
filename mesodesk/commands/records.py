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
        print(f"{args.file} is already stored as consultation {record.id} "
              f"({record.status}) of patient {patient.id}, {patient.name}; nothing was added")
    else:
        print(f"stored {args.file} as draft consultation {record.id} of "
              f"{'new' if result.new_patient else 'existing'} patient {patient.id}, "
              f"{patient.name}")
        if doc.signatures is not None:
            print("the signatures were not carried over: the draft is signed again when it "
                  "is finished")
    print(record.id)
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    wanted = consultation_id(args.consultation_id)
    out = None if args.out == "-" else args.out
    with open_store(args, "export", migrate=False, read_only_ok=True) as db:
        result = documents.export_document(db, wanted, out, actor=actor("export"),
                                           write_stdout=sys.stdout.write)
    record = result.record
    where = "standard output" if out is None else str(out)
    print(f"wrote consultation {wanted} ({record.status}, fingerprint "
          f"{record.document.fingerprint()}) to {where}",
          file=sys.stderr if out is None else sys.stdout)
    return EXIT_OK


def backup_command(args: argparse.Namespace) -> int:
    with open_store(args, "backup", read_only_ok=True) as db:
        result = records.backup(db, args.out, actor=actor("backup"))
        print(f"backed up {db.description} to {result.path} ({result.summary.describe()})")
    return EXIT_OK


def restore_command(args: argparse.Namespace) -> int:
    passphrase = read_passphrase(args)
    with service_errors():
        result = records.restore(getattr(args, "db", None), passphrase, args.file,
                                 actor=actor("restore"))
    print(f"verified {result.source}: {result.summary.describe()}")
    print(f"restored it into {result.target}")
    if result.kept_aside is not None:
        print(f"the database it replaced is kept at {result.kept_aside}")
    if result.upgrade_backup is not None:
        print(f"upgraded the restored database to the current schema (its previous "
              f"version is backed up at {result.upgrade_backup})")
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
