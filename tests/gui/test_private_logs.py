"""Logs and crash reports carry no patient names or notes (issue 11, item 3).

A consultation is walked through the GUI for a patient with a distinctive name and
notes, with logging at DEBUG, then failures are provoked: an invalid email in the form
and through an operation (a validation error quotes the value it refused), an error
logged with its traceback, an uncaught error reported by the crash handler (log, stderr,
the dialog). Neither pytest's capture of the records nor the log file ``setup_logging``
writes may hold the name or the notes; each failure must still be logged, by its type.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from mesodesk.domain.records import NewPatient
from mesodesk.services import patients
from mesodesk.ui.crash import CrashHandler, error_label, private_traceback, setup_logging
from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, INGREDIENTS, PATIENT

from .conftest import (
    TIMEOUT,
    answer_history,
    click_box,
    click_next,
    settle,
    start_consultation,
    type_text,
)

NAME = "Ζωή ΜΑΡΚΕΡ-7731 <b>&"
NOTES = "Σημείωση-ΙΔΙΩΤΙΚΗ-4419: takes warfarin <i>"
# Any of these in a log would be a leak (the name and the notes, whole and in part).
SECRETS = (NAME, "ΜΑΡΚΕΡ-7731", "Ζωή", NOTES, "ΙΔΙΩΤΙΚΗ-4419", "warfarin")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def log_path(caplog):
    path = setup_logging()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="mesodesk")
    return path


def flush_logs() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_a_consultation_and_its_failures_leave_no_patient_data_in_the_logs(
        qtbot, open_window, db_path, log_path, caplog, capsys):
    window = open_window(db_path)

    # 1. An invalid email typed in the wizard's patient form: refused on the page.
    wizard = start_consultation(qtbot, window, name=NAME, born="1986-03-19",
                                concerns=["cellulite"], until=PATIENT)
    page = wizard.page_object(PATIENT)
    type_text(qtbot, page.form.email, f"{NAME} at home")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert wizard.currentId() == PATIENT  # the page does not let it through
    page.form.email.clear()

    # 2. The consultation itself, with notes, saved as drafts along the way.
    click_next(qtbot, wizard, CONCERNS)
    click_box(qtbot, wizard.page_object(CONCERNS).boxes["cellulite"])
    click_next(qtbot, wizard, HISTORY)
    history = wizard.page_object(HISTORY)
    answer_history(qtbot, history, ["anticoagulants"])
    history.notes.setPlainText(NOTES)
    click_next(qtbot, wizard, INGREDIENTS)
    settle(qtbot, window)
    wizard.button(QWizard.WizardButton.CancelButton).click()  # closing keeps the draft
    settle(qtbot, window)
    draft = window.session.db.consultations.latest_draft()
    assert draft is not None and draft.document.history_notes == NOTES

    # 3. An operation that fails on the invalid email: the error quotes the value.
    db = window.session.db

    def save_with_a_bad_email():
        return patients.create_patient(db, NewPatient(
            name=NAME, date_of_birth=dt.date(1986, 3, 19), email=f"{NAME} at home", notes=NOTES))

    window.ops.change("save patient", save_with_a_bad_email, on_error=window.report_error)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.problem_banner.isVisible(), timeout=TIMEOUT)
    assert "operation failed" in caplog.text  # logged, by the error's type

    # 4. An error logged with its traceback (as the workers log a task that failed).
    try:
        try:
            raise ValueError(f"'{NAME}' refused")
        except ValueError as inner:
            raise RuntimeError(f"saving {NOTES}") from inner
    except RuntimeError as error:
        logging.getLogger("mesodesk.ui.workers").error("%s task failed", "database",
                                                       exc_info=error)
        logging.getLogger("mesodesk.test").debug("failed: %r %s", error, error)
        logging.getLogger("mesodesk.test").info(error)
    assert "Traceback" in caplog.text and "ValueError" in caplog.text

    # 5. An uncaught error: the crash report (log and stderr) and the dialog.
    exits = []
    quiet = CrashHandler(show_dialog=False, exit_app=exits.append)
    quiet.report(RuntimeError(f"crash while showing {NAME}: {NOTES}"))
    assert exits == [1]
    err = capsys.readouterr().err
    assert "RuntimeError" in err and leaks(err) == []
    shown = CrashHandler(show_dialog=True)
    shown.report(KeyError(NAME))
    qtbot.waitUntil(lambda: shown.dialog is not None and shown.dialog.isVisible(),
                    timeout=TIMEOUT)
    from PySide6.QtWidgets import QLabel

    dialog_text = shown.dialog.details + "".join(label.text()
                                                 for label in shown.dialog.findChildren(QLabel))
    assert "KeyError" in dialog_text and leaks(dialog_text) == []
    shown.dialog.continue_button.click()

    flush_logs()
    logged = log_path.read_text(encoding="utf-8")
    for text in (caplog.text, logged):
        assert leaks(text) == []
        assert "operation failed" in text and "uncaught error" in text
    assert "task failed" in caplog.text  # DEBUG and INFO records went to caplog only
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700


def test_error_labels_name_the_type_and_errno_never_the_message():
    from mesodesk.services.errors import ServiceError

    error = ServiceError(f"cannot write /home/x/{NAME}.json", field=f"/home/x/{NAME}.json")
    assert error_label(error) == "mesodesk.services.errors.ServiceError"
    missing = FileNotFoundError(2, "No such file", f"/home/x/{NAME}.pdf")
    assert error_label(missing) == "FileNotFoundError (ENOENT)"
    try:
        raise ValueError(NAME)
    except ValueError as caught:
        text = private_traceback(caught)
    assert text.startswith("Traceback (most recent call last):\n")
    assert "test_error_labels_name_the_type_and_errno_never_the_message" in text
    assert leaks(text) == [] and text.rstrip().endswith("ValueError: [message withheld: it may "
                                                        "hold patient data]")


def test_a_rotated_log_stays_owner_only(log_path):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_mesodesk", False))
    previous = os.umask(0)
    try:
        handler.doRollover()
    finally:
        os.umask(previous)
    rotated = log_path.with_name(log_path.name + ".1")
    assert rotated.exists() and log_path.exists()
    assert stat.S_IMODE(rotated.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


def test_every_log_message_is_a_constant_with_values_as_arguments():
    """The protection replaces an error passed as an argument; a message built with an
    f-string, ``format`` or ``+`` would carry its values past it. So every call of a
    logger in mesodesk has a string literal for its message."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "mesodesk"
    methods = {"debug", "info", "warning", "error", "exception", "critical", "log"}
    built = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in methods and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger", "logging"} and node.args):
                continue
            at = 1 if node.func.attr == "log" and len(node.args) > 1 else 0  # log(level, msg)
            message = node.args[at]
            if not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
                built.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert built == []
