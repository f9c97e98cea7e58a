"""The selected consultation's course in the patient pane: planned sessions with their dates,
the ones done, the next one, and the button that records a session. Image files dropped
on a session done are photographs of that session (``photosDropped``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.photo_import import image_paths
from mesodesk.ui.widgets import hint_label

if TYPE_CHECKING:
    from mesodesk.services.sessions import CourseState


class SessionTable(QTableWidget):
    """The course's rows; takes image files dropped on a row (``dropped``: paths, row)."""

    dropped = Signal(list, int)

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None):
        super().__init__(rows, columns, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if image_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = image_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(paths, self.rowAt(event.position().toPoint().y()))


class CoursePanel(QGroupBox):
    photosDropped = Signal(list, object)  # image files, the session id (None: none done)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(_("Course"), parent)
        layout = QVBoxLayout(self)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.table = SessionTable(0, 4)
        self.table.dropped.connect(self._dropped)
        self.table.setHorizontalHeaderLabels([_("Course"), _("Session"), _("Planned"),
                                              _("Done")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(_("Course"))
        self.table.setToolTip(_("Drop photographs on a session done to add them to it"))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.record_button = QPushButton(_("Record session…"))
        self.record_button.setEnabled(False)
        self.calendar_button = QPushButton(_("Calendar…"))
        self.calendar_button.setToolTip(_("The sessions still to come, as a calendar file the "
                                          "patient's phone opens"))
        self.calendar_button.setEnabled(False)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.calendar_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.state: CourseState | None = None

    def session_at(self, row: int) -> int | None:
        """The id of the session recorded on ``row`` (None: not done, or no row)."""
        rows = list(self.state.sessions) if self.state is not None else []
        done = rows[row].done if 0 <= row < len(rows) else None
        return done.id if done is not None else None

    def _dropped(self, paths: list[str], row: int) -> None:
        self.photosDropped.emit(paths, self.session_at(row))

    def show_course(self, state: CourseState | None, names: dict[str, str] | None = None
                    ) -> None:
        """The course; ``names`` gives each concern's name (its id otherwise)."""
        self.state = state
        names = names or {}
        rows = list(state.sessions) if state is not None else []
        self.table.setRowCount(len(rows))
        upcoming = state.next if state is not None else None
        for row, item in enumerate(rows):
            done = (_("{date} (session {id})").format(date=item.done.session.date.isoformat(),
                                                      id=item.done.id)
                    if item.done is not None else
                    _("next") if item == upcoming else "")
            values = (names.get(item.concern, item.concern), str(item.number),
                      item.planned.isoformat() if item.planned else _("past the plan"), done)
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        final = state is not None and str(state.record.status) == "final"
        self.record_button.setEnabled(final)
        self.calendar_button.setEnabled(final)
        if state is None:
            self.summary.setText(_("Select a consultation to see its course."))
        elif not final:
            self.summary.setText(_("Sessions are recorded once the consultation is signed."))
        else:
            done = sum(1 for item in rows if item.done is not None)
            planned = sum(1 for item in rows if item.planned is not None)
            text = _("{done} of {planned} sessions done.").format(done=done, planned=planned)
            if upcoming is not None and upcoming.planned is not None:
                text += " " + _("Next: session {number} on {date}.").format(
                    number=upcoming.number, date=upcoming.planned.isoformat())
            self.summary.setText(text)
