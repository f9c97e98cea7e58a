"""What the headless commands share: the database options, store errors as messages,
consultation ids, and files written whole or not at all.

``--db`` (or ``MESODESK_DB``, else the user data directory) names the database;
``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) opens an encrypted one. Store errors
become one-line messages with the store's exit code, never tracebacks. Imports neither Qt
nor SQLAlchemy until a database is opened.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mesodesk.cli import EXIT_FAILURE, EXIT_INVALID, CommandError


@contextmanager
def store_errors(prefix: str = "") -> Iterator[None]:
    """The store's errors (``StoreError``, with its exit code) become messages."""
    import mesodesk.store

    try:
        yield
    except mesodesk.store.StoreError as error:
        raise CommandError(f"{prefix}{error}", getattr(error, "exit_code", EXIT_FAILURE)) from None


def read_text_file(path: Path, what: str) -> str:
    """A UTF-8 text file (a byte-order mark allowed), or a CommandError naming the file,
    ``what`` it was meant to be, and what is wrong with it."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a {what}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: the {what} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None


def read_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from ``--passphrase-file`` (its first line), else None (the store then
    reads ``MESODESK_PASSPHRASE``)."""
    name = getattr(args, "passphrase_file", None)
    if not name:
        return None
    path = Path(name)
    text = read_text_file(path, "passphrase file")
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise CommandError(f"{path}: the passphrase file is empty")
    return passphrase


def actor(command: str) -> str:
    """Who the audit trail names for a command."""
    from mesodesk.store.audit import default_actor

    return f"{default_actor()} (mesodesk {command})"


@contextmanager
def open_store(args: argparse.Namespace, command: str, *, migrate: bool = True) -> Iterator[Any]:
    """The database the options name, closed afterwards; store errors become messages.
    ``migrate=False`` opens an existing schema as it is (for commands that only read)."""
    import mesodesk.store

    passphrase = read_passphrase(args)
    with store_errors():
        db = mesodesk.store.open_database(getattr(args, "db", None) or None, passphrase,
                                          migrate=migrate, actor=actor(command))
    try:
        if getattr(db, "upgrade_backup", None) is not None:
            print(f"upgraded the database schema; the previous version is backed up at "
                  f"{db.upgrade_backup}", file=sys.stderr)
        with store_errors():
            yield db
    finally:
        db.close()


def consultation_id(text: str, option: str = "") -> int:
    """A consultation id typed on the command line; ``option`` names where (``--consultation``)."""
    value = int(text) if text.strip().isdigit() else 0
    if value <= 0:
        where = f"{option} {text}" if option else f"'{text}'"
        raise CommandError(f"{where}: not a consultation id (it must be a whole number above 0)",
                           EXIT_INVALID)
    return value


def write_file(path: Path, data: bytes | str) -> None:
    """Write the whole file or nothing (see ``mesodesk.store.files``); an existing file is
    replaced whole, and a failure leaves it and no temporary file behind."""
    from mesodesk.store.files import write_atomically

    try:
        write_atomically(path, data)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}", EXIT_FAILURE) from None
