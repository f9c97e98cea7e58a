"""The course in the patient pane and the Record session dialog, wired to the services:
the course of the selected consultation is read off the GUI thread, the dialog's checks
and its recording run as named operations (``ui.operations``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from mesodesk.i18n import _
from mesodesk.services import sessions
from mesodesk.ui.operations import RecordsChange
from mesodesk.ui.recall_dialog import RecallDialog
from mesodesk.ui.session_dialog import RecordSessionDialog

if TYPE_CHECKING:
    from mesodesk.ui.patient_detail import PatientDetailPane


class SessionActions(QObject):
    def __init__(self, window: Any, detail: PatientDetailPane):
        """``window``: the main window (its session, operations and selection)."""
        super().__init__(window)
        self.window = window
        self.panel = detail.course
        self.dialog: RecordSessionDialog | None = None
        self.recall_dialog: RecallDialog | None = None
        self._generation = 0
        detail.selectionChanged.connect(self.refresh)
        self.panel.record_button.clicked.connect(self.record_session)
        self.panel.calendar_button.clicked.connect(self.save_calendar)
        self._build_menu()

    def _build_menu(self) -> None:
        """A Sessions menu before Help: record, recall, calendar."""
        bar = self.window.menuBar()
        self.record_action = QAction(_("&Record session…"), self.window)
        self.record_action.triggered.connect(self.record_session)
        self.recall_action = QAction(_("Re&call a lot…"), self.window)
        self.recall_action.triggered.connect(self.recall)
        self.calendar_action = QAction(_("Save the course's &calendar…"), self.window)
        self.calendar_action.triggered.connect(self.save_calendar)
        menu = self.menu = bar.addMenu(_("&Sessions"))
        for action in (self.record_action, self.calendar_action, None, self.recall_action):
            menu.addSeparator() if action is None else menu.addAction(action)
        existing = [a for a in bar.actions() if a.menu() is not menu]
        if existing:  # Help stays last
            bar.insertMenu(existing[-1], menu)

    def _selected(self) -> Any:
        window = self.window
        if not window.usable or window.current_patient is None:
            return None
        return window.selected_consultation()

    def refresh(self) -> None:
        """Show the selected consultation's course (a later call wins)."""
        self._generation += 1
        generation = self._generation
        record = self._selected()
        if record is None or record.status != "final":
            self.panel.show_course(None if record is None else _Unsigned(record))
            return

        def shown(state: sessions.CourseState) -> None:
            if generation == self._generation:
                kb = self.window.session.kb if self.window.session is not None else None
                names = {key: c.name for key, c in kb.concerns.items()} if kb else {}
                self.panel.show_course(state, names)

        session = self.window.session
        self.window.ops.query(_("Read the course"), sessions.course_state, session.db,
                              session.kb, record.id, on_done=shown,
                              on_error=lambda error: self.panel.summary.setText(str(error)))

    def record_session(self) -> None:
        record = self._selected()
        if record is None:
            return
        session = self.window.session
        self.window.ops.query(_("Prepare the session"), sessions.recording_start, session.db,
                              session.kb, record.id, on_done=self._open_dialog,
                              on_error=lambda error: self.window.show_problem(str(error)))

    def _open_dialog(self, start: sessions.RecordingStart) -> None:
        dialog = self.dialog = RecordSessionDialog(start.state, list(start.consented),
                                                   start.last, parent=self.window)
        dialog.checkRequested.connect(self._check)
        dialog.recordRequested.connect(self._record)
        dialog.open()
        dialog.schedule_check()

    def _session(self, data: dict) -> Any:
        return sessions.parse_session_text(data, _("the session"))

    def _check(self, data: dict) -> None:
        dialog, session = self.dialog, self.window.session
        if dialog is None or session is None:
            return

        def check(db: Any, kb: Any) -> None:
            sessions.check(db, kb, self._session(data))

        self.window.ops.query(_("Check the session"), check, session.db, session.kb,
                              on_done=lambda _r: dialog.show_issues(None),
                              on_error=dialog.show_issues)

    def _record(self, data: dict) -> None:
        dialog, session = self.dialog, self.window.session
        if dialog is None or session is None:
            return

        def record(db: Any, kb: Any) -> Any:
            return sessions.record_session(db, kb, self._session(data), actor=session.actor)

        def recorded(result: Any) -> None:
            dialog.accept()
            self.window.statusBar().showMessage(
                _("Session {number} recorded.").format(number=result.session.number), 5000)
            self.refresh()

        self.window.ops.change(_("Record the session"), record, session.db, session.kb,
                               touched=RecordsChange(patient_id=dialog.state.record.patient_id),
                               on_done=recorded, on_error=dialog.show_issues)


    # -- recall ----------------------------------------------------------------------------
    def recall(self) -> None:
        if not self.window.usable:
            return
        dialog = self.recall_dialog = RecallDialog(self.window)
        dialog.searchRequested.connect(self._find_lot)
        dialog.csvRequested.connect(self._save_recall)
        dialog.open()

    def _find_lot(self, lot: str) -> None:
        dialog, session = self.recall_dialog, self.window.session
        self.window.ops.query(_("Recall a lot"), sessions.recall, session.db, lot,
                              on_done=lambda hits: dialog.show_hits(lot, hits),
                              on_error=dialog.show_error)

    def _save_recall(self, lot: str) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.recall_dialog, _("Save the recall"), f"recall-{lot}.csv", _("CSV (*.csv)"))
        if path:
            self.save_recall_to(lot, path)

    def save_recall_to(self, lot: str, path: str) -> None:
        dialog, session = self.recall_dialog, self.window.session
        self.window.ops.query(
            _("Save the recall"), sessions.write_recall_csv, session.db, lot, path,
            session.actor, on_error=dialog.show_error,
            on_done=lambda _hits: dialog.message.setText(_("Saved to {path}").format(path=path)))

    # -- calendar --------------------------------------------------------------------------
    def save_calendar(self) -> None:
        record = self._selected()
        if record is None or record.status != "final":
            return
        path, _filter = QFileDialog.getSaveFileName(
            self.window, _("Save the calendar"), f"sessions-{record.id}.ics",
            _("Calendar (*.ics)"))
        if path:
            self.save_calendar_to(record.id, path)

    def save_calendar_to(self, consultation_id: int, path: str) -> None:
        session = self.window.session
        self.window.ops.query(
            _("Save the calendar"), sessions.write_calendar, session.db, session.kb,
            consultation_id, path, session.actor,
            on_error=lambda error: self.window.show_problem(str(error)),
            on_done=lambda count: self.window.statusBar().showMessage(
                _("Saved {count} sessions to come to {path}").format(count=count, path=path),
                8000))


class _Unsigned:
    """A course view of a consultation that takes no sessions (a draft, not treated)."""

    def __init__(self, record: Any):
        self.record = record
        self.sessions = ()
        self.next = None
