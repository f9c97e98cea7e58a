"""What the practitioner can do from the main window: the actions (menus, toolbar,
shortcuts, the detail pane's buttons) and the workflows they run.

Each workflow runs a function of ``mesodesk.services`` (as the command line does) as a
named operation (``window.ops``): off the GUI thread, answering on it. A change is
announced through ``ops.recordsChanged``, from which the window refreshes; nothing here
refreshes by hand. Rendering a plan runs in the work pool (``window.work_runner``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox

from mesodesk.i18n import _
from mesodesk.services import ServiceError, clinic, consultations, documents, patients, plans
from mesodesk.ui.config import save_database_location, saved_database_location
from mesodesk.ui.icons import icon
from mesodesk.ui.lazy import lazy_module
from mesodesk.ui.labels import CONSULTATION_STATUS_IN_TEXT
from mesodesk.ui.operations import RecordsChange, disclosure_audit
from mesodesk.ui.record_actions import RecordActions
from mesodesk.ui.reprint import show_signed_plan

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.help import HelpDialog
    from mesodesk.ui.patient_detail import PatientDetailPane
    from mesodesk.ui.patient_dialog import PatientDialog
    from mesodesk.ui.preview import PreviewWindow
    from mesodesk.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)
# The dialogs load when first opened (mesodesk/ui/lazy.py): not before the first paint.
duplicates_module = lazy_module("mesodesk.ui.duplicates")
help_module = lazy_module("mesodesk.ui.help")
patient_dialog_module = lazy_module("mesodesk.ui.patient_dialog")
settings_dialog_module = lazy_module("mesodesk.ui.settings_dialog")


class MainActions(QObject):
    """The window's QActions, its menus and toolbar, and the workflows behind them. ``window``
    is the ``MainWindow`` (not imported here: it imports this module), whose session,
    runners, panes and ``show_patient``/``resume``/``refresh`` the workflows use."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.patient_dialog: PatientDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.import_box: QMessageBox | None = None
        self.help_dialog: HelpDialog | None = None
        a = self._action
        self.new_consultation_action = a("consultation-new", _("&New consultation…"),
                                         window.new_consultation, "Ctrl+N",
                                         _("Start a consultation for the selected patient"))
        self.new_patient_action = a("patient-new", _("New &patient…"), self.new_patient,
                                    "Ctrl+Shift+N", _("Register a new patient"))
        self.edit_patient_action = a("patient-edit", _("&Edit patient…"), self.edit_patient,
                                     "Ctrl+E", _("Change the selected patient's details"))
        self.resume_action = a("draft-resume", _("&Resume draft"), self.resume_draft, "Ctrl+R",
                               _("Continue an unfinished consultation"))
        self.import_action = a("import", _("&Import consultation…"), self.import_document, "Ctrl+O",
                               _("Read a consultation document (JSON) and continue it"))
        self.export_action = a("export", _("E&xport consultation…"), self.export_document,
                               "Ctrl+Shift+E", _("Write the selected consultation as a document"))
        self.print_action = a("print", _("&Print plan…"), self.print_selected,
                              QKeySequence.StandardKey.Print,
                              _("Print the selected consultation's plan and consent"))
        self.open_action = a("signed", _("&Open plan and consent"), self.open_selected_consultation,
                             None, _("Show the selected consultation's PDF"))
        self.new_version_action = a("document", _("New &version…"), self.new_version, None,
                                    _("Correct a finished consultation: a new version, the signed "
                                      "one is kept"))
        self.delete_draft_action = a(None, _("&Delete draft…"), self.delete_draft, None,
                                     _("Delete an unfinished consultation"))
        self.records = RecordActions(window, a)  # back up, restore, merge, delete patient
        self.backup_action = self.records.backup_action
        self.settings_action = a("settings", _("&Settings…"), self.open_settings, "Ctrl+,",
                                 _("Clinic details, practitioner, paper size, database"))
        self.find_action = a("search", _("&Find patient"), window.patient_list.focus_search,
                             QKeySequence.StandardKey.Find, _("Search patients"))
        self.help_action = a("help", _("mesodesk &help"), self.show_help,
                             QKeySequence.StandardKey.HelpContents, _("How to use mesodesk"))
        self.about_action = a(None, _("&About mesodesk"), lambda: help_module.show_about(window))
        self.logs_action = a(None, _("Open the &log folder"), lambda: help_module.open_log_folder())
        self.quit_action = a("quit", _("&Quit"), window.close, QKeySequence.StandardKey.Quit)

    def _action(self, icon_name: str | None, text: str, slot: Any,
                shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shown})" if shown
                          else text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)
        return action

    # ====================================================================== menus, toolbar, buttons
    def build_menus(self) -> None:
        bar = self.window.menuBar()
        for title, actions in (
                (_("&File"), (self.new_consultation_action, self.new_patient_action, None,
                              self.import_action, self.export_action, None, self.print_action,
                              None, self.backup_action, self.records.restore_action, None,
                              self.quit_action)),
                (_("&Edit"), (self.find_action, self.edit_patient_action,
                              *self.records.patient_actions, None, self.settings_action)),
                (_("&Consultation"), (self.new_consultation_action, self.resume_action,
                                      self.open_action, self.new_version_action, None,
                                      self.delete_draft_action)),
                (_("&Help"), (self.help_action, self.logs_action, None, self.about_action))):
            menu = bar.addMenu(title)
            for action in actions:
                menu.addSeparator() if action is None else menu.addAction(action)

    def build_toolbar(self) -> None:
        bar = self.window.addToolBar(_("Main"))
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(22, 22))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_consultation_action, self.new_patient_action,
                       self.edit_patient_action, None, self.import_action, self.export_action,
                       None, self.print_action, None, self.settings_action):
            bar.addSeparator() if action is None else bar.addAction(action)

    def show_patient_menu(self, where: QPoint) -> None:
        """A row's context menu: what the toolbar offers for that patient (now selected)."""
        menu = QMenu(self.window)
        for action in (self.new_consultation_action, self.resume_action, self.edit_patient_action,
                       *self.records.patient_actions, None, self.new_patient_action):
            menu.addSeparator() if action is None else menu.addAction(action)
        self.patient_menu = menu
        menu.popup(where)

    def connect_detail(self, detail: PatientDetailPane) -> None:
        detail.new_button.clicked.connect(self.window.new_consultation)
        detail.edit_button.clicked.connect(self.edit_patient)
        detail.open_button.clicked.connect(self.open_selected_consultation)
        detail.export_button.clicked.connect(self.export_document)
        detail.version_button.clicked.connect(self.new_version)
        detail.delete_button.clicked.connect(self.delete_draft)
        detail.consultationActivated.connect(self.open_selected_consultation)
        detail.selectionChanged.connect(self.update)
        from mesodesk.ui.session_actions import SessionActions
        self.sessions = SessionActions(self.window, detail)
        from mesodesk.ui.photo_actions import PhotoActions
        self.photos = PhotoActions(self.window, detail)

    def set_session_open(self, open_: bool) -> None:
        for action in (self.new_patient_action, self.import_action, self.backup_action,
                       self.settings_action):
            action.setEnabled(open_)
        self.update()

    def update(self) -> None:
        """Enable what the selected patient and consultation allow."""
        window = self.window
        open_ = window.usable
        patient = window.current_patient is not None
        record = window.selected_consultation() if patient else None
        draft_kept = window.session is not None and window.session.draft is not None
        self.new_consultation_action.setEnabled(open_)
        self.edit_patient_action.setEnabled(open_ and patient)
        self.records.update(open_, patient)
        self.resume_action.setEnabled(open_ and (record is not None and record.status == "draft"
                                                 or draft_kept))
        self.export_action.setEnabled(open_ and record is not None)
        self.open_action.setEnabled(open_ and record is not None)
        self.print_action.setEnabled(open_ and record is not None and record.status == "final")
        self.new_version_action.setEnabled(open_ and record is not None and record.status == "final")
        self.delete_draft_action.setEnabled(open_ and record is not None and record.status == "draft")
        window.detail.update_buttons(record, can_version=self.new_version_action.isEnabled(),
                                     can_delete=self.delete_draft_action.isEnabled())

    def _status(self, text: str, timeout: int) -> None:  # every message goes away by itself
        self.window.statusBar().showMessage(text, timeout)

    def _failed(self, error: BaseException) -> None:
        """A workflow's error is shown as a problem; a bug goes to the crash handler."""
        self.window.statusBar().clearMessage()  # "Backing up…" must not outlive the failure
        if isinstance(error, ServiceError):
            self.window.show_problem(str(error))
        else:
            self.window.report_error(error)

    # ====================================================================== workflows: patients
    @Slot()
    def new_patient(self) -> None:
        window = self.window
        if not window.usable:
            return
        dialog = self.patient_dialog = patient_dialog_module.PatientDialog(None, window)

        def accepted() -> None:
            session = window.session

            def created(patient: PatientRecord) -> None:
                window.show_patient(patient)
                self._status(_("Patient {name} registered.").format(name=patient.name), 5000)

            def register() -> None:
                window.ops.change(_("Register the patient"), patients.create_patient,
                                  session.db, new, session.actor, touched=RecordsChange.for_patient,
                                  on_done=created, on_error=self._failed)

            def checked(found: list[PatientRecord]) -> None:
                if not found:
                    register()
                    return
                self.duplicate_box = duplicates_module.ask_about_duplicates(
                    window, new, found, lambda existing: window.ops.recordsChanged.emit(
                        RecordsChange(patient_id=existing.id)), register)

            new = dialog.patient
            window.ops.query(_("Look for the patient"), patients.find_duplicates, session.db,
                             new.name, new.date_of_birth, on_done=checked, on_error=self._failed)

        dialog.accepted.connect(accepted)
        dialog.open()

    @Slot()
    def edit_patient(self) -> None:
        window = self.window
        if not window.usable or window.current_patient is None:
            return
        patient = window.current_patient
        dialog = self.patient_dialog = patient_dialog_module.PatientDialog(patient, window)

        def accepted() -> None:
            session = window.session

            window.ops.change(_("Correct the patient's details"), patients.update_patient,
                              session.db, patient.id, dialog.patient, session.actor,
                              touched=RecordsChange.for_patient, on_done=window.show_patient,
                              on_error=self._failed)

        dialog.accepted.connect(accepted)
        dialog.open()

    # ====================================================================== workflows: consultations
    @Slot()
    def resume_draft(self) -> None:
        window = self.window
        record = window.selected_consultation()
        if record is not None and record.status == "draft":
            window.resume(record)
        elif window.session is not None and window.session.draft is not None:
            window.resume(window.session.draft)

    @Slot()
    def open_selected_consultation(self) -> None:
        window = self.window
        record = window.selected_consultation()
        if record is None or not window.usable:
            return
        if record.status == "draft":
            window.resume(record)
        elif record.status == "not-treated":
            self._status(_("Not treated: no plan was made for this consultation. Export it to "
                           "see what was recorded."), 8000)
        else:
            self.open_pdf(record)

    @Slot()
    def print_selected(self) -> None:
        record = self.window.selected_consultation()
        if record is not None and record.status == "final" and self.window.usable:
            self.open_pdf(record, print_it=True)

    def open_pdf(self, record: ConsultationRecord, print_it: bool = False) -> None:
        """The signed consent PDF as stored, or (unsigned) the plan rendered again."""
        window = self.window
        assert window.session is not None
        db, kb, settings = window.session.db, window.session.kb, window.session.settings
        name = record.document.patient.name

        def fetched(pdf: bytes | None) -> None:
            if pdf is not None:  # signed: the PDF exactly as it was signed, and the course
                show_signed_plan(self, pdf, name, record, print_it)
                return
            # Rendered again: screened against today's knowledge base, so check first.
            if window.knowledge_mismatch(record, "print" if print_it else "show"):
                return
            window.work_runner.submit(plans.render_recorded, db, record.document, kb, settings,
                                      on_done=lambda data: self.show_pdf(
                                          data, name, record, False, print_it),
                                      on_error=self._failed)

        self._status(_("Opening the plan…"), 3000)
        window.ops.query(_("Open the plan"), plans.signed_pdf, db, record, on_done=fetched,
                         on_error=self._failed)

    def show_pdf(self, pdf: bytes, name: str, record: ConsultationRecord, signed: bool,
                  print_it: bool, **extra: Any) -> PreviewWindow:
        """``extra``: a signed plan's ``calendar`` and ``course_record`` (ui.reprint)."""
        from mesodesk.ui.preview import PreviewWindow, safe_file_name  # QtPdf, QtPrintSupport

        window = self.window
        title = (_("Signed consent and plan: {name}, {date}") if signed
                 else _("Plan (not signed): {name}, {date}")).format(name=name,
                                                                    date=record.date.isoformat())
        audit = disclosure_audit(window.ops, window.session.db, record, window.session.actor)
        preview = PreviewWindow(pdf, title, f"{safe_file_name(name)} {record.date.isoformat()}",
                                window.work_runner, window, audit, **extra)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.previews.append(preview)
        preview.destroyed.connect(lambda *_a: window.previews.remove(preview)
                                  if preview in window.previews else None)
        preview.show()
        if print_it:
            QTimer.singleShot(0, preview.pane.print_with_dialog)
        return preview

    @Slot()
    def new_version(self) -> None:
        window = self.window
        record = window.selected_consultation()
        if record is None or window.session is None or record.status != "final":
            return
        reason, accepted = QInputDialog.getMultiLineText(
            window, _("New version"),
            _("The signed consultation stays as it is. A new version starts as a draft with the "
              "same content, to correct and sign again.\n\nWhy is it corrected? (kept in the "
              "record's audit trail)"))
        if not accepted:
            return
        if not reason.strip():
            self._status(_("No new version was made: say why the consultation is corrected."),
                         8000)
            return
        session = window.session
        window.ops.change(_("Correct the consultation"), consultations.correct, session.db,
                          record.id, reason, session.actor,
                          touched=RecordsChange(patient_id=record.patient_id),
                          on_done=window.resume, on_error=self._failed)

    @Slot()
    def delete_draft(self) -> None:
        window = self.window
        record = window.selected_consultation()
        if record is None or window.session is None or record.status != "draft":
            return
        answer = QMessageBox.question(window, _("Delete draft"), _(
            "Delete the unfinished consultation of {date}? This cannot be undone.").format(
                date=record.date.isoformat()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        session = window.session

        def deleted(_result: Any) -> None:
            if session.draft is not None and session.draft.id == record.id:
                session.draft = None
                window.draft_banner.hide()

        window.ops.change(_("Delete the draft"), consultations.delete_draft, session.db,
                          record.id, session.actor,
                          touched=RecordsChange(patient_id=record.patient_id),
                          on_done=deleted, on_error=self._failed)

    # ====================================================================== workflows: import, export
    @Slot()
    def import_document(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self.window, _("Import a consultation"), "",
                                                      _("Consultation documents (*.json)"))
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read a consultation document and store it as ``mesodesk import`` does (the same
        service): the patient matched or created, a new draft, or nothing when the document
        is already stored."""
        window = self.window
        if not window.usable:
            return
        db, kb, actor = window.session.db, window.session.kb, window.session.actor

        def work() -> tuple[bool, Any]:
            doc = documents.read_document(path, kb)
            return doc.signatures is not None, documents.import_document(db, doc, actor)

        def imported(outcome: tuple[bool, Any]) -> None:
            had_signatures, result = outcome
            record = result.record
            if result.added:
                message = _("Imported as a draft: check it and sign it.")
                if had_signatures:
                    message += " " + _("The signatures in the file were not carried over.")
                self._status(message, 10000)
                window.resume(record)
            elif record.status == "draft":
                self._status(_("This document is already stored as a draft; nothing was added. "
                               "The draft is opened."), 10000)
                window.resume(record)
            else:  # the window shows the patient and selects it (recordsChanged below)
                self._status(_("This document is already stored: the consultation of {date}, "
                               "{status}. Nothing was added.").format(
                    date=record.date.isoformat(),
                    status=_(CONSULTATION_STATUS_IN_TEXT[record.status])), 10000)

        def failed(error: BaseException) -> None:
            if isinstance(error, ServiceError):
                from mesodesk.ui.preview import show_error_box

                self.import_box = show_error_box(window, _("Import"), error.message,
                                                 "\n".join(error.issues))
            else:
                window.report_error(error)

        window.ops.change(_("Import a consultation"), work,
                          touched=lambda outcome: RecordsChange(
                              patient_id=outcome[1].patient.id,
                              consultation_id=outcome[1].record.id),
                          on_done=imported, on_error=failed)

    @Slot()
    def export_document(self) -> None:
        record = self.window.selected_consultation()
        if record is None:
            return
        from mesodesk.ui.preview import safe_file_name

        suggested = Path.home() / f"{safe_file_name(record.document.patient.name)} " \
                                  f"{record.date.isoformat()}.json"
        path, _selected = QFileDialog.getSaveFileName(self.window, _("Export the consultation"),
                                                      str(suggested),
                                                      _("Consultation documents (*.json)"))
        if path:
            self.export_to(record, Path(path))

    def export_to(self, record: ConsultationRecord, path: Path) -> None:
        """Write the consultation as a document, as ``mesodesk export`` does: the same
        service, the same audit event saying where the patient's data went."""
        window = self.window
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")

        def failed(error: BaseException) -> None:
            if isinstance(error, ServiceError):
                window.show_problem(_("The consultation could not be exported to {path}: "
                                      "{reason}").format(path=path, reason=error))
            else:
                window.report_error(error)

        window.ops.query(_("Export the consultation"), documents.export_document,
                         window.session.db, record.id, path, window.session.actor,
                         on_done=lambda _result: self._status(
                             _("Exported to {path}").format(path=path), 8000),
                         on_error=failed)

    # ====================================================================== workflows: settings, backup
    @Slot()
    def open_settings(self) -> None:
        window = self.window
        if not window.usable:
            return
        session = window.session
        dialog = self.settings_dialog = settings_dialog_module.SettingsDialog(
            session.settings, str(getattr(session.db, "description", "")),
            saved_database_location(), window, window.encryption.state())

        def accepted() -> None:
            if dialog.database_location != saved_database_location():
                save_database_location(dialog.database_location)

            def saved(settings: Any) -> None:
                session.settings = settings
                self._status(_("Settings saved."), 5000)
                window.encryption.start(dialog.encryption_request)

            window.ops.change(_("Save the settings"), clinic.save_settings, session.db,
                              dialog.settings, session.actor,
                              touched=RecordsChange(settings=True), on_done=saved,
                              on_error=self._failed)

        dialog.accepted.connect(accepted)
        dialog.open()

    # ====================================================================== help
    @Slot()
    def show_help(self) -> None:
        self.help_dialog = help_module.HelpDialog(self.window)
        self.help_dialog.show()
