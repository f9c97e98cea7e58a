"""Headless record commands: ``import``, ``export``, ``backup``, ``restore``, ``audit verify``.

Each opens the database named by ``--db`` (or ``MESODESK_DB``, else the user data
directory), with ``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) for an encrypted one.
Store errors become one-line messages with the store's exit code, never tracebacks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mesodesk.cli import EXIT_FAILURE, EXIT_OK, CommandError
from mesodesk.commands.clinical import knowledge, load_document
from mesodesk.commands.common import (
    actor,
    consultation_id,
    open_store,
    read_passphrase,
    store_errors,
    write_file,
)


def import_command(args: argparse.Namespace) -> int:
    from mesodesk.store import import_document

    kb = knowledge()
    doc = load_document(args.file, kb)
    with open_store(args, "import") as db:
        result = import_document(db, doc, actor=actor("import"))
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
    out = None if args.out == "-" else Path(args.out)
    if out is not None and out.is_dir():
        raise CommandError(f"{out}: is a folder; give a file name such as "
                           f"{out / f'consultation-{wanted}.json'}")
    with open_store(args, "export", migrate=False) as db:
        record = db.consultations.get(wanted)
        text = record.document.to_json(indent=2) + "\n"
        if out is None:
            sys.stdout.write(text)
        else:
            write_file(out, text)
        # patient data left the database: the audit trail says where it went
        db.audit.note("export", table="consultations", record_id=wanted,
                      details={"to": str(out.absolute()) if out else "standard output",
                               "fingerprint": record.document.fingerprint()},
                      actor=actor("export"))
    where = "standard output" if out is None else str(out)
    print(f"wrote consultation {wanted} ({record.status}, fingerprint "
          f"{record.document.fingerprint()}) to {where}", file=sys.stderr if out is None else sys.stdout)
    return EXIT_OK


def backup_command(args: argparse.Namespace) -> int:
    from mesodesk.store.backup import verify_backup

    with open_store(args, "backup") as db:
        path = db.backup(args.out)
        summary = verify_backup(path, db.location.passphrase)
        print(f"backed up {db.description} to {path} ({summary.describe()})")
    return EXIT_OK


def restore_command(args: argparse.Namespace) -> int:
    from mesodesk.store import open_database
    from mesodesk.store.backup import restore
    from mesodesk.store.engine import resolve_location

    passphrase = read_passphrase(args)
    with store_errors():
        location = resolve_location(getattr(args, "db", None), passphrase)
        result = restore(location, args.file)
    print(f"verified {result.summary.path}: {result.summary.describe()}")
    print(f"restored it into {result.target}")
    if result.kept_aside is not None:
        print(f"the database it replaced is kept at {result.kept_aside}")
    with store_errors():
        db = open_database(location.path, location.passphrase, actor=actor("restore"))
        try:
            if db.upgrade_backup is not None:
                print(f"upgraded the restored database to the current schema (its previous "
                      f"version is backed up at {db.upgrade_backup})")
            # the restored trail continues with the restore itself
            db.audit.note("restore-backup", actor=actor("restore"), details={
                "from": str(result.summary.path), "schema": result.summary.revision,
                "replaced_database_kept_at": str(result.kept_aside or "")})
        finally:
            db.close()
    return EXIT_OK


def audit_verify_command(args: argparse.Namespace) -> int:
    with open_store(args, "audit verify", migrate=False) as db:
        report = db.audit.verify()
    if report.ok:
        print(report.message)
        return EXIT_OK
    print(report.message)
    for problem in report.problems:
        print(f"  {problem}")
    return EXIT_FAILURE
