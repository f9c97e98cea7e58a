"""``mesodesk plan``: write the treatment plan and consent summary as a PDF.

The consultation comes from a document file or, with ``--consultation ID``, from the
database. It is screened first: a blocked consultation exits 3 and writes nothing.
The PDF is written to a temporary file in the output's directory and renamed over
the output, so a failure never leaves half a PDF and an existing plan is replaced
whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.cli import EXIT_BLOCKED, EXIT_FAILURE, EXIT_INVALID, EXIT_OK, CommandError
from mesodesk.commands.clinical import blocked_message, knowledge, load_document
from mesodesk.domain.screening import screen

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.records import ClinicSettings

_PAGE = re.compile(rb"/Type /Page[^s]")


def plan_command(args: argparse.Namespace) -> int:
    out = _output_path(args.out)
    kb = knowledge()
    file = getattr(args, "file", None)
    consultation_id = getattr(args, "consultation", None)
    if file and consultation_id is not None:
        raise CommandError("give either FILE.json or --consultation ID, not both")
    clinic: ClinicSettings | None = None
    if consultation_id is not None:
        doc, clinic = _stored_consultation(args, consultation_id)
    elif file:
        doc = load_document(file, kb)
        if _database_requested(args):
            clinic = _clinic_settings(args)
    else:
        raise CommandError("give a consultation document FILE.json or --consultation ID")

    result = screen(doc, kb)
    if result.blocked:
        raise CommandError(f"{blocked_message(result)}\nno plan was written", EXIT_BLOCKED)

    paper = args.paper or (clinic.default_paper if clinic is not None else "a4")
    from mesodesk.reports import ReportError, render_plan

    try:
        pdf = render_plan(doc, result, kb, clinic, paper)
    except ReportError as error:
        raise CommandError(f"cannot make the plan: {error}", EXIT_INVALID) from None
    write_atomically(out, pdf)
    pages = len(_PAGE.findall(pdf))
    paper_name = {"a4": "A4", "letter": "Letter"}.get(paper, paper)
    print(f"wrote {out} ({pages} pages, {paper_name}, {len(pdf) // 1024} KB)")
    return EXIT_OK


def _output_path(value: str) -> Path:
    out = Path(value)
    if out.is_dir():
        raise CommandError(f"--out {value}: is a directory; give a file name such as plan.pdf")
    if not out.parent.is_dir():
        raise CommandError(f"--out {value}: the directory {out.parent} does not exist")
    return out


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename."""
    directory = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror}", EXIT_FAILURE) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file readable by its owner only; a plan is an ordinary file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise CommandError(f"cannot write {path}: {error.strerror}", EXIT_FAILURE) from None
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# -- the database (mesodesk.store) -------------------------------------------------------

def _database_requested(args: argparse.Namespace) -> bool:
    """A document file uses the clinic settings only when a database is named."""
    return bool(getattr(args, "db", None) or os.environ.get("MESODESK_DB"))


def _passphrase(args: argparse.Namespace) -> str | None:
    """The first line of ``--passphrase-file``; None lets the store read MESODESK_PASSPHRASE."""
    name = getattr(args, "passphrase_file", None)
    if not name:
        return None
    try:
        lines = Path(name).read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise CommandError(f"--passphrase-file {name}: not UTF-8 text") from None
    except OSError as error:
        raise CommandError(f"--passphrase-file {name}: cannot be read ({error.strerror})") from None
    if not lines or not lines[0]:
        raise CommandError(f"--passphrase-file {name}: the file is empty")
    return lines[0]


@contextmanager
def _store_errors(prefix: str = "") -> Iterator[None]:
    """The store's own errors (``StoreError``, with its exit code) become messages."""
    try:
        yield
    except CommandError:
        raise
    except Exception as error:
        import mesodesk.store

        store_error = getattr(mesodesk.store, "StoreError", None)
        if store_error is None or not isinstance(error, store_error):
            raise
        code = getattr(error, "exit_code", EXIT_FAILURE)
        raise CommandError(f"{prefix}{error}", code) from None


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[Any]:
    try:
        from mesodesk.store import open_database
    except ImportError as error:
        raise CommandError(f"the database cannot be opened: this installation has no working "
                           f"store ({error})", EXIT_FAILURE) from None
    passphrase = _passphrase(args)
    with _store_errors():
        db = open_database(getattr(args, "db", None) or None, passphrase=passphrase)
    try:
        with _store_errors():
            yield db
    finally:
        close = getattr(db, "close", None)
        if callable(close):
            close()


def _clinic_settings(args: argparse.Namespace) -> ClinicSettings:
    with _database(args) as db:
        return db.settings.get()


def _stored_consultation(args: argparse.Namespace, value: str
                         ) -> tuple[Consultation, ClinicSettings]:
    try:
        consultation_id = int(value)
    except ValueError:
        raise CommandError(f"--consultation {value}: not a consultation id (a whole number)") from None
    with _database(args) as db:
        try:
            with _store_errors(f"--consultation {value}: "):
                record = db.consultations.get(consultation_id)
        except LookupError:
            record = None
        if record is None:
            raise CommandError(f"--consultation {value}: no consultation with this id")
        return record.document, db.settings.get()
