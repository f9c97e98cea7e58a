"""The main window: patients on the left, the selected patient and their history on the right.

It paints before anything heavy is imported: the database, the knowledge base and the
first rows are loaded in the database thread once the search box has been painted, and
the view fills when they arrive. Typing in the search box before that is kept and applied.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mesodesk import __version__
from mesodesk.i18n import _, ngettext
from mesodesk.ui.icons import icon
from mesodesk.ui.lazylog import get_logger
from mesodesk.ui.models import ConsultationHistoryModel, PatientTableModel, age_in_years
from mesodesk.ui.session import (
    Session,
    StartOptions,
    complete_session,
    open_session,
)
from mesodesk.ui.widgets import N_, Banner, dim, heading, hint_label, plain_label
from mesodesk.ui.workers import Runner

TYPE_CHECKING = False  # typing itself is not imported on the way to the first paint
if TYPE_CHECKING:
    from typing import Any

    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.preview import PreviewWindow
    from mesodesk.ui.wizard.wizard import ConsultationWizard

log = get_logger(__name__)

SEX_TEXT = {"female": N_("Female"), "male": N_("Male"), "other": N_("Other"), "unspecified": N_("Prefers not to say")}
STATUS_TEXT = {"draft": N_("a draft"), "final": N_("finalized"),
               "not-treated": N_("recorded as not treated")}


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
        from mesodesk.ui import gc_guard, import_hook, none_guard

        gc_guard.install()  # worker threads must never collect a cycle holding a widget
        self.painted.connect(none_guard.install)  # before the long run of void Qt calls
        import_hook.install()  # SQLAlchemy, pydantic and reportlab import faster
        self.options = options or StartOptions()
        self.session: Session | None = None
        self.db_runner = Runner("db", 1, self)
        self.work_runner = Runner("work", None, self)
        self.wizard: ConsultationWizard | None = None
        self.previews: list[PreviewWindow] = []
        self.current_patient: PatientRecord | None = None
        self._started = False
        self._closed = False
        self._completing = False
        self.is_ready = False
        self._first_rows = False
        self._history_generation = 0
        self._select_after_load: int | None = None

        self.setWindowTitle(_("mesodesk — demo") if self.options.demo else "mesodesk")
        self.setWindowIcon(icon("mesodesk"))
        self.resize(1280, 760)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()
        self._set_session_actions(False)
        for runner in (self.db_runner, self.work_runner):
            runner.busyChanged.connect(self._busy_changed)

        self._watcher = _PaintWatcher(self)
        self._watcher.painted.connect(self._on_painted)
        self.search.installEventFilter(self._watcher)

    # ====================================================================== building the window
    def _action(self, icon_name: str | None, text: str, slot: Any,
                shortcut: QKeySequence | str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shown})" if shown
                          else text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_consultation_action = a("consultation-new", _("&New consultation…"),
                                         self.new_consultation, "Ctrl+N",
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
        self.backup_action = a("backup", _("&Back up database…"), self.backup_database, None,
                               _("Copy the whole database to a file"))
        self.settings_action = a("settings", _("&Settings…"), self.open_settings, "Ctrl+,",
                                 _("Clinic details, practitioner, paper size, database"))
        self.find_action = a("search", _("&Find patient"), self.focus_search,
                             QKeySequence.StandardKey.Find, _("Search patients"))
        self.help_action = a("help", _("mesodesk &help"), self.show_help,
                             QKeySequence.StandardKey.HelpContents, _("How to use mesodesk"))
        self.about_action = a(None, _("&About mesodesk"), self.show_about)
        self.logs_action = a(None, _("Open the &log folder"), self.open_log_folder)
        self.quit_action = a("quit", _("&Quit"), self.close, QKeySequence.StandardKey.Quit)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        for action in (self.new_consultation_action, self.new_patient_action, None,
                       self.import_action, self.export_action, None, self.print_action, None,
                       self.backup_action, None, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit_menu = bar.addMenu(_("&Edit"))
        for action in (self.find_action, self.edit_patient_action, None, self.settings_action):
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)
        consultation_menu = bar.addMenu(_("&Consultation"))
        for action in (self.new_consultation_action, self.resume_action, self.open_action,
                       self.new_version_action, None, self.delete_draft_action):
            consultation_menu.addSeparator() if action is None else consultation_menu.addAction(action)
        help_menu = bar.addMenu(_("&Help"))
        for action in (self.help_action, self.logs_action, None, self.about_action):
            help_menu.addSeparator() if action is None else help_menu.addAction(action)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar(_("Main"))
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(22, 22))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_consultation_action, self.new_patient_action,
                       self.edit_patient_action, None, self.import_action, self.export_action,
                       None, self.print_action, None, self.settings_action):
            bar.addSeparator() if action is None else bar.addAction(action)

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

        # -- left: search and the patient list
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search patients: name, date of birth or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(_("Search patients"))
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_return)
        self.search.setMinimumHeight(30)
        left_layout.addWidget(self.search)

        self.model = PatientTableModel(self.db_runner, self)
        self.model.loaded.connect(self._patients_loaded)
        self.model.countChanged.connect(self._count_changed)
        self.model.failed.connect(self._search_failed)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PatientTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PatientTableModel.BORN, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(PatientTableModel.AGE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(PatientTableModel.PHONE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(PatientTableModel.BORN, 100)
        header.resizeSection(PatientTableModel.AGE, 48)
        header.resizeSection(PatientTableModel.PHONE, 150)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.selectionModel().currentRowChanged.connect(self._patient_row_changed)
        self.table.setAccessibleName(_("Patients"))
        self.list_message = plain_label()
        self.list_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_message.setContentsMargins(24, 24, 24, 24)
        dim(self.list_message)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.list_message)
        self._show_list_message(_("Opening the database…"))
        left_layout.addWidget(self.list_stack, 1)
        splitter.addWidget(left)

        # -- right: the patient and their consultations
        self.detail_stack = QStackedWidget()
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        self._detail_hint = _("Select a patient to see their details and consultations, or "
                              "register one with New patient (Ctrl+Shift+N).")
        self.detail_empty = plain_label(self._detail_hint)
        self.detail_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dim(self.detail_empty)
        empty_layout.addWidget(self.detail_empty)
        self.detail_stack.addWidget(empty)
        self.detail_stack.addWidget(self._build_details())
        splitter.addWidget(self.detail_stack)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([540, 640])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _build_details(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(8)
        self.patient_name = heading("", 4)
        self.patient_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.patient_name, 1)
        self.detail_new_button = QPushButton(icon("consultation-new"), _("New consultation"))
        self.detail_new_button.clicked.connect(self.new_consultation)
        self.detail_edit_button = QPushButton(icon("patient-edit"), _("Edit"))
        self.detail_edit_button.clicked.connect(self.edit_patient)
        top.addWidget(self.detail_new_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.detail_edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        facts = QFormLayout()
        facts.setHorizontalSpacing(16)
        facts.setVerticalSpacing(4)
        self.fact_born = plain_label(selectable=True)
        self.fact_sex = plain_label(selectable=True)
        self.fact_phone = plain_label(selectable=True)
        self.fact_email = plain_label(selectable=True)
        self.fact_notes = plain_label(selectable=True)
        facts.addRow(_("Date of birth:"), self.fact_born)
        facts.addRow(_("Sex:"), self.fact_sex)
        facts.addRow(_("Phone:"), self.fact_phone)
        facts.addRow(_("Email:"), self.fact_email)
        facts.addRow(_("Notes:"), self.fact_notes)
        layout.addLayout(facts)

        history = QGroupBox(_("Consultations"))
        history_layout = QVBoxLayout(history)
        self.history_model = ConsultationHistoryModel(parent=self)
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setShowGrid(False)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(False)
        self.history.verticalHeader().hide()
        self.history.verticalHeader().setDefaultSectionSize(26)
        self.history.setIconSize(QSize(16, 16))
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(ConsultationHistoryModel.DATE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ConsultationHistoryModel.DATE, 100)
        header.setSectionResizeMode(ConsultationHistoryModel.CONCERNS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ConsultationHistoryModel.STATUS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ConsultationHistoryModel.STATUS, 170)
        header.setSectionResizeMode(ConsultationHistoryModel.CONSENT, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ConsultationHistoryModel.CONSENT, 90)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Mouse: a double-click; keyboard: Enter (not "activated", which some desktops fire
        # on a single click, and which would also come with the double-click).
        self.history.doubleClicked.connect(lambda _index: self.open_selected_consultation())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.history)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected_consultation)
        self.history.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        self.history.setAccessibleName(_("Consultations"))
        history_layout.addWidget(self.history, 1)
        self.history_message = hint_label()
        history_layout.addWidget(self.history_message)
        buttons = QHBoxLayout()
        self.history_open_button = QPushButton(icon("signed"), _("Open"))
        self.history_open_button.clicked.connect(self.open_selected_consultation)
        self.history_export_button = QPushButton(icon("export"), _("Export…"))
        self.history_export_button.clicked.connect(self.export_document)
        self.history_version_button = QPushButton(_("New version…"))
        self.history_version_button.clicked.connect(self.new_version)
        self.history_delete_button = QPushButton(_("Delete draft…"))
        self.history_delete_button.clicked.connect(self.delete_draft)
        for button in (self.history_open_button, self.history_export_button,
                       self.history_version_button, self.history_delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        history_layout.addLayout(buttons)
        layout.addWidget(history, 1)
        return panel

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_icon = QLabel()
        self.db_icon.setFixedSize(18, 18)
        self.db_label = plain_label(_("Opening the database…"), wrap=False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedSize(90, 12)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.count_label = plain_label("", wrap=False)
        bar.addWidget(self.db_icon)
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.count_label)

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
            self._show_list_message(_("Preparing the demo patients…"))
        # The first rows come from the app's one database connection (one SQLite library
        # in the process: a second copy would drop this process's POSIX locks on close).
        self.db_runner.submit(open_session, self.options, on_done=self._session_opened,
                              on_error=self._open_failed)

    def _session_opened(self, session: Session) -> None:
        if self._closed:
            session.db.close()
            return
        self.session = session
        self.problem_banner.hide()
        self.detail_empty.setText(self._detail_hint)
        self.model.set_source(session.db.patients)
        self._show_database()
        for note in session.notes:
            self.statusBar().showMessage(note, 15000)
        if self.current_patient is not None:
            self._load_history(self.current_patient.id)
        if self._first_rows:
            self._complete_session()  # queued after the search the new source just started
        self.sessionOpened.emit()

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
            self._set_session_actions(True)
            if draft is not None:
                self._offer_draft(draft)
            self.ready.emit()

        def failed(error: BaseException) -> None:
            self._completing = False
            self._report(error)

        self.db_runner.submit(complete_session, session, on_done=done, on_error=failed)

    def _open_failed(self, error: BaseException) -> None:
        log.warning("could not open the database: %s", error)
        name = type(error).__name__
        self._show_list_message(_("The database is not open."))
        self.db_label.setText(_("No database open"))
        self.show_problem(_("The database could not be opened: {reason}").format(reason=error))
        self.problem_banner.clear_buttons()
        if name == "WrongPassphrase" or "passphrase" in str(error).lower():
            self.problem_banner.add_button(_("Enter passphrase…")).clicked.connect(self._ask_passphrase)
        self.problem_banner.add_button(_("Try again")).clicked.connect(self._retry_open)
        self.problem_banner.add_button(_("Use another database…")).clicked.connect(
            self._choose_other_database)
        self.detail_empty.setText("")
        self.openFailed.emit(str(error))

    @Slot()
    def _retry_open(self) -> None:
        self.problem_banner.hide()
        self._started = False
        self._show_list_message(_("Opening the database…"))
        self.start()

    @Slot()
    def _ask_passphrase(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(self, _("Encrypted database"),
                                        _("Passphrase for this database:"), QLineEdit.EchoMode.Password)
        if ok and text:
            self.open_with_passphrase(text)

    def open_with_passphrase(self, passphrase: str) -> None:
        self.options.passphrase = passphrase
        self._retry_open()

    @Slot()
    def _choose_other_database(self) -> None:
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Database file"), self.options.location or "", _("mesodesk database (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            from mesodesk.ui.config import save_database_location

            save_database_location(path)
            self.options.location = path
            self._retry_open()

    def _show_database(self) -> None:
        assert self.session is not None
        db = self.session.db
        encrypted = bool(getattr(db, "encrypted", False))
        self.db_icon.setPixmap(icon("lock" if encrypted else "lock-open").pixmap(QSize(16, 16)))
        state = _("encrypted") if encrypted else _("not encrypted")
        description = str(getattr(db, "description", ""))
        if self.options.demo:
            description = _("Demo database (temporary): {where}").format(where=description)
        self.db_label.setText(f"{description} · {state}" if state not in description
                              else description)
        self.db_icon.setToolTip(_("The database is encrypted") if encrypted
                                else _("The database is not encrypted"))
        self.db_label.setToolTip(self.db_label.text())

    def show_problem(self, text: str) -> None:
        self.problem_banner.clear_buttons()
        self.problem_banner.set_kind("blocked")
        self.problem_banner.set_text(text)
        self.problem_banner.show()

    def _set_session_actions(self, open_: bool) -> None:
        for action in (self.new_patient_action, self.import_action, self.backup_action,
                       self.settings_action):
            action.setEnabled(open_)
        self._update_actions()

    @property
    def _usable(self) -> bool:
        return self.session is not None and self.is_ready

    # ====================================================================== the patient list
    def _show_list_message(self, text: str) -> None:
        self.list_message.setText(text)
        self.list_stack.setCurrentWidget(self.list_message)

    @Slot(str)
    def _search_changed(self, text: str) -> None:
        self.model.set_filter(text)

    @Slot()
    def _search_return(self) -> None:
        if self.model.rowCount() > 0:
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def _patients_loaded(self) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            text = self.model.filter_text
            if text:
                self._show_list_message(_("No patient matches “{text}”.\nCheck the spelling, or "
                                          "register a new patient (Ctrl+Shift+N).").format(text=text))
            else:
                self._show_list_message(_("No patients yet.\nRegister the first one with New "
                                          "patient (Ctrl+Shift+N)."))
        else:
            self.list_stack.setCurrentWidget(self.table)
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            if row is not None:
                self.table.selectRow(row)
            self._select_after_load = None
        elif self.current_patient is not None and not self.table.currentIndex().isValid():
            row = self.model.row_of(self.current_patient.id)
            if row is not None:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
        if not self._first_rows:
            self._first_rows = True
            self.firstRowsShown.emit()
            # Queued after whatever the first rows set off (a benchmark may quit right there).
            QTimer.singleShot(0, self._after_first_rows)

    def _after_first_rows(self) -> None:
        if not self._closed:
            self._complete_session()

    @Slot(str)
    def _search_failed(self, text: str) -> None:
        self.show_problem(_("The search failed: {reason}").format(reason=text))
        QTimer.singleShot(0, self._complete_session)

    @Slot(int)
    def _count_changed(self, total: int) -> None:
        text = self.model.filter_text
        if text:
            self.count_label.setText(_("{count} matching").format(count=f"{total:,}"))
        else:
            self.count_label.setText(ngettext("{count} patient", "{count} patients", total)
                                     .format(count=f"{total:,}"))

    @Slot()
    def _patient_row_changed(self, current: Any, _previous: Any) -> None:
        patient = self.model.patient(current.row()) if current.isValid() else None
        if patient is not None:
            self.show_patient(patient)

    # ====================================================================== the selected patient
    def show_patient(self, patient: PatientRecord | None) -> None:
        self.current_patient = patient
        if patient is None:
            self.detail_stack.setCurrentIndex(0)
            self.history_model.set_records([])
            self._update_actions()
            return
        self.detail_stack.setCurrentIndex(1)
        self.patient_name.setText(patient.name)
        self.fact_born.setText(_("{date} ({age} years)").format(
            date=patient.date_of_birth.isoformat(), age=age_in_years(patient.date_of_birth)))
        self.fact_sex.setText(_(SEX_TEXT[patient.sex]) if patient.sex in SEX_TEXT else "—")
        self.fact_phone.setText(patient.phone or "—")
        self.fact_email.setText(patient.email or "—")
        notes = patient.notes.strip()
        self.fact_notes.setText(notes[:400] + ("…" if len(notes) > 400 else "") if notes else "—")
        self.history_model.set_records([])
        self.history_message.setText(_("Loading consultations…"))
        self._load_history(patient.id)
        self._update_actions()

    def _load_history(self, patient_id: int, select: int | None = None) -> None:
        if self.session is None:
            return
        self._history_generation += 1
        generation = self._history_generation
        db = self.session.db

        def done(records: list[ConsultationRecord]) -> None:
            if generation != self._history_generation:
                return
            self.history_model.set_records(records)
            if not records:
                self.history_message.setText(_("No consultation yet. Start one with New "
                                               "consultation (Ctrl+N)."))
            else:
                signed = sum(1 for r in records if r.has_signed_consent)
                self.history_message.setText(
                    ngettext("{count} consultation, {signed} with a signed consent.",
                             "{count} consultations, {signed} with a signed consent.",
                             len(records)).format(count=len(records), signed=signed)
                    + " " + _("Double-click one to open it."))
            row = 0
            if select is not None:
                row = next((i for i, r in enumerate(records) if r.id == select), 0)
            if records:
                self.history.selectRow(row)
            self._update_actions()

        self.db_runner.submit(db.consultations.for_patient, patient_id, on_done=done,
                              on_error=lambda e: self.history_message.setText(
                                  _("The consultations could not be loaded: {reason}").format(reason=e)))

    def selected_consultation(self) -> ConsultationRecord | None:
        index = self.history.currentIndex()
        return self.history_model.record(index.row()) if index.isValid() else None

    def _update_actions(self) -> None:
        open_ = self._usable
        patient = self.current_patient is not None
        record = self.selected_consultation() if patient else None
        self.new_consultation_action.setEnabled(open_)
        self.edit_patient_action.setEnabled(open_ and patient)
        self.resume_action.setEnabled(open_ and (record is not None and record.status == "draft"
                                                 or self.session is not None and self.session.draft
                                                 is not None))
        self.export_action.setEnabled(open_ and record is not None)
        self.open_action.setEnabled(open_ and record is not None)
        self.print_action.setEnabled(open_ and record is not None and record.status == "final")
        self.new_version_action.setEnabled(open_ and record is not None and record.status == "final")
        self.delete_draft_action.setEnabled(open_ and record is not None and record.status == "draft")
        self.history_open_button.setEnabled(record is not None)
        self.history_open_button.setText(_("Continue") if record is not None and
                                         record.status == "draft" else _("Open"))
        self.history_export_button.setEnabled(record is not None)
        self.history_version_button.setEnabled(self.new_version_action.isEnabled())
        self.history_delete_button.setEnabled(self.delete_draft_action.isEnabled())

    def refresh(self, select_patient: int | None = None) -> None:
        """Search again and reload the selected patient's history."""
        self._select_after_load = select_patient
        self.model.refresh()
        if self.current_patient is not None and self.session is not None:
            self._reload_patient(select_patient or self.current_patient.id)

    def _reload_patient(self, patient_id: int) -> None:
        assert self.session is not None
        self.db_runner.submit(self.session.db.patients.get, patient_id,
                              on_done=self.show_patient, on_error=self._report)

    # ====================================================================== patients
    @Slot()
    def new_patient(self) -> None:
        if not self._usable:
            return
        from mesodesk.ui.patient_dialog import PatientDialog

        dialog = PatientDialog(None, self)
        self._patient_dialog = dialog

        def accepted() -> None:
            typed = dialog.patient
            db = self.session.db

            def created(patient: PatientRecord) -> None:
                self.show_patient(patient)
                self.refresh(select_patient=patient.id)
                self.statusBar().showMessage(_("Patient {name} registered.").format(
                    name=patient.name), 5000)

            self.db_runner.submit(db.patients.create, typed, actor=self.session.actor,
                                  on_done=created, on_error=self._report)

        dialog.accepted.connect(accepted)
        dialog.open()

    @Slot()
    def edit_patient(self) -> None:
        if not self._usable or self.current_patient is None:
            return
        from mesodesk.ui.patient_dialog import PatientDialog

        patient = self.current_patient
        dialog = PatientDialog(patient, self)
        self._patient_dialog = dialog

        def accepted() -> None:
            typed = dialog.patient
            db = self.session.db

            def saved(updated: PatientRecord) -> None:
                self.show_patient(updated)
                self.refresh(select_patient=updated.id)

            self.db_runner.submit(db.patients.update, patient.id, typed, actor=self.session.actor,
                                  on_done=saved, on_error=self._report)

        dialog.accepted.connect(accepted)
        dialog.open()

    # ====================================================================== consultations
    def _open_wizard(self, patient: PatientRecord | None = None,
                     record: ConsultationRecord | None = None) -> ConsultationWizard | None:
        if not self._usable:
            return None
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        from mesodesk.ui.wizard.wizard import ConsultationWizard

        wizard = ConsultationWizard(self.session, self.db_runner, self.work_runner, patient=patient,
                                    record=record, parent=self)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.saved.connect(self._consultation_saved)
        wizard.patientKept.connect(lambda patient: self.refresh(select_patient=patient.id))
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
            self._update_actions()

        self.db_runner.submit(db.consultations.latest_draft, on_done=latest,
                              on_error=lambda error: None)
        if self.current_patient is not None:
            self._load_history(self.current_patient.id)

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
        if self.current_patient is not None and self.current_patient.id == record.patient_id:
            self._load_history(record.patient_id, select=record.id)
        elif record.status != "draft" or self.current_patient is None:
            self._select_after_load = record.patient_id
            self._reload_patient(record.patient_id)
            self.model.refresh()

    def _offer_draft(self, draft: ConsultationRecord) -> None:
        name = draft.document.patient.name
        self.draft_banner.set_text(_("An unfinished consultation for {name} ({date}) was kept as a "
                                     "draft. Nothing typed was lost.").format(
            name=name, date=draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")))
        self.draft_banner.show()
        self._offered_draft = draft
        self._update_actions()

    @Slot()
    def _resume_offered_draft(self) -> None:
        draft = getattr(self, "_offered_draft", None)
        if draft is not None:
            self.draft_banner.hide()
            self.resume(draft)

    def knowledge_mismatch(self, record: ConsultationRecord, doing: str) -> bool:
        """True, after saying so, when the stored consultation names what the knowledge
        base no longer has: it is then neither screened, nor printed, nor opened in the
        wizard (which would drop the unknown items from the record without a word)."""
        kb = self.session.kb if self.session is not None else None
        if kb is None:
            return False
        from mesodesk.ui.wizard.state import unknown_to_knowledge

        unknown = unknown_to_knowledge(record.document, kb)
        if unknown is None:
            return False
        from mesodesk.ui.preview import show_error_box

        log.warning("consultation %s does not match the knowledge base:\n%s", record.id, unknown)
        intro = {
            "continue": _("The consultation of {date} for {name} cannot be continued: it names "
                          "what the knowledge base no longer has."),
            "print": _("The plan of {date} for {name} cannot be printed: the consultation names "
                       "what the knowledge base no longer has."),
            "show": _("The plan of {date} for {name} cannot be shown: the consultation names "
                      "what the knowledge base no longer has."),
        }[doing].format(date=record.date.isoformat(), name=record.document.patient.name)
        text = intro + "\n\n" + unknown + "\n\n" + _(
            "Was an item of your own knowledge-base additions (the overlay) removed or renamed? "
            "Put it back and start mesodesk again. Nothing was changed; the consultation can "
            "still be exported.")
        self.statusBar().clearMessage()  # not "Opening the plan…": it will not open
        self._knowledge_box = show_error_box(self, _("Unknown to the knowledge base"), text)
        return True

    def resume(self, record: ConsultationRecord) -> ConsultationWizard | None:
        assert self.session is not None
        db = self.session.db
        if self.knowledge_mismatch(record, "continue"):
            return None

        def opened(patient: PatientRecord) -> None:
            self.show_patient(patient)
            self._open_wizard(patient=patient, record=record)

        self.db_runner.submit(db.patients.get, record.patient_id, on_done=opened,
                              on_error=self._report)
        return None

    @Slot()
    def resume_draft(self) -> None:
        record = self.selected_consultation()
        if record is not None and record.status == "draft":
            self.resume(record)
        elif self.session is not None and self.session.draft is not None:
            self.resume(self.session.draft)

    @Slot()
    def open_selected_consultation(self) -> None:
        record = self.selected_consultation()
        if record is None or not self._usable:
            return
        if record.status == "draft":
            self.resume(record)
            return
        if record.status == "not-treated":
            self.statusBar().showMessage(_("Not treated: no plan was made for this consultation. "
                                           "Export it to see what was recorded."), 8000)
            return
        self.open_pdf(record)

    def open_pdf(self, record: ConsultationRecord, print_it: bool = False) -> None:
        """The signed consent PDF as stored, or (unsigned) the plan rendered again."""
        assert self.session is not None
        db, kb, settings = self.session.db, self.session.kb, self.session.settings
        name = record.document.patient.name

        def fetch() -> tuple[bytes | None, bool]:
            consent = db.consents.for_consultation(record.id) if record.has_signed_consent else None
            return (db.consents.pdf(consent.id) if consent is not None else None), consent is not None

        def fetched(result: tuple[bytes | None, bool]) -> None:
            pdf, signed = result
            if pdf is not None:
                self._show_pdf(pdf, name, record, signed, print_it)
                return
            # Rendered again: screened against today's knowledge base, so check first.
            if self.knowledge_mismatch(record, "print" if print_it else "show"):
                return

            def render() -> bytes:
                from mesodesk.domain.screening import screen
                from mesodesk.reports import render_plan

                doc = record.document
                return render_plan(doc, screen(doc, kb), kb, clinic=settings,
                                   paper=settings.default_paper)

            self.work_runner.submit(render, on_done=lambda data: self._show_pdf(
                data, name, record, False, print_it), on_error=self._report)

        self.statusBar().showMessage(_("Opening the plan…"), 3000)
        self.db_runner.submit(fetch, on_done=fetched, on_error=self._report)

    def _show_pdf(self, pdf: bytes, name: str, record: ConsultationRecord, signed: bool,
                  print_it: bool) -> PreviewWindow:
        from mesodesk.ui.preview import PreviewWindow, safe_file_name

        title = (_("Signed consent and plan: {name}, {date}") if signed
                 else _("Plan (not signed): {name}, {date}")).format(name=name,
                                                                    date=record.date.isoformat())
        preview = PreviewWindow(pdf, title, f"{safe_file_name(name)} {record.date.isoformat()}",
                                self.work_runner, self)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.previews.append(preview)
        preview.destroyed.connect(lambda *_a: self.previews.remove(preview)
                                  if preview in self.previews else None)
        preview.show()
        if print_it:
            QTimer.singleShot(0, preview.pane.print_with_dialog)
        return preview

    @Slot()
    def print_selected(self) -> None:
        record = self.selected_consultation()
        if record is not None and record.status == "final" and self._usable:
            self.open_pdf(record, print_it=True)

    @Slot()
    def new_version(self) -> None:
        record = self.selected_consultation()
        if record is None or self.session is None or record.status != "final":
            return
        answer = QMessageBox.question(
            self, _("New version"),
            _("The signed consultation stays as it is. A new version starts as a draft with the "
              "same content, to correct and sign again. Continue?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.db_runner.submit(self.session.db.consultations.new_version, record.id,
                              actor=self.session.actor, on_done=self.resume, on_error=self._report)

    @Slot()
    def delete_draft(self) -> None:
        record = self.selected_consultation()
        if record is None or self.session is None or record.status != "draft":
            return
        answer = QMessageBox.question(
            self, _("Delete draft"),
            _("Delete the unfinished consultation of {date}? This cannot be undone.").format(
                date=record.date.isoformat()))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def deleted(_result: Any) -> None:
            if self.session is not None and self.session.draft and self.session.draft.id == record.id:
                self.session.draft = None
                self.draft_banner.hide()
            self._load_history(record.patient_id)

        self.db_runner.submit(self.session.db.consultations.delete_draft, record.id,
                              actor=self.session.actor, on_done=deleted, on_error=self._report)

    # ====================================================================== import / export
    @Slot()
    def import_document(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self, _("Import a consultation"), "",
                                                      _("Consultation documents (*.json)"))
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Read a consultation document and store it through the store's one import path
        (the same as ``mesodesk import``): the patient matched or created, a new draft, or
        nothing when the document is already stored."""
        if not self._usable:
            return
        db, kb, actor = self.session.db, self.session.kb, self.session.actor

        def work() -> Any:
            from mesodesk.domain.document import DocumentError, parse_consultation
            from mesodesk.store import import_document

            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ImportProblem(_("{path}: not UTF-8 text").format(path=path)) from None
            except OSError as error:
                raise ImportProblem(_("{path}: cannot be read ({reason})").format(
                    path=path, reason=error.strerror or error)) from None
            try:
                doc = parse_consultation(text, kb)
            except DocumentError as error:
                raise ImportProblem(_("{path} is not a valid consultation document.").format(
                    path=path.name), "\n".join(str(issue) for issue in error.issues)) from None
            return doc.signatures is not None, import_document(db, doc, actor=actor)

        def imported(outcome: Any) -> None:
            had_signatures, result = outcome
            record = result.record
            if result.added:
                message = _("Imported as a draft: check it and sign it.")
                if had_signatures:
                    message += " " + _("The signatures in the file were not carried over.")
                self.statusBar().showMessage(message, 10000)
                self.resume(record)
            elif record.status == "draft":
                self.statusBar().showMessage(_("This document is already stored as a draft; "
                                               "nothing was added. The draft is opened."), 10000)
                self.resume(record)
            else:
                self.show_patient(result.patient)
                self._load_history(result.patient.id, select=record.id)
                self.statusBar().showMessage(
                    _("This document is already stored: the consultation of {date}, {status}. "
                      "Nothing was added.").format(date=record.date.isoformat(),
                                                   status=_(STATUS_TEXT.get(record.status,
                                                                            record.status))),
                    10000)

        def failed(error: BaseException) -> None:
            if isinstance(error, ImportProblem):
                from mesodesk.ui.preview import show_error_box

                self._import_box = show_error_box(self, _("Import"), error.message, error.details)
            else:
                self._report(error)

        self.db_runner.submit(work, on_done=imported, on_error=failed)

    @Slot()
    def export_document(self) -> None:
        record = self.selected_consultation()
        if record is None:
            return
        from mesodesk.ui.preview import safe_file_name

        suggested = Path.home() / f"{safe_file_name(record.document.patient.name)} " \
                                  f"{record.date.isoformat()}.json"
        path, _selected = QFileDialog.getSaveFileName(self, _("Export the consultation"),
                                                      str(suggested),
                                                      _("Consultation documents (*.json)"))
        if path:
            self.export_to(record, Path(path))

    def export_to(self, record: ConsultationRecord, path: Path) -> None:
        from mesodesk.store.files import write_atomically

        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        try:
            write_atomically(path, (record.document.to_json() + "\n").encode("utf-8"))
        except OSError as error:
            self.show_problem(_("The consultation could not be exported to {path}: {reason}").format(
                path=path, reason=error.strerror or error))
            return
        self.statusBar().showMessage(_("Exported to {path}").format(path=path), 8000)

    # ====================================================================== settings, backup, help
    @Slot()
    def open_settings(self) -> None:
        if not self._usable:
            return
        from mesodesk.ui.config import save_database_location, saved_database_location
        from mesodesk.ui.settings_dialog import SettingsDialog

        session = self.session
        dialog = SettingsDialog(session.settings, str(getattr(session.db, "description", "")),
                                saved_database_location(), self)
        self._settings_dialog = dialog

        def accepted() -> None:
            if dialog.database_location != saved_database_location():
                save_database_location(dialog.database_location)

            def saved(settings: Any) -> None:
                session.settings = settings
                self.statusBar().showMessage(_("Settings saved."), 5000)

            self.db_runner.submit(session.db.settings.save, dialog.settings, actor=session.actor,
                                  on_done=saved, on_error=self._report)

        dialog.accepted.connect(accepted)
        dialog.open()

    @Slot()
    def backup_database(self) -> None:
        if not self._usable:
            return
        import datetime as dt

        suggested = Path.home() / f"mesodesk-backup-{dt.date.today().isoformat()}.db"
        path, _selected = QFileDialog.getSaveFileName(self, _("Back up the database"),
                                                      str(suggested), _("Database backup (*.db)"))
        if not path:
            return
        self.statusBar().showMessage(_("Backing up…"))
        self.db_runner.submit(self.session.db.backup, path,
                              on_done=lambda written: self.statusBar().showMessage(
                                  _("Backup written to {path}").format(path=written), 10000),
                              on_error=self._report)

    @Slot()
    def show_help(self) -> None:
        from mesodesk.ui.help import HelpDialog

        self._help = HelpDialog(self)
        self._help.show()

    @Slot()
    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(_("About mesodesk"))
        box.setIconPixmap(icon("mesodesk").pixmap(QSize(64, 64)))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(_("mesodesk {version}\nAn offline consultation assistant for mesotherapy "
                      "practitioners.\nLicensed under the GNU GPL, version 3 or later.").format(
            version=__version__))
        box.open()

    @Slot()
    def open_log_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from mesodesk.paths import user_log_dir

        folder = user_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ====================================================================== status and errors
    @Slot(bool)
    def _busy_changed(self, _busy: bool) -> None:
        self.busy.setVisible(self.db_runner.busy or self.work_runner.busy)

    def _report(self, error: BaseException) -> None:
        """An error from the database or a worker: named in the window, logged."""
        log.warning("operation failed: %r", error)
        store_error = any(cls.__name__ == "StoreError" for cls in type(error).__mro__)
        if store_error or isinstance(error, (OSError, ValueError)):
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
        # Let the queued work (a draft being saved) finish before the database closes.
        self.db_runner.wait(15000)
        self.work_runner.wait(15000)
        self.db_runner.wait(15000)
        self.db_runner.silence()
        self.work_runner.silence()
        if self.session is not None:
            try:
                self.session.db.close()
            except Exception:  # noqa: BLE001 - closing must not stop the app from quitting
                log.exception("closing the database")
        super().closeEvent(event)


class ImportProblem(Exception):
    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.message, self.details = message, details

