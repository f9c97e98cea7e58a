"""Recall: "which patients received lot X?", with a CSV for the authorities.

The look-up and the CSV are the services' (``services.sessions.recall``,
``write_recall_csv``, an audited disclosure), the same as ``mesodesk recall``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.widgets import hint_label

if TYPE_CHECKING:
    from mesodesk.domain.session import RecallHit


class RecallDialog(QDialog):
    searchRequested = Signal(str)  # the lot typed
    csvRequested = Signal(str)     # the lot shown, to save as CSV

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Recall a lot"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.lot = QLineEdit()
        self.lot.setPlaceholderText(_("Lot number, e.g. LD2291"))
        self.lot.setAccessibleName(_("Lot"))
        self.lot.setMaxLength(40)
        self.find_button = QPushButton(_("Find"))
        self.find_button.setAccessibleName(_("Find the lot"))
        row.addWidget(self.lot, 1)
        row.addWidget(self.find_button)
        layout.addLayout(row)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([_("Session date"), _("Patient"),
                                              _("Date of birth"), _("Phone"), _("Product"),
                                              _("Lot")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(_("Patients who received the lot"))
        layout.addWidget(self.table, 1)
        self.message = hint_label()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.csv_button = buttons.addButton(_("Save CSV…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.csv_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.shown_lot = ""
        self.find_button.clicked.connect(self._find)
        self.lot.returnPressed.connect(self._find)
        self.csv_button.clicked.connect(lambda: self.csvRequested.emit(self.shown_lot))

    def _find(self) -> None:
        self.message.setText(_("Looking…"))
        self.searchRequested.emit(self.lot.text())

    def show_hits(self, lot: str, hits: list[RecallHit]) -> None:
        self.shown_lot = lot.strip()
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            values = (hit.session_date.isoformat(), hit.patient_name,
                      hit.date_of_birth.isoformat(), hit.phone or "—",
                      hit.product or hit.substance, hit.lot)
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        patients = len({hit.patient_id for hit in hits})
        self.message.setText(_("Lot {lot}: {uses} uses by {patients} patients.").format(
            lot=self.shown_lot, uses=len(hits), patients=patients))
        self.csv_button.setEnabled(bool(hits))

    def show_error(self, error: BaseException) -> None:
        self.message.setText(str(error))
