"""The left of the main window: the search box and the patients that match it.

The table shows ``PatientTableModel`` (a page at a time, searched in the database thread).
Until the database is open, and when nothing matches, a message takes the table's place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.ui.icons import icon
from mesodesk.ui.models import PatientTableModel, set_patient_columns
from mesodesk.ui.widgets import dim, plain_label

if TYPE_CHECKING:
    from mesodesk.ui.workers import Runner


class PatientListPane(QWidget):
    patientSelected = Signal(object)  # PatientRecord: the person picked a row; None: none is
    patientActivated = Signal(object)  # Enter (or a double-click) on a row
    menuRequested = Signal(object)    # a right-click on a row (now selected): the global QPoint
    rowsShown = Signal()              # a search answered and its rows (or message) are shown
    countTextChanged = Signal(str)    # "31 patients", "4 matching": for the status bar

    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self.current_id: int | None = None  # the patient the window shows, kept selected
        self._select_after_load: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search patients: name, date of birth or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName(_("Search patients"))
        self.search.setMinimumHeight(30)
        layout.addWidget(self.search)

        self.model = PatientTableModel(runner, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        set_patient_columns(self.table, row_height=26, phone_width=150)
        self.table.setAccessibleName(_("Patients"))

        self.list_message = plain_label()
        self.list_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_message.setContentsMargins(24, 24, 24, 24)
        dim(self.list_message)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.list_message)
        self.show_message(_("Opening the database…"))
        layout.addWidget(self.list_stack, 1)

        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu_requested)
        self.table.activated.connect(self._activated)
        self.search.textChanged.connect(self.model.set_filter)
        self.search.returnPressed.connect(self._search_return)
        self.model.loaded.connect(self._loaded)
        self.model.countChanged.connect(self._count_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def show_message(self, text: str) -> None:
        """A message in the table's place (opening, nothing found, not open)."""
        self.list_message.setText(text)
        self.list_stack.setCurrentWidget(self.list_message)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self, select_patient: int | None = None) -> None:
        """Search again; select ``select_patient`` when the rows arrive."""
        self._select_after_load = select_patient
        self.model.refresh()

    def select_when_loaded(self, patient_id: int) -> None:
        self._select_after_load = patient_id

    @Slot()
    def _search_return(self) -> None:
        if self.model.rowCount() > 0:
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    @Slot()
    def _loaded(self) -> None:
        if self.model.rowCount() == 0:
            text = self.model.filter_text
            if text:
                self.show_message(_("No patient matches “{text}”.\nCheck the spelling, or "
                                    "register a new patient (Ctrl+Shift+N).").format(text=text))
            else:
                self.show_message(_("No patients yet.\nRegister the first one with New "
                                    "patient (Ctrl+Shift+N)."))
        else:
            self.list_stack.setCurrentWidget(self.table)
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            if row is not None:
                self.table.selectRow(row)
            self._select_after_load = None
        elif self.current_id is not None and not self.table.currentIndex().isValid():
            row = self.model.row_of(self.current_id)
            if row is not None:  # shown again without showing the patient again
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
            else:  # filtered away: the detail pane must not go on showing them
                self.patientSelected.emit(None)

        self.rowsShown.emit()

    @Slot(int)
    def _count_changed(self, total: int) -> None:
        if self.model.filter_text:
            text = _("{count} matching").format(count=f"{total:,}")
        else:
            text = ngettext("{count} patient", "{count} patients", total).format(count=f"{total:,}")
        self.countTextChanged.emit(text)

    @Slot(object)
    def _activated(self, index: Any) -> None:
        patient = self.model.patient(index.row()) if index.isValid() else None
        if patient is not None:
            self.patientActivated.emit(patient)

    @Slot(object)
    def _menu_requested(self, position: Any) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.selectRow(index.row())  # the menu acts on the row it was opened on
        self.menuRequested.emit(self.table.viewport().mapToGlobal(position))

    @Slot()
    def _row_changed(self, current: Any, _previous: Any) -> None:
        patient = self.model.patient(current.row()) if current.isValid() else None
        if patient is not None:
            self.patientSelected.emit(patient)
