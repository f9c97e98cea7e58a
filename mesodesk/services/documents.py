"""Consultation documents in and out: read a file, import it, export a stored one.

Import and export are the same for the GUI and ``mesodesk import``/``export``: the same
checks, the same messages, the same audit events (patient data leaving the database is
recorded with where it went).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.i18n import _
from mesodesk.services.errors import InvalidInput, ServiceError, store_errors
from mesodesk.services.inputs import read_text

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ConsultationRecord
    from mesodesk.store.database import Database
    from mesodesk.store.repositories import ImportResult


def parse_document(text: str, kb: KnowledgeBase, source: str = "the document") -> Consultation:
    """A consultation document validated against the knowledge base; every problem is an
    issue naming its JSON path."""
    from mesodesk.domain.document import DocumentError, parse_consultation

    try:
        return parse_consultation(text, kb)
    except DocumentError as error:
        raise InvalidInput(_("{source} is not a valid consultation document").format(
            source=source), issues=tuple(str(issue) for issue in error.issues)) from None


def read_document(path: str | os.PathLike[str], kb: KnowledgeBase) -> Consultation:
    path = Path(path)
    return parse_document(read_text(path, "file"), kb, str(path))


def import_document(db: Database, doc: Consultation, actor: str = "") -> ImportResult:
    """Store a document: the patient matched (name and date of birth) or created, and a new
    draft, in one transaction; a document already stored adds nothing (``added`` False).
    Signatures are not carried into the draft: it is signed again when it is finished.
    A database with damaged values is refused (see ``damage.check_undamaged``)."""
    from mesodesk.services.damage import check_undamaged

    check_undamaged(db, _("import"))
    with store_errors():
        return db.consultations.import_document(doc, actor=actor)


def import_file(db: Database, kb: KnowledgeBase, path: str | os.PathLike[str],
                actor: str = "") -> ImportResult:
    return import_document(db, read_document(path, kb), actor=actor)


@dataclass(frozen=True)
class ExportResult:
    record: ConsultationRecord
    text: str            # the document as written (version 2 JSON, a final newline)
    destination: str     # the file, or "standard output"


def export_document(db: Database, consultation_id: int, out: str | os.PathLike[str] | None,
                    actor: str = "", *, write_stdout=None) -> ExportResult:
    """Write a stored consultation as a document to ``out`` (whole or not at all), or hand
    it to ``write_stdout`` when ``out`` is None; the audit trail records where it went.
    A damaged consultation, or any damaged value in the database, is refused by name."""
    from mesodesk.services.damage import check_undamaged
    from mesodesk.store.files import write_atomically

    path = Path(out) if out is not None else None
    if path is not None and path.is_dir():
        raise InvalidInput(f"{path}: is a folder; give a file name such as "
                           f"{path / f'consultation-{consultation_id}.json'}", field="--out")
    if path is not None and not path.absolute().parent.is_dir():
        raise InvalidInput(f"{path}: the folder {path.absolute().parent} does not exist",
                           field="--out")
    check_undamaged(db, _("export"))
    with store_errors():
        record = db.consultations.get(consultation_id)
    text = document_json(record)
    if path is None:
        if write_stdout is None:
            raise InvalidInput("give a file to export to", field="--out")
        write_stdout(text)
        destination = "standard output"
    else:
        try:
            write_atomically(path, text.encode("utf-8"))
        except OSError as error:
            raise ServiceError(f"cannot write {path}: {error.strerror or error}",
                               field=str(path)) from None
        destination = str(path.absolute())
    record_disclosure(db, "export", record, destination, actor,
                      written=path if path is not None else None)
    return ExportResult(record, text, destination)


def document_json(record: ConsultationRecord) -> str:
    """A stored consultation as an exported document: version-2 JSON (a version-1 record
    is upgraded as it was read), indented, with a final newline. The one serializer of
    ``mesodesk export`` and the patient's export."""
    return record.document.to_json(indent=2) + "\n"


def record_disclosure(db: Database, action: str, record: ConsultationRecord, destination: str,
                      actor: str = "", written: Path | None = None) -> None:
    """Patient data left the database (an export, a plan, a print): the audit trail says
    where it went. When that cannot be recorded, the disclosure did not happen: the file
    ``written`` is removed again and the error says why."""
    try:
        with store_errors(f"{destination}: the audit trail could not record the {action}, so "
                          "nothing was disclosed: "):
            db.audit.note(action, table="consultations", record_id=record.id,
                          details={"to": destination,
                                   "fingerprint": record.document.fingerprint()},
                          actor=actor)
    except ServiceError:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
