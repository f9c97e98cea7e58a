"""``mesodesk plan``: write the treatment plan and consent summary as a PDF.

The consultation comes from a document file or, with ``--consultation ID``, from the
database. A stored one is checked against the current knowledge base first (an item
of the practitioner's overlay may have been removed since): a mismatch exits 2 naming
the JSON path. It is screened next: a blocked consultation exits 3 and writes nothing.
The PDF is written to a temporary file in the output's directory and renamed over
the output, so a failure never leaves half a PDF and an existing plan is replaced
whole or not at all.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.cli import EXIT_BLOCKED, EXIT_INVALID, EXIT_OK, CommandError
from mesodesk.commands.clinical import blocked_message, knowledge, load_document
from mesodesk.commands.common import consultation_id, open_store, write_file
from mesodesk.domain.document import check_against_knowledge
from mesodesk.domain.screening import screen

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings

_PAGE = re.compile(rb"/Type /Page[^s]")


def plan_command(args: argparse.Namespace) -> int:
    out = _output_path(args.out)
    kb = knowledge()
    file = getattr(args, "file", None)
    wanted = getattr(args, "consultation", None)
    if file and wanted is not None:
        raise CommandError("give either FILE.json or --consultation ID, not both")
    clinic: ClinicSettings | None = None
    if wanted is not None:
        doc, clinic = _stored_consultation(args, wanted, kb)
    elif file:
        doc = load_document(file, kb)
        if _database_requested(args):
            with open_store(args, "plan") as db:
                clinic = db.settings.get()
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
    write_file(out, pdf)
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


# -- the database (mesodesk.store) -------------------------------------------------------

def _database_requested(args: argparse.Namespace) -> bool:
    """A document file uses the clinic settings only when a database is named."""
    return bool(getattr(args, "db", None) or os.environ.get("MESODESK_DB"))


def _stored_consultation(args: argparse.Namespace, value: str, kb: KnowledgeBase
                         ) -> tuple[Consultation, ClinicSettings]:
    """The stored document, checked against the current knowledge base (an item of the
    practitioner's overlay may have been removed since it was stored)."""
    from mesodesk.store import NotFound

    wanted = consultation_id(value, "--consultation")
    with open_store(args, "plan") as db:
        try:
            record = db.consultations.get(wanted)
        except NotFound:
            raise CommandError(f"--consultation {value}: no consultation with this id") from None
        clinic = db.settings.get()
    doc = record.document
    issues = check_against_knowledge(doc, kb, today=doc.date)
    if issues:
        lines = "\n".join(f"  {issue}" for issue in issues)
        raise CommandError(f"--consultation {value}: the stored consultation does not match the "
                           f"current knowledge base (was an item of your knowledge-base overlay "
                           f"removed?):\n{lines}\nno plan was written", EXIT_INVALID)
    return doc, clinic
