"""What the headless commands share: the command error, the database options, service
errors as messages, consultation ids.

``--db`` (or ``MESODESK_DB``, else the user data directory) names the database;
``--passphrase-file`` (or ``MESODESK_PASSPHRASE``) opens an encrypted one, else the key
store's key does; ``--unencrypted`` makes a new one plain. The commands
call ``mesodesk.services`` directly; its errors become one-line messages with their exit
code, never tracebacks. Imports neither Qt nor SQLAlchemy until a database is opened.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mesodesk.exit_codes import EXIT_FAILURE, EXIT_INVALID
from mesodesk.services.errors import ServiceError, store_errors


class CommandError(Exception):
    """A failure the user can act on: printed as a message, never as a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_INVALID):
        super().__init__(message)
        self.exit_code = exit_code


@contextmanager
def service_errors(prefix: str = "", suffix: str = "") -> Iterator[None]:
    """A workflow's ``ServiceError`` (or a store error) raised inside becomes a
    ``CommandError`` with the same message and exit code."""
    try:
        with store_errors():
            yield
    except ServiceError as error:
        raise CommandError(f"{prefix}{error}{suffix}", error.exit_code) from None


def read_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase from ``--passphrase-file`` (see ``services.records.read_passphrase_file``),
    else None (the store then reads ``MESODESK_PASSPHRASE``)."""
    from mesodesk.services.records import read_passphrase_file

    name = getattr(args, "passphrase_file", None)
    if not name:
        return None
    with service_errors():
        return read_passphrase_file(name)


def actor(command: str) -> str:
    """Who the audit trail names for a command."""
    from mesodesk.store.audit import default_actor

    return f"{default_actor()} (mesodesk {command})"


@contextmanager
def open_store(args: argparse.Namespace, command: str, *, migrate: bool = True,
               read_only_ok: bool = False) -> Iterator[Any]:
    """The database the options name, closed afterwards; errors become messages.
    ``migrate=False`` opens an existing schema as it is (for commands that only read).
    ``read_only_ok``: a database that cannot be written is opened read-only (verify,
    export, backup). A command that wrote ends its session with a checkpoint of the audit
    chain's head."""
    from mesodesk.services.records import open_records
    from mesodesk.services.verify import Session, open_readable

    passphrase = read_passphrase(args)
    location = getattr(args, "db", None) or None
    with service_errors():
        if read_only_ok:
            db = open_readable(location, passphrase, migrate=migrate, actor=actor(command))
        else:
            db = open_records(location, passphrase, migrate=migrate,
                              unencrypted=bool(getattr(args, "unencrypted", False)),
                              actor=actor(command))
    if getattr(db, "read_only", False):
        from mesodesk.i18n import _
        from mesodesk.store.outside import outside_path

        print(_("{name} cannot be written: opened read-only; this command's audit events are "
                "kept outside it, in {path}").format(name=db.location.name,
                                                    path=outside_path(db.location)),
              file=sys.stderr)
    try:
        session = Session(db)
        if getattr(db, "upgrade_backup", None) is not None:
            print(f"upgraded the database schema; the previous version is backed up at "
                  f"{db.upgrade_backup}", file=sys.stderr)
        try:
            with service_errors():
                yield db
        finally:
            end_session(session)
    finally:
        db.close()


def confirm(question: str, yes: bool, nothing: str) -> None:
    """Go on only when the person says so: ``--yes``, or "y" typed on the terminal.
    Without a terminal (a script, a pipe) and without ``--yes``, the command stops with
    ``nothing`` ("nothing was restored") and why."""
    from mesodesk.i18n import _

    if yes:
        return
    if not sys.stdin.isatty():
        raise CommandError(_("{nothing}: that is done only when you say so. Run the command "
                             "in a terminal to be asked, or add --yes.").format(nothing=nothing))
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in {"y", "yes", _("y"), _("yes")}:
        raise CommandError(_("{nothing} (not confirmed)").format(nothing=nothing))


def whole_number(text: str, what: str) -> int:
    """An id typed on the command line (``what`` names it), or a message."""
    value = int(text) if text.strip().isdigit() else 0
    if value <= 0:
        raise CommandError(f"'{text}': not a {what} (it must be a whole number above 0)",
                           EXIT_INVALID)
    return value


def end_session(session: Any) -> None:
    """Checkpoint the audit chain; a checkpoint that cannot be written is said, not fatal
    (what the command did is stored)."""
    from mesodesk.i18n import _

    try:
        with service_errors():
            written = session.end()
    except CommandError as error:
        written = None
        print(_("the audit checkpoint was not updated: {reason}").format(reason=error),
              file=sys.stderr)
    if written is not None and not written.written:
        print(_("the audit checkpoint was not updated: {reason}; run `mesodesk audit verify`")
              .format(reason=written.reason), file=sys.stderr)


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


__all__ = ["EXIT_FAILURE", "CommandError", "actor", "confirm", "consultation_id", "end_session",
           "open_store", "read_passphrase", "service_errors", "whole_number", "write_file"]
