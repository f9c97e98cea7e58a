"""``mesodesk plan``: write the treatment plan and consent summary as a PDF.

The consultation comes from a document file or, with ``--consultation ID``, from the
database, through ``mesodesk.services.plans`` as in the GUI (the clinic's details on every
page come from ``--clinic-file`` or the database's settings): a signed consultation's
plan is its stored signed PDF, byte for byte, and when sessions of it are recorded the
course record (the sessions done and to come, rendered now) is written beside it as
``<plan>-course-record.pdf``; ``--calendar FILE.ics`` also writes the sessions to come as a
calendar; any other is checked against the current
knowledge base (exit 2 naming the JSON path) and screened (blocked: exit 3, nothing
written). The PDF is written whole or not at all, so a failure never leaves half a PDF
and an existing plan is replaced whole or not at all.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mesodesk.commands.clinical import knowledge, load_document
from mesodesk.commands.common import (
    CommandError,
    actor,
    consultation_id,
    open_store,
    service_errors,
    write_file,
)
from mesodesk.exit_codes import EXIT_OK
from mesodesk.i18n import _
from mesodesk.services import documents, plans, sessions

if TYPE_CHECKING:
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord
    from mesodesk.store.database import Database


def plan_command(args: argparse.Namespace) -> int:
    out = _output_path(args.out)
    kb = knowledge()
    file = getattr(args, "file", None)
    wanted = getattr(args, "consultation", None)
    if file and wanted is not None:
        raise CommandError("give either FILE.json or --consultation ID, not both")
    if wanted is not None and getattr(args, "clinic_file", None):
        raise CommandError("--clinic-file is for a plan made from FILE.json; a stored "
                           "consultation's plan uses the database's settings")
    signed = False
    also: list[str] = []  # what was written beside the plan, said after it
    calendar = getattr(args, "calendar", None)
    if calendar and wanted is None:
        raise CommandError(_("--calendar: the sessions to come are those of a stored, signed "
                             "consultation; give --consultation ID"))
    if calendar:
        _output_path(calendar, "--calendar")
    if wanted is not None:
        number = consultation_id(wanted, "--consultation")
        with open_store(args, "plan") as db:
            with service_errors(f"--consultation {wanted}: ", "\nno plan was written"):
                stored = plans.stored_plan(db, kb, number, args.paper)
            if calendar and not stored.signed:
                raise CommandError(_("--calendar: consultation {id} is not signed: it has no "
                                     "course to put in a calendar; nothing was written").format(
                                         id=number))
            pdf, signed, paper = stored.pdf, stored.signed, stored.paper
            write_file(out, pdf)
            with service_errors():  # a stored patient's plan left the database
                documents.record_disclosure(db, "plan", stored.record, str(out.absolute()),
                                            actor("plan"), written=out)
            if signed:  # the signed PDF as it was, and the course as it happened beside it
                with service_errors(suffix="\n" + _("the plan was written; the course record "
                                                     "was not")):
                    course = plans.course_record(db, kb, number, args.paper)
                if course is not None:
                    also.append(_write_course_record(db, stored.record, course, out))
            if calendar:
                with service_errors(suffix="\n" + _("the plan was written; the calendar was "
                                                     "not")):
                    count = sessions.write_calendar(db, kb, number, calendar, actor("plan"),
                                                    field="--calendar")
                also.append(_("wrote {path} ({count} sessions to come)").format(
                    path=calendar, count=count))
    elif file:
        clinic_file = getattr(args, "clinic_file", None)
        clinic: ClinicSettings | None = None
        if clinic_file:  # read first: a bad clinic file fails before anything else is done
            from mesodesk.services.clinic import read_clinic_file

            with service_errors("--clinic-file: "):
                clinic = read_clinic_file(clinic_file)
        doc = load_document(file, kb)
        head = ""  # a document file with a database: the records' state it was printed in
        if _database_requested(args):
            with open_store(args, "plan") as db:
                if clinic is None:  # --clinic-file, when given, is the clinic on the paper
                    clinic = db.settings.get()
                head = plans.recorded_head(db)
        paper = args.paper or (clinic.default_paper if clinic is not None else "a4")
        with service_errors(suffix="\nno plan was written"):
            pdf = plans.render(doc, kb, clinic, paper, head)
        write_file(out, pdf)
    else:
        raise CommandError("give a consultation document FILE.json or --consultation ID")
    layout = "as it was signed" if signed else _PAPER_NAMES.get(paper, paper)
    print(f"wrote {out} ({plans.page_count(pdf)} pages, {layout}, {len(pdf) // 1024} KB)")
    for line in also:
        print(line)
    return EXIT_OK


_PAPER_NAMES = {"a4": "A4", "letter": "Letter"}


def _write_course_record(db: Database, record: ConsultationRecord, pdf: bytes, plan_out: Path
                         ) -> str:
    """The course as it happened, beside the signed plan (which stays as it was signed)."""
    path = plans.course_record_path(plan_out)
    write_file(path, pdf)
    with service_errors():
        documents.record_disclosure(db, "course-record", record, str(path.absolute()),
                                    actor("plan"), written=path)
    return _("wrote {path} (the course record: the sessions done and to come, {pages} "
             "pages)").format(path=path, pages=plans.page_count(pdf))


def _output_path(value: str, option: str = "--out") -> Path:
    out = Path(value)
    if out.is_dir():
        raise CommandError(_("{option} {value}: is a directory; give a file name such as "
                             "{example}").format(option=option, value=value, example=(
                                 "plan.pdf" if option == "--out" else "sessions.ics")))
    if not out.parent.is_dir():
        raise CommandError(_("{option} {value}: the directory {folder} does not exist").format(
            option=option, value=value, folder=out.parent))
    return out


def _database_requested(args: argparse.Namespace) -> bool:
    """A document file uses the clinic settings only when a database is named."""
    return bool(getattr(args, "db", None) or os.environ.get("MESODESK_DB"))
