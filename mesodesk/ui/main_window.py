"""The main window: patients on the left, the selected patient and their history on the right.

It is put together from what the practitioner sees: the patient list
(``mesodesk.ui.patient_list``), the patient's details and consultations
(``mesodesk.ui.patient_detail``), and the menus, toolbar and workflows
(``mesodesk.ui.actions``). The window itself owns the session: it opens the database,
shows its state in the status bar, opens the consultation wizard, and closes cleanly.

It paints before anything heavy is imported: the database, the knowledge base and the
first rows are loaded in the database thread once the search box has been painted, and
the view fills when they arrive. Typing in the search box before that is kept and applied.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, current_language
from mesodesk.services.errors import ServiceError
from mesodesk.ui.actions import MainActions
from mesodesk.ui.config import restore_window, save_database_location, save_window
from mesodesk.ui.encryption import EncryptionWorkflow
from mesodesk.ui.icons import icon
from mesodesk.ui.knowledge_mismatch import knowledge_mismatch_box
from mesodesk.ui.operations import Operations, RecordsChange
from mesodesk.ui.passphrase import offer_passphrase
from mesodesk.ui.patient_detail import PatientDetailPane
from mesodesk.ui.patient_list import PatientListPane
from mesodesk.ui.session import Session, StartOptions, complete_session, first_page, open_session
from mesodesk.ui.status_bar import DatabaseStatus
from mesodesk.ui.widgets import Banner
from mesodesk.ui.workers import Runner

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.preview import PreviewWindow
    from mesodesk.ui.wizard.wizard import ConsultationWizard

log = logging.getLogger(__name__)


class _PaintWatcher(QObject):
    """Tells the window when its search box has been painted for the first time."""

    painted = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.painted.emit)
        return False


class MainWindow(QMainWindow):
    painted = Signal()         # the window with its search box is on screen
    sessionOpened = Signal()   # the database is open
    firstRowsShown = Signal()  # the patient list shows its first rows
    ready = Signal()           # knowledge base, settings and draft loaded: everything works
    openFailed = Signal(str)

    def __init__(self, options: StartOptions | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.options = options or StartOptions()
        self.session: Session | None = None
        self.db_runner = Runner("db", 1, self)
        self.work_runner = Runner("work", None, self)
        self.ops = Operations(self.db_runner, self)
        self.ops.recordsChanged.connect(self._records_changed)
        self.wizard: ConsultationWizard | None = None
        self.previews: list[PreviewWindow] = []
        self.current_patient: PatientRecord | None = None
        self.is_ready = False
        self._pending_select: tuple[int | None, int | None] = (None, None)
        self._started = False
        self._closed = False
        self._completing = False
        self._first_rows = False
        self._offered_draft: ConsultationRecord | None = None
        self.knowledge_box: QMessageBox | None = None  # the last refusal shown
        self.passphrase_dialog = None  # the one asking for a new database's passphrase
        self.encryption = EncryptionWorkflow(self)  # encrypt or re-key, from the settings

        self.setWindowTitle(_("mesodesk — demo") if self.options.demo else "mesodesk")
        self.setWindowIcon(icon("mesodesk"))
        self.patient_list = PatientListPane(self.db_runner)
        self.detail = PatientDetailPane(self.db_runner)
        self.main_actions = MainActions(self)
        self.main_actions.build_menus()
        self.main_actions.build_toolbar()
        self.main_actions.connect_detail(self.detail)
        self._build_central()
        self._build_status_bar()
        self._keep_names()
        self.main_actions.set_session_open(False)

        self.patient_list.patientSelected.connect(self.show_patient)
        self.patient_list.patientActivated.connect(self._open_patient)
        self.patient_list.menuRequested.connect(self.main_actions.show_patient_menu)
        self.patient_list.rowsShown.connect(self._rows_shown)
        self.patient_list.countTextChanged.connect(self.count_label.setText)
        self.model.failed.connect(self._search_failed)
        for runner in (self.db_runner, self.work_runner):
            runner.busyChanged.connect(self._busy_changed)
        self._watcher = _PaintWatcher(self)
        self._watcher.painted.connect(self._on_painted)
        self.search.installEventFilter(self._watcher)

    # ====================================================================== building the window
    def _build_central(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 6, 8, 4)
        outer.setSpacing(6)
        self.problem_banner = Banner("blocked")
        self.problem_banner.hide()
        outer.addWidget(self.problem_banner)
        self.draft_banner = Banner("info")
        self.draft_banner.hide()
        self.draft_resume_button = self.draft_banner.add_button(_("Resume"), "draft-resume")
        self.draft_resume_button.clicked.connect(self._resume_offered_draft)
        self.draft_later_button = self.draft_banner.add_button(_("Later"))
        self.draft_later_button.clicked.connect(self.draft_banner.hide)
        outer.addWidget(self.draft_banner)

        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.patient_list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([540, 640])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)
        restore_window(self, splitter)

    def _build_status_bar(self) -> None:
        self.status_parts = DatabaseStatus(self.statusBar())
        parts = self.status_parts
        self.db_icon, self.db_label = parts.db_icon, parts.db_label
        self.busy, self.count_label = parts.busy, parts.count_label

    def _keep_names(self) -> None:
        """The parts' widgets and actions under the window's names, as tests, benchmarks
        and the smoke test reach them."""
        names = {
            self.patient_list: "search model table list_message list_stack",
            self.detail: "patient_name history history_model history_message fact_born fact_sex "
                         "fact_phone fact_email fact_notes",
            self.main_actions: "new_consultation_action new_patient_action edit_patient_action "
                               "resume_action import_action export_action print_action "
                               "open_action new_version_action delete_draft_action backup_action "
                               "settings_action find_action help_action about_action logs_action "
                               "quit_action import_path export_to print_selected "
                               "open_selected_consultation",
        }
        for part, listed in names.items():
            for name in listed.split():
                setattr(self, name, getattr(part, name))

    # ====================================================================== start-up
    @Slot()
    def _on_painted(self) -> None:
        self.painted.emit()
        self.start()

    def start(self) -> None:
        """Open the database in the background (once)."""
        if self._started:
            return
        self._started = True
        if self.options.demo:
            self.patient_list.show_message(_("Preparing the demo patients…"))
        # The first page through the app's own SQLite driver while SQLAlchemy still loads
        # (one SQLite library in the process: a second copy would drop our file locks).
        self.db_runner.submit(first_page, self.options, current_language(), self.model.PAGE_SIZE,
                              on_done=self.model.show_first_page,
                              on_error=lambda error: log.warning("first page: %r", error))
        self.db_runner.submit(open_session, self.options, on_done=self._session_opened,
                              on_error=self._open_failed)

    def _session_opened(self, session: Session) -> None:
        if self._closed:
            session.db.close()
            return
        self.session = session
        self.problem_banner.hide()
        self.detail.set_hint(True)
        self.model.set_source(session.db.patients)
        self._show_database()
        for note in session.notes:
            self.statusBar().showMessage(note, 15000)
        if self.current_patient is not None:
            self.load_history(self.current_patient.id)
        if self._first_rows:
            self._complete_session()  # queued after the search the new source just started
        self.sessionOpened.emit()

    @Slot()
    def _rows_shown(self) -> None:
        if not self._first_rows:
            self._first_rows = True
            self.firstRowsShown.emit()
            # Queued after whatever the first rows set off (a benchmark may quit right there).
            QTimer.singleShot(0, self._complete_session)

    def _complete_session(self) -> None:
        """After the first rows: the knowledge base, the settings and any unfinished draft."""
        if self._closed or self.session is None or self._completing:
            return
        self._completing = True
        session = self.session

        def done(result: tuple) -> None:
            kb, settings, draft = result
            session.kb, session.settings, session.draft = kb, settings, draft
            self.history_model.set_concern_namer(
                lambda c: kb.concerns[c].name if c in kb.concerns else c)
            self.is_ready = True
            self.main_actions.set_session_open(True)
            if draft is not None:
                self._offer_draft(draft)
            if session.knowledge_problem:
                self.show_problem(self.status_parts.show_knowledge_problem(session.knowledge_problem))
            self.ready.emit()

        def failed(error: BaseException) -> None:
            self._completing = False
            self.report_error(error)

        self.db_runner.submit(complete_session, session, on_done=done, on_error=failed)

    def _open_failed(self, error: BaseException) -> None:
        log.warning("could not open the database: %s", error)
        self.patient_list.show_message(_("The database is not open."))
        self.db_label.setText(_("No database open"))
        self.show_problem(_("The database could not be opened: {reason}").format(reason=error))
        self.problem_banner.clear_buttons()
        offer_passphrase(self, self.problem_banner, error)
        self.problem_banner.add_button(_("Try again")).clicked.connect(self._retry_open)
        self.problem_banner.add_button(_("Use another database…")).clicked.connect(
            self._choose_other_database)
        self.detail.set_hint(False)
        self.openFailed.emit(str(error))

    @Slot()
    def _retry_open(self) -> None:
        self.problem_banner.hide()
        self._started = False
        self.patient_list.show_message(_("Opening the database…"))
        self.start()

    def open_with_passphrase(self, passphrase: str) -> None:
        """Open the database (a new one: create it) with this passphrase."""
        self.options.passphrase = passphrase
        self._retry_open()

    @Slot()
    def _choose_other_database(self) -> None:
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Database file"), self.options.location or "", _("mesodesk database (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            save_database_location(path)
            self.options.location = path
            self._retry_open()

    def _show_database(self) -> None:
        assert self.session is not None
        self.status_parts.show_database(self.session.db, self.options.demo)

    def show_problem(self, text: str) -> None:
        self.problem_banner.clear_buttons()
        self.problem_banner.set_kind("blocked")
        self.problem_banner.set_text(text)
        self.problem_banner.show()

    @property
    def usable(self) -> bool:
        """The database is open and the knowledge base and settings are loaded."""
        return self.session is not None and self.is_ready

    @Slot(str)
    def _search_failed(self, text: str) -> None:
        self.show_problem(_("The search failed: {reason}").format(reason=text))
        QTimer.singleShot(0, self._complete_session)

    # ====================================================================== the selected patient
    @Slot(object)
    def show_patient(self, patient: PatientRecord | None) -> None:
        self.current_patient = patient
        self.patient_list.current_id = patient.id if patient is not None else None
        self.detail.show_patient(patient)
        if patient is not None:
            self.load_history(patient.id)
        self.main_actions.update()

    @Slot(object)
    def _open_patient(self, patient: PatientRecord) -> None:
        """Enter on a row: the patient, with the keyboard in their consultations."""
        self.show_patient(patient)
        self.history.setFocus(Qt.FocusReason.OtherFocusReason)

    def load_history(self, patient_id: int, select: int | None = None) -> None:
        if select is None and self._pending_select[0] == patient_id:
            select = self._pending_select[1]  # the consultation a change just touched
        if self.session is not None:
            self.detail.load_history(self.session.db, patient_id, select)

    def selected_consultation(self) -> ConsultationRecord | None:
        return self.detail.selected_consultation()

    def refresh(self, select_patient: int | None = None) -> None:
        """Search again and reload the selected patient's history."""
        self.patient_list.refresh(select_patient)
        if self.current_patient is not None and self.session is not None:
            self._reload_patient(select_patient or self.current_patient.id)

    def _reload_patient(self, patient_id: int) -> None:
        assert self.session is not None
        asked = self.current_patient.id if self.current_patient is not None else None

        def reloaded(patient: PatientRecord) -> None:
            shown = self.current_patient.id if self.current_patient is not None else None
            if shown == asked or shown == patient.id:  # not if another patient was chosen since
                self.show_patient(patient)

        self.db_runner.submit(self.session.db.patients.get, patient_id,
                              on_done=reloaded, on_error=self.report_error)

    # ====================================================================== the consultation wizard
    def _open_wizard(self, patient: PatientRecord | None = None,
                     record: ConsultationRecord | None = None) -> ConsultationWizard | None:
        if not self.usable:
            return None
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        from mesodesk.ui.wizard.wizard import ConsultationWizard  # pydantic: not at start-up

        wizard = ConsultationWizard(self.session, self.db_runner, self.work_runner, patient=patient,
                                    record=record, parent=self)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.saved.connect(self._consultation_saved)
        wizard.patientKept.connect(lambda patient: self.ops.recordsChanged.emit(
            RecordsChange(patient_id=patient.id)))
        wizard.finished.connect(self._wizard_closed)
        if self.wizard is not None:
            self.wizard.deleteLater()  # the previous one, closed: its queued saves are done
        self.wizard = wizard
        wizard.show()
        if record is not None:
            wizard.resume()
        return wizard

    @Slot()
    def new_consultation(self) -> ConsultationWizard | None:
        return self._open_wizard(patient=self.current_patient)

    def resume(self, record: ConsultationRecord) -> ConsultationWizard | None:
        assert self.session is not None
        db = self.session.db
        if self.knowledge_mismatch(record, "continue"):
            return None

        def opened(patient: PatientRecord) -> None:
            self.show_patient(patient)
            self._open_wizard(patient=patient, record=record)

        self.db_runner.submit(db.patients.get, record.patient_id, on_done=opened,
                              on_error=self.report_error)
        return None

    @Slot()
    def _wizard_closed(self) -> None:
        """Reload after the wizard's last draft save (the database thread keeps the order)."""
        if self._closed or self.session is None:
            return
        db, session = self.session.db, self.session

        def latest(draft: ConsultationRecord | None) -> None:
            session.draft = draft
            if draft is None:
                self.draft_banner.hide()
            self.main_actions.update()

        self.db_runner.submit(db.consultations.latest_draft, on_done=latest,
                              on_error=lambda error: None)
        if self.current_patient is not None:
            self.load_history(self.current_patient.id)

    @Slot(object)
    def _consultation_saved(self, record: ConsultationRecord) -> None:
        if self._closed:
            return
        if self.session is not None:
            if record.status == "draft":
                self.session.draft = record
            elif self.session.draft is not None and self.session.draft.id == record.id:
                self.session.draft = None
                self.draft_banner.hide()
        self.ops.recordsChanged.emit(RecordsChange(patient_id=record.patient_id,
                                                   consultation_id=record.id))

    @Slot(object)
    def _records_changed(self, change: RecordsChange) -> None:
        """The one place the views follow a change: the list searches again (selecting the
        patient changed), and the patient shown is read again with their consultations."""
        if self._closed or self.session is None or change.settings:
            return
        if change.patient_id is None:
            self.refresh()
            return
        self._pending_select = (change.patient_id, change.consultation_id)
        shown = self.current_patient is not None and self.current_patient.id == change.patient_id
        if shown and change.consultation_id is not None:
            self.load_history(change.patient_id, select=change.consultation_id)
            return
        self.refresh(select_patient=change.patient_id)

    def _offer_draft(self, draft: ConsultationRecord) -> None:
        name = draft.document.patient.name
        self.draft_banner.set_text(_("An unfinished consultation for {name} ({date}) was kept as a "
                                     "draft. Nothing typed was lost.").format(
            name=name, date=draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.draft_banner.show()
        self._offered_draft = draft
        self.main_actions.update()

    @Slot()
    def _resume_offered_draft(self) -> None:
        if self._offered_draft is not None:
            self.draft_banner.hide()
            self.resume(self._offered_draft)

    def knowledge_mismatch(self, record: ConsultationRecord, doing: str) -> bool:
        """True, after saying so, when the stored consultation names what the knowledge
        base no longer has ("continue", "print" or "show" it is then refused)."""
        kb = self.session.kb if self.session is not None else None
        box = knowledge_mismatch_box(self, record, kb, doing) if kb is not None else None
        if box is not None:
            self.statusBar().clearMessage()  # not "Opening the plan…": it will not open
            self.knowledge_box = box
        return box is not None

    # ====================================================================== status and errors
    @Slot(bool)
    def _busy_changed(self, _busy: bool) -> None:
        self.busy.setVisible(self.db_runner.busy or self.work_runner.busy)

    def report_error(self, error: BaseException) -> None:
        """An error from the database or a worker: named in the window, logged."""
        log.warning("operation failed: %s", type(error).__name__)  # no patient data in logs
        if isinstance(error, (ServiceError, OSError, ValueError)) or any(
                cls.__name__ == "StoreError" for cls in type(error).__mro__):
            self.show_problem(str(error))
        elif Runner.default_error_handler is not None:
            Runner.default_error_handler(error)
        else:
            self.show_problem(f"{type(error).__name__}: {error}")

    # ====================================================================== closing
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.wizard is not None:
            try:
                self.wizard.close_for_quit()
            except RuntimeError:
                pass
        for preview in list(self.previews):
            preview.close()
        self._closed = True
        save_window(self, self.splitter)
        # Let the queued work (a draft being saved) finish before the database closes.
        self.db_runner.wait(15000)
        self.work_runner.wait(15000)
        self.db_runner.wait(15000)
        self.db_runner.silence()
        self.work_runner.silence()
        if self.session is not None:
            try:
                self.session.close()
            except Exception:  # noqa: BLE001 - closing must not stop the app from quitting
                log.exception("closing the database")
        super().closeEvent(event)
