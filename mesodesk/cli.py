"""The command line: the GUI by default, and the headless commands.

Exit codes (a stable interface): 0 success, 1 unexpected failure, 2 invalid input,
3 clinically blocked. Only argparse is imported up front, so ``--version`` and
``--help`` answer without Qt, SQLAlchemy or reportlab; each command imports what it
needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mesodesk import __version__
from mesodesk.exit_codes import EXIT_FAILURE, EXIT_INVALID, EXIT_OK
from mesodesk.i18n import _, preferred_language, set_language


def _add_database_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    # On a subcommand the options are suppressed when absent, so they do not hide the
    # same option given before the subcommand (an argparse quirk).
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH_OR_URL", default=default,
                        help=_("database file or postgresql:// URL (default: MESODESK_DB, "
                             "else the user data directory)"))
    _add_encryption_options(parser, default)


def _add_encryption_options(parser: argparse.ArgumentParser,
                            default: object = argparse.SUPPRESS) -> None:
    parser.add_argument("--passphrase-file", metavar="FILE", default=default,
                        help=_("open an encrypted (SQLCipher) database with the passphrase in FILE "
                             "(or set MESODESK_PASSPHRASE); a new database is encrypted with a "
                             "key kept in the operating system's key store without one"))
    parser.add_argument("--unencrypted", action="store_true", default=default,
                        help=_("create a new database as a plain, unencrypted SQLite file "
                             "(anyone with the file can read it)"))


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), function)(args)
    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesodesk",
        description=_("Consultation assistant for mesotherapy practitioners. "
                    "Without a command, starts the desktop app."))
    parser.add_argument("--version", action="version", version=f"mesodesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help=_("start the app on a temporary database filled with example patients"))
    parser.add_argument("--no-crash-dialog", action="store_true",
                        help=_("log uncaught errors and exit instead of showing a dialog (for tests)"))
    parser.add_argument("--smoke-test", action="store_true",
                        help=_("check that this installation works end to end, then exit"))
    _add_database_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    screen = commands.add_parser("screen", help=_("screen a consultation document for contraindications"))
    screen.add_argument("file", metavar="FILE.json")
    screen.add_argument("--json", action="store_true", help=_("print the mesodesk.screening/1 result"))
    screen.set_defaults(handler=_lazy("mesodesk.commands.clinical", "screen_command"))

    plan = commands.add_parser("plan", help=_("write the treatment plan and consent summary as a PDF"))
    plan.add_argument("file", metavar="FILE.json", nargs="?")
    plan.add_argument("--consultation", metavar="ID", help=_("a stored consultation instead of a file"))
    plan.add_argument("--out", required=True, metavar="PLAN.pdf")
    plan.add_argument("--paper", choices=["a4", "letter"])
    plan.add_argument("--calendar", metavar="FILE.ics",
                      help=_("with --consultation: also write the sessions still to come as a "
                             "calendar file"))
    plan.add_argument("--clinic-file", metavar="CLINIC.json",
                      help="the clinic's name, address, phone and jurisdiction (JSON or TOML) "
                           "for a plan made from FILE.json, instead of the database's settings")
    _add_database_options(plan)
    plan.set_defaults(handler=_lazy("mesodesk.commands.report", "plan_command"))

    knowledge = commands.add_parser("knowledge", help=_("work with the knowledge base"))
    knowledge_commands = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION",
                                                  required=True)
    check = knowledge_commands.add_parser("check", help=_("validate a knowledge-base directory"))
    check.add_argument("directory", metavar="DIR", nargs="?",
                       help=_("directory to check (default: the shipped base and your overlay)"))
    check.set_defaults(handler=_lazy("mesodesk.commands.clinical", "knowledge_check_command"))

    _add_record_commands(commands)
    _add_session_commands(commands)
    _add_photo_commands(commands)
    return parser


def _add_record_commands(commands: argparse._SubParsersAction) -> None:
    records = "mesodesk.commands.records"
    imp = commands.add_parser("import", help=_("store a consultation document; prints its id last"))
    imp.add_argument("file", metavar="FILE.json")
    _add_database_options(imp)
    imp.set_defaults(handler=_lazy(records, "import_command"))

    exp = commands.add_parser("export", help=_("write a stored consultation as a document"))
    exp.add_argument("consultation_id", metavar="CONSULTATION_ID")
    exp.add_argument("--out", required=True, metavar="FILE.json")
    _add_database_options(exp)
    exp.set_defaults(handler=_lazy(records, "export_command"))

    backup = commands.add_parser("backup", help=_("copy the database consistently, even while in use"))
    backup.add_argument("--out", required=True, metavar="FILE")
    _add_database_options(backup)
    backup.set_defaults(handler=_lazy(records, "backup_command"))

    restore = commands.add_parser(
        "restore", help=_("replace the database with a verified backup, after showing what it "
                        "holds and asking"))
    restore.add_argument("file", metavar="FILE", nargs="?")
    restore.add_argument("--yes", action="store_true",
                         help=_("replace without asking (for scripts)"))
    restore.add_argument("--keep", type=int, default=None, metavar="N",
                         help=_("copies of replaced databases to keep aside (default: 5)"))
    restore.add_argument("--list-kept", action="store_true",
                         help=_("list the copies earlier restores kept aside, and exit"))
    _add_database_options(restore)
    restore.set_defaults(handler=_lazy(records, "restore_command"))

    encrypt = commands.add_parser(
        "encrypt", help=_("encrypt a plain database (its key kept in the key store, or the "
                        "passphrase of --passphrase-file or MESODESK_PASSPHRASE)"))
    _add_database_options(encrypt)
    encrypt.set_defaults(handler=_lazy(records, "encrypt_command"))

    rekey = commands.add_parser("rekey", help=_("change the key of an encrypted database"))
    new_key = rekey.add_mutually_exclusive_group(required=True)
    new_key.add_argument("--new-passphrase-file", metavar="FILE",
                         help=_("the new passphrase, on the first line of FILE"))
    new_key.add_argument("--key-store", action="store_true",
                         help=_("a new random key, kept in the operating system's key store"))
    _add_database_options(rekey)
    rekey.set_defaults(handler=_lazy(records, "rekey_command"))

    patient = commands.add_parser("patient", help=_("keep the patient records clean"))
    patient_commands = patient.add_subparsers(dest="patient_command", metavar="ACTION",
                                              required=True)
    merge = patient_commands.add_parser(
        "merge", help=_("merge two records of one person: REMOVED's consultations move to KEPT"))
    merge.add_argument("removed", metavar="REMOVED_ID")
    merge.add_argument("kept", metavar="KEPT_ID")
    merge.add_argument("--yes", action="store_true", help=_("merge without asking (for scripts)"))
    _add_database_options(merge)
    merge.set_defaults(handler=_lazy("mesodesk.commands.patients", "merge_command"))
    for name, text in (("delete", _("delete a patient who has no consultation (made by "
                                    "mistake); one with records as erase does")),
                       ("erase", _("erase a patient and all their records (GDPR article "
                                   "17): refused while the retention period of their records "
                                   "runs, saying until when"))):
        delete = patient_commands.add_parser(name, help=text)
        delete.add_argument("patient", metavar="PATIENT_ID")
        delete.add_argument("--yes", action="store_true", help=_("delete without asking"))
        _add_database_options(delete)
        delete.set_defaults(handler=_lazy("mesodesk.commands.patients", "delete_command"))

    export = commands.add_parser(
        "patient-export", help=_("write everything kept about a patient to a ZIP file (GDPR "
                                 "articles 15 and 20): consultations, sessions, signed PDFs, "
                                 "photographs, a summary PDF and an index"))
    export.add_argument("patient", metavar="PATIENT_ID")
    export.add_argument("--out", required=True, metavar="FILE.zip")
    _add_database_options(export)
    export.set_defaults(handler=_lazy("mesodesk.commands.patients", "export_command"))

    audit = commands.add_parser("audit", help=_("the audit trail"))
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser("verify", help=_("check the hash chain of the audit trail"))
    _add_database_options(verify)
    verify.set_defaults(handler=_lazy(records, "audit_verify_command"))


def _add_session_commands(commands: argparse._SubParsersAction) -> None:
    module = "mesodesk.commands.sessions"
    session = commands.add_parser("session", help=_("treatment sessions"))
    session_commands = session.add_subparsers(dest="session_command", metavar="ACTION",
                                              required=True)
    add = session_commands.add_parser(
        "add", help=_("record a session (mesodesk.session/1); prints its id last"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=_("Record a treatment session (mesodesk.session/1), checked against its "
                      "signed\nconsultation; prints the new session's id last."),
        epilog=_('A recorded session is never changed. To correct one, record the session as '
                 'it should have been, with\n  "corrects": {"session": ID, "reason": "why"}\n'
                 'ID is the recorded session it replaces (a session of the same consultation, '
                 'still in force);\nthe reason is required. The corrected session stays on '
                 'record, marked as replaced.\nSee docs/session-format-extensions.md.'))
    add.add_argument("file", metavar="FILE.json")
    _add_database_options(add)
    add.set_defaults(handler=_lazy(module, "session_add_command"))
    summary = session_commands.add_parser("summary", help="the one-page summary of a session "
                                                          "for the patient (PDF)")
    summary.add_argument("session_id", metavar="SESSION_ID")
    summary.add_argument("--out", required=True, metavar="SUMMARY.pdf")
    _add_database_options(summary)
    summary.set_defaults(handler=_lazy(module, "session_summary_command"))

    course = commands.add_parser("sessions", help=_("a consultation's course: planned and done"))
    course.add_argument("consultation", metavar="CONSULTATION")
    _add_database_options(course)
    course.set_defaults(handler=_lazy(module, "sessions_command"))

    recall = commands.add_parser("recall", help=_("every session that used a lot"))
    recall.add_argument("lot", metavar="LOT")
    recall.add_argument("--json", action="store_true", help=_("print the uses as JSON"))
    recall.add_argument("--csv", metavar="FILE", help=_("also write them as CSV for the authorities"))
    _add_database_options(recall)
    recall.set_defaults(handler=_lazy(module, "recall_command"))

    calendar = commands.add_parser("calendar", help=_("the sessions still to come, as iCalendar"))
    calendar.add_argument("consultation", metavar="CONSULTATION")
    calendar.add_argument("--out", required=True, metavar="FILE.ics")
    _add_database_options(calendar)
    calendar.set_defaults(handler=_lazy(module, "calendar_command"))

    listing = commands.add_parser("consultations", help=_("list stored consultations"))
    listing.add_argument("--patient", metavar="TEXT", help=_("only this patient's (a search)"))
    listing.add_argument("--json", action="store_true")
    _add_database_options(listing)
    listing.set_defaults(handler=_lazy(module, "consultations_command"))

    demo = commands.add_parser("demo-db", help=_("write the demo clinic to a new database file"))
    demo.add_argument("--out", required=True, metavar="PATH")
    # A new file: the passphrase or --unencrypted chooses how it is written; --db means nothing.
    _add_encryption_options(demo)
    demo.set_defaults(handler=_lazy(module, "demo_db_command"))


def _add_photo_commands(commands: argparse._SubParsersAction) -> None:
    from mesodesk.domain.photos import PhotoView

    module = "mesodesk.commands.photos"
    photo = commands.add_parser("photo", help=_("photographs of the treated areas, with the "
                                                "patient's photo consent"))
    actions = photo.add_subparsers(dest="photo_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help=_("add photographs (JPEG, PNG; HEIC with pillow-heif), "
                                           "stripped of their metadata; prints their ids last"))
    add.add_argument("patient", metavar="PATIENT_ID")
    add.add_argument("files", metavar="FILE", nargs="+")
    add.add_argument("--area", required=True, help=_("the area, as the knowledge base names it"))
    add.add_argument("--view", required=True, choices=[view.value for view in PhotoView])
    when = add.add_mutually_exclusive_group()
    when.add_argument("--session", metavar="SESSION_ID", help=_("taken at this session"))
    when.add_argument("--before", action="store_true",
                      help=_("taken before the course (the default)"))
    add.add_argument("--taken", metavar="DATE",
                     help=_("the date taken (default: the camera's, else today)"))
    _add_database_options(add)
    add.set_defaults(handler=_lazy(module, "photo_add_command"))

    listing = actions.add_parser("list", help=_("a patient's photographs (no image data)"))
    listing.add_argument("patient", metavar="PATIENT_ID")
    listing.add_argument("--json", action="store_true")
    _add_database_options(listing)
    listing.set_defaults(handler=_lazy(module, "photo_list_command"))

    consent = actions.add_parser("consent", help=_("show, give or withdraw the photo consent; "
                                                   "withdrawing deletes the image data"))
    consent.add_argument("patient", metavar="PATIENT_ID")
    consent.add_argument("action", nargs="?", choices=["give", "withdraw"])
    consent.add_argument("--date", metavar="DATE", help=_("the date (default: today)"))
    consent.add_argument("--yes", action="store_true",
                         help=_("withdraw without asking (the image data is deleted)"))
    _add_database_options(consent)
    consent.set_defaults(handler=_lazy(module, "photo_consent_command"))

    sheet = actions.add_parser("sheet", help=_("the comparison sheet of two photographs (PDF)"))
    sheet.add_argument("before", metavar="BEFORE_ID")
    sheet.add_argument("after", metavar="AFTER_ID")
    sheet.add_argument("--out", required=True, metavar="FILE.pdf")
    sheet.add_argument("--language", choices=["el", "en"],
                       help=_("default: the patient's (their latest consultation's)"))
    _add_database_options(sheet)
    sheet.set_defaults(handler=_lazy(module, "photo_sheet_command"))


def _run_gui(args: argparse.Namespace) -> int:
    try:
        from mesodesk.ui.app import run_app
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("mesodesk.ui"):
            from mesodesk.commands.clinical import demo_screen

            return demo_screen()
        raise
    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    set_language(preferred_language())  # the help and the messages in the app's language
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    from mesodesk.commands.common import CommandError
    from mesodesk.commands.text_checks import output_problem, say, text_problem

    problem = text_problem(sys.argv[1:] if argv is None else argv)
    if problem is None and (handler is not None or args.smoke_test):
        problem = output_problem()  # before anything is stored: the output comes after
    if problem is not None:
        say(f"mesodesk: {problem}")
        return EXIT_INVALID
    try:
        if args.smoke_test:
            from mesodesk.commands.smoke import smoke_test

            return smoke_test(args)
        if handler is None:
            return _run_gui(args)
        return handler(args)
    except CommandError as error:
        print(f"mesodesk: {error}", file=sys.stderr)
        return error.exit_code
    except UnicodeEncodeError as error:
        # Checked before the command ran; a value that slips through still gets a message.
        say(f"mesodesk: text that cannot be written here: {error}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`mesodesk screen FILE --json | head`): not an error of ours.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
