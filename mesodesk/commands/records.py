"""Headless record commands: ``import``, ``export``, ``backup``, ``restore``, ``audit verify``.

Each opens the database named by ``--db`` (or ``MESODESK_DB``, else the user data
directory), with ``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) for an encrypted one.
Store errors become one-line messages with the store's exit code, never tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mesodesk.cli import EXIT_FAILURE, EXIT_INVALID, EXIT_OK, CommandError
from mesodesk.commands.clinical import knowledge, load_document
from mesodesk.store import StoreError


@contextmanager
def store_errors() -> Iterator[None]:
    try:
        yield
    except StoreError as error:
        raise CommandError(str(error), error.exit_code) from None


def read_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from ``--passphrase-file`` (its first line), else None (the store then
    reads ``MESODESK_PASSPHRASE``)."""
    name = getattr(args, "passphrase_file", None)
    if not name:
        return None
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such passphrase file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a passphrase file") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: the passphrase file is not UTF-8 text") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise CommandError(f"{path}: the passphrase file is empty")
    return passphrase


def actor(command: str) -> str:
    from mesodesk.store.audit import default_actor

    return f"{default_actor()} (mesodesk {command})"


@contextmanager
def open_store(args: argparse.Namespace, command: str, *, migrate: bool = True):
    from mesodesk.store import open_database

    passphrase = read_passphrase(args)
    with store_errors():
        db = open_database(getattr(args, "db", None), passphrase, migrate=migrate,
                           actor=actor(command))
    try:
        if db.upgrade_backup is not None:
            print(f"upgraded the database schema; the previous version is backed up at "
                  f"{db.upgrade_backup}", file=sys.stderr)
        with store_errors():
            yield db
    finally:
        db.close()


def consultation_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0 or not text.strip().isdigit():
        raise CommandError(f"consultation id must be a whole number above 0, not '{text}'",
                           EXIT_INVALID)
    return value


def import_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    doc = load_document(args.file, kb)
    who = actor("import")
    with open_store(args, "import") as db:
        known = db.patients.find(doc.patient)
        patient = known or db.patients.find_or_create(doc.patient, actor=who)
        existing = db.consultations.find(patient.id, doc.fingerprint())
        if existing is not None and existing.document.to_dict() == doc.to_dict():
            print(f"{args.file} is already stored as consultation {existing.id} "
                  f"({existing.status}) of patient {patient.id}, {patient.name}; "
                  "nothing was added")
            print(existing.id)
            return EXIT_OK
        record = db.consultations.save_draft(patient.id, doc, actor=who)
        print(f"stored {args.file} as draft consultation {record.id} of "
              f"{'existing' if known else 'new'} patient {patient.id}, {patient.name}")
        print(record.id)
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as error:
        try:
            partial.unlink()
        except OSError:
            pass
        raise CommandError(f"{path}: cannot be written ({error.strerror})", EXIT_FAILURE) from None


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
            _write_atomically(out, text)
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
