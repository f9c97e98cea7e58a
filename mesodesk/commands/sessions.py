"""Headless session commands: ``session add``, ``sessions``, ``recall``, ``calendar``,
``consultations`` and ``demo-db``; each calls ``mesodesk.services`` as the GUI does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mesodesk.commands.clinical import knowledge
from mesodesk.commands.common import (CommandError, actor, open_store, read_passphrase,
                                     service_errors, write_file)
from mesodesk.exit_codes import EXIT_OK
from mesodesk.i18n import _
from mesodesk.services import documents
from mesodesk.services import sessions as service


def session_add_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    with service_errors():
        session = service.read_session_file(args.file)
    with open_store(args, "session add") as db:
        with service_errors(suffix="\n" + _("nothing was recorded")):
            record = service.record_session(db, kb, session, actor=actor("session add"))
        patient = db.patients.get(record.patient_id)
    print(_("recorded session {number} of the {concern} course of consultation {consultation} "
            "({patient})").format(number=session.number, concern=session.concern,
                                  consultation=record.consultation_id, patient=patient.name))
    if record.corrects is not None:
        print(_("it corrects session {id}, which stays on record as it was").format(
            id=record.corrects))
    print(record.id)
    return EXIT_OK


def session_summary_command(args: argparse.Namespace) -> int:
    text = args.session_id.strip()
    if not text.isdigit() or int(text) <= 0:
        raise CommandError(_("'{text}': not a session id (a whole number above 0)").format(
            text=args.session_id))
    out = Path(args.out)
    if out.is_dir():
        raise CommandError(_("--out {path}: is a directory; give a file name such as "
                             "summary.pdf").format(path=args.out))
    kb = knowledge()
    with open_store(args, "session summary", migrate=False) as db:
        with service_errors():
            pdf = service.session_summary(db, kb, int(text))
            record = db.consultations.get(db.sessions.get(int(text)).consultation_id)
        write_file(out, pdf)
        with service_errors():
            documents.record_disclosure(db, "session-summary", record, str(out.absolute()),
                                        actor("session summary"), written=out)
    print(_("wrote {path}").format(path=out))
    return EXIT_OK


def sessions_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    with open_store(args, "sessions", migrate=False) as db:
        with service_errors():
            state = service.course_state(db, kb, args.consultation, "CONSULTATION")
    record = state.record
    print(_("consultation {id} of {date} ({status})").format(
        id=record.id, date=record.date.isoformat(), status=record.status))
    for row in state.sessions:
        planned = row.planned.isoformat() if row.planned else _("past the plan")
        if row.done is not None:
            status = _("done {date} (session {id})").format(
                date=row.done.session.date.isoformat(), id=row.done.id)
        else:
            status = _("planned")
        print(f"  {row.concern:<18} {row.number:>3}  {planned:<12}  {status}")
    if not state.sessions:
        print("  " + _("no course: the consultation is not finalized"))
    upcoming = state.next
    if upcoming is not None:
        print(_("next: session {number} of {concern} on {date}").format(
            number=upcoming.number, concern=upcoming.concern, date=upcoming.planned.isoformat()))
    return EXIT_OK


def recall_command(args: argparse.Namespace) -> int:
    with open_store(args, "recall", migrate=False) as db:
        with service_errors():
            if args.csv:
                hits = service.write_recall_csv(db, args.lot, args.csv, actor("recall"))
            else:
                hits = service.recall(db, args.lot)
    if args.json:
        print(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
    else:
        for hit in hits:
            print(f"{hit.session_date.isoformat()}  {hit.patient_name}  "
                  f"{hit.date_of_birth.isoformat()}  {hit.phone or '-'}  "
                  f"{hit.product or hit.substance}  {hit.lot}  "
                  + _("(session {id})").format(id=hit.session_id))
        patients = len({hit.patient_id for hit in hits})
        print(_("lot {lot}: {uses} uses by {patients} patients").format(
            lot=args.lot.strip(), uses=len(hits), patients=patients))
    if args.csv:
        print(_("wrote {path}").format(path=args.csv), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def calendar_command(args: argparse.Namespace) -> int:
    kb = knowledge()
    with open_store(args, "calendar", migrate=False) as db:
        with service_errors():
            count = service.write_calendar(db, kb, args.consultation, args.out,
                                           actor("calendar"), field="CONSULTATION")
    print(_("wrote {path} ({count} sessions to come)").format(path=args.out, count=count))
    return EXIT_OK


def consultations_command(args: argparse.Namespace) -> int:
    with open_store(args, "consultations", migrate=False) as db:
        with service_errors():
            rows = service.list_consultations(db, args.patient or "")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(f"{row['id']:>6}  {row['date']}  {row['status']:<11}  {row['name']} "
              f"({row['date_of_birth']})  {' '.join(row['concerns'])}")
    print(_("{count} consultations").format(count=len(rows)))
    return EXIT_OK


def demo_db_command(args: argparse.Namespace) -> int:
    from mesodesk.services.demo import write_demo_database

    out = Path(args.out)
    if out.exists():
        raise CommandError(_("--out {path}: already exists; the demo clinic is written to a new "
                             "file only").format(path=args.out))
    if not out.parent.is_dir():
        raise CommandError(_("--out {path}: the directory {folder} does not exist").format(
            path=args.out, folder=out.parent))
    with service_errors():
        summary = write_demo_database(out, knowledge(), actor=actor("demo-db"),
                                      unencrypted=bool(getattr(args, "unencrypted", False)),
                                      passphrase=read_passphrase(args))
    print(_("wrote the demo clinic to {path}: {patients} patients, {consultations} "
            "consultations, {sessions} sessions").format(path=out, **summary))
    return EXIT_OK
