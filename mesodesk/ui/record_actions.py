"""The actions that keep the records clean and bring them back: merge a patient into
another record, delete a patient (refused while the retention period of their records
runs, saying until when; after it, the patient and all their records are erased), export
everything kept about a patient, restore the database from a backup.

Each runs the workflow the command line runs (``mesodesk patient merge``/``delete``,
``mesodesk patient-export``, ``mesodesk restore``) as a named operation, after the same
confirmation: the restore shows what the backup holds (clinic, date, patients,
consultations, chain head, and whether another installation made it) before anything is
replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.services import ServiceError, patient_export, patients, records, retention
from mesodesk.ui.lazy import lazy_module
from mesodesk.ui.operations import RecordsChange
from mesodesk.ui.widgets import plain_label

if TYPE_CHECKING:
    from mesodesk.ui.merge_dialog import MergeDialog

# Loaded when a merge is first asked for (mesodesk/ui/lazy.py): not before the first paint.
merge_dialog_module = lazy_module("mesodesk.ui.merge_dialog")


def message_box(parent: Any, icon: QMessageBox.Icon, title: str, text: str,
                details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names and paths are text, never markup
    if details:
        box.setInformativeText(details)
    return box


class RecordActions(QObject):
    """"Merge into…", "Delete patient…", "Export patient's data…" and "Restore from
    backup…" for ``window`` (the ``MainWindow``); ``make_action`` builds a QAction as the
    window's other actions are."""

    def __init__(self, window: QMainWindow, make_action: Callable[..., QAction]):
        super().__init__(window)
        self.window = window
        self.merge_dialog: MergeDialog | None = None
        self.box: QMessageBox | None = None  # the last question or answer shown
        self.question: RestoreQuestion | None = None
        self.merge_action = make_action(None, _("&Merge into…"), self.merge_patient, None,
                                        _("Merge the selected patient into another record of "
                                          "the same person"))
        self.delete_action = make_action(None, _("De&lete patient…"), self.delete_patient, None,
                                         _("Delete a patient record made by mistake, or one "
                                           "whose retention period has run out"))
        self.export_action = make_action(None, _("E&xport patient's data…"),
                                         self.export_patient, None,
                                         _("Write everything kept about the patient to a ZIP "
                                           "file, for the patient (GDPR articles 15 and 20)"))
        self.backup_action = make_action("backup", _("&Back up database…"), self.backup_database,
                                         None, _("Copy the whole database to a file"))
        self.restore_action = make_action(None, _("&Restore from backup…"),
                                          self.restore_backup, None,
                                          _("Replace the database with a backup, after "
                                            "showing what it holds"))
        self.patient_actions = (self.export_action, self.merge_action,  # for the menus
                                self.delete_action)

    def update(self, usable: bool, patient: bool) -> None:
        for action in self.patient_actions:
            action.setEnabled(usable and patient)
        self.restore_action.setEnabled(usable)

    def _failed(self, error: BaseException) -> None:
        self.window.statusBar().clearMessage()  # "Backing up…" must not outlive the failure
        if isinstance(error, ServiceError):
            self.window.show_problem(str(error))
        else:
            self.window.report_error(error)

    def _status(self, text: str, timeout: int = 10000) -> None:
        self.window.statusBar().showMessage(text, timeout)

    # ====================================================================== backup
    @Slot()
    def backup_database(self) -> None:
        window = self.window
        if not window.usable:
            return
        suggested = Path.home() / f"mesodesk-backup-{dt.date.today().isoformat()}.db"
        path, _selected = QFileDialog.getSaveFileName(window, _("Back up the database"),
                                                      str(suggested), _("Database backup (*.db)"))
        if not path:
            return
        self._status(_("Backing up…"), 60000)  # replaced by the outcome, never left standing
        window.ops.query(_("Back up the database"), records.backup, window.session.db, path,
                         window.session.actor,
                         on_done=lambda written: self._status(
                             _("Backup written to {path}").format(path=written.path), 10000),
                         on_error=self._failed)


    # ====================================================================== merge, delete
    @Slot()
    def merge_patient(self) -> None:
        window = self.window
        patient = window.current_patient
        if not window.usable or patient is None:
            return
        session = window.session
        dialog = self.merge_dialog = merge_dialog_module.MergeDialog(
            patient, session.db, window.db_runner, window)

        def accepted() -> None:
            kept = dialog.kept

            def merged(result: patients.MergeResult) -> None:
                self._status(ngettext(
                    "Merged: {count} consultation moved to {name}.",
                    "Merged: {count} consultations moved to {name}.",
                    len(result.moved)).format(count=len(result.moved), name=result.patient.name))

            window.ops.change(_("Merge the patient records"), patients.merge_patients,
                              session.db, patient.id, kept.id, dialog.details, session.actor,
                              touched=RecordsChange(patient_id=kept.id), on_done=merged,
                              on_error=self._failed)

        dialog.accepted.connect(accepted)
        dialog.open()

    @Slot()
    def delete_patient(self) -> None:
        window = self.window
        patient = window.current_patient
        if not window.usable or patient is None:
            return
        db, actor = window.session.db, window.session.actor

        def checked(check: retention.ErasureCheck) -> None:
            if check.has_records and not check.allowed:
                self.box = message_box(window, QMessageBox.Icon.Information,
                                       _("This patient is kept"), check.refusal())
                self.box.open()
                return
            question = _("Delete the record of {name}, born {date}? It has no consultation. "
                         "The audit trail keeps that it was deleted.") if not check.has_records \
                else _("Erase the record of {name}, born {date}, and every record of theirs "
                       "(signed consents, sessions and photographs too)? They had to be kept "
                       "until {until}. This cannot be undone; the audit trail keeps that they "
                       "were erased.")
            self.box = message_box(window, QMessageBox.Icon.Question, _("Delete patient"),
                                   question.format(name=patient.name,
                                                   date=patient.date_of_birth.isoformat(),
                                                   until=retention.app_date(check.kept_until)
                                                   if check.kept_until else ""))
            delete = self.box.addButton(_("&Delete the record"),
                                        QMessageBox.ButtonRole.DestructiveRole)
            # Cancel is the default: Enter never deletes a record.
            self.box.setDefaultButton(self.box.addButton(QMessageBox.StandardButton.Cancel))
            self.box.delete_button = delete
            self.box.buttonClicked.connect(lambda button: deleting() if button is delete else None)
            self.box.open()

        def deleting() -> None:
            def deleted(_result: Any) -> None:
                window.show_patient(None)
                self._status(_("The record of {name} was deleted.").format(name=patient.name))

            window.ops.change(_("Delete the patient"), patients.delete_patient, db, patient.id,
                              actor, touched=RecordsChange(), on_done=deleted,
                              on_error=self._failed)

        window.ops.query(_("Check the retention period"), retention.erasure_check, db,
                         patient.id, on_done=checked, on_error=self._failed)

    # ====================================================================== export
    @Slot()
    def export_patient(self) -> None:
        window = self.window
        patient = window.current_patient
        if not window.usable or patient is None:
            return
        suggested = Path.home() / f"patient-{patient.id}-{dt.date.today().isoformat()}.zip"
        path, _selected = QFileDialog.getSaveFileName(
            window, _("Export the patient's data"), str(suggested), _("ZIP archive (*.zip)"))
        if path:
            self.export_to(patient, Path(path))

    def export_to(self, patient: Any, path: Path) -> None:
        """Write everything kept about ``patient`` to ``path``, as ``mesodesk
        patient-export`` does (the same service, the same audit event)."""
        window = self.window
        if path.suffix.lower() != ".zip":
            path = path.with_name(path.name + ".zip")
        session = window.session

        def exported(result: patient_export.ExportResult) -> None:
            self._status(ngettext("The data of {name} was exported to {path} ({count} file).",
                                  "The data of {name} was exported to {path} ({count} files).",
                                  len(result.files) + 1).format(
                name=result.patient.name, path=result.path, count=len(result.files) + 1))

        self._status(_("Exporting the data of {name}…").format(name=patient.name), 60000)
        window.ops.query(_("Export the patient's data"), patient_export.export_patient,
                         session.db, session.kb, patient.id, path, session.actor,
                         on_done=exported, on_error=self._failed)

    # ====================================================================== restore
    @Slot()
    def restore_backup(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self.window, _("Restore from a backup"),
                                                      str(Path.home()),
                                                      _("Database backup (*.db)"))
        if path:
            self.restore_from(Path(path))

    def restore_from(self, source: Path) -> None:
        """Show what ``source`` holds and replace the database with it once confirmed."""
        window = self.window
        if not window.usable:
            return
        db = window.session.db
        location, passphrase = db.location, db.location.passphrase
        where = str(location.path) if location.path is not None else location.url

        def previewed(preview: records.RestorePreview) -> None:
            self.question = RestoreQuestion(window, preview)
            self.question.accepted.connect(restoring)
            self.question.open()

        def restoring() -> None:
            window.ops.change(_("Restore the database"), records.restore, where, passphrase,
                              source, window.session.actor, touched=RecordsChange(),
                              on_done=restored, on_error=self._failed)

        def restored(outcome: records.RestoreOutcome) -> None:
            window.show_patient(None)
            session = window.session
            # The clinic's settings and the unfinished draft are the backup's now.
            window.db_runner.submit(lambda: (session.db.settings.get(),
                                             session.db.consultations.latest_draft()),
                                    on_done=lambda found: reloaded(session, *found),
                                    on_error=self._failed)
            kept = (_(" The database it replaced is kept at {path}.").format(
                path=outcome.kept_aside) if outcome.kept_aside is not None else "")
            self._status(_("Restored from {file}.").format(file=outcome.source) + kept)

        def reloaded(session: Any, settings: Any, draft: Any) -> None:
            session.settings, session.draft = settings, draft
            if draft is None:
                window.draft_banner.hide()
            window.main_actions.update()

        window.ops.query(_("Read the backup"), records.preview_restore, where, passphrase,
                         source, on_done=previewed, on_error=self._failed)


class RestoreQuestion(QDialog):
    """The confirmation before a restore: what the backup holds (one line per fact, wide
    enough to read), what it replaces, and a warning when another installation made it.
    ``replace_button`` says yes; Cancel (the default) says no."""

    def __init__(self, parent: QWidget | None, preview: records.RestorePreview):
        super().__init__(parent)
        self.setWindowTitle(_("Restore this backup?"))
        self.setMinimumWidth(560)
        self.elsewhere = preview.from_here is False
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning
                                         if self.elsewhere else
                                         QStyle.StandardPixmap.SP_MessageBoxQuestion)
        picture = QLabel()
        picture.setPixmap(icon.pixmap(48, 48))
        self.message = plain_label(
            (_("This backup was made by another installation of mesodesk (another computer "
               "or another clinic). ") if self.elsewhere else "")
            + _("Replace the current database with the backup {file}? The current database is "
                "kept aside first.").format(file=preview.summary.path.name))
        self.summary = plain_label("\n".join(preview.lines()), selectable=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.replace_button = buttons.addButton(_("&Replace the database"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        text = QVBoxLayout()
        text.addWidget(self.message)
        text.addWidget(self.summary)
        text.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
