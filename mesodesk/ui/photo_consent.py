"""The photo consent's two questions: the date it was given, and the confirmation before
a withdrawal deletes every photograph of the patient."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.ui import colours
from mesodesk.ui.widgets import DateField, plain_label


class GiveConsentDialog(QDialog):
    """Asks the date the patient gave their photo consent (today unless changed)."""

    given = Signal(object)  # the date

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Photo consent"))
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_(
            "{name} agrees that photographs of the treated areas are taken and kept with "
            "their record. They may withdraw this at any time; the photographs are then "
            "deleted.").format(name=name)))
        form = QFormLayout()
        self.date = DateField()
        self.date.set_name(_("Date the consent was given"))
        self.date.set_date(dt.date.today())
        form.addRow(_("Given on:"), self.date)
        layout.addLayout(form)
        self.message = plain_label()
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.give_button = buttons.addButton(_("Record the consent"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._give)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _give(self) -> None:
        try:
            on = self.date.date()
        except ValueError as error:
            self.show_problem(_("Given on: {reason}").format(reason=error))
            return
        if on > dt.date.today():
            self.show_problem(_("Given on: the date is in the future."))
            return
        self.given.emit(on)

    def show_problem(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {colours.css('error', self.palette())}")
        self.message.setText(text)
        self.message.show()


def withdraw_box(parent: QWidget | None, name: str, count: int) -> QMessageBox:
    """The confirmation before a withdrawal: how many photographs go, and that it is final.
    Its accept button is ``box.withdraw_button``; the default is Cancel."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Withdraw the photo consent"), "",
                      QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    deleted = (ngettext("The {count} photograph kept for them will be deleted.",
                        "All {count} photographs kept for them will be deleted.", count)
               .format(count=count) if count else
               _("No photograph is kept for them, so none will be deleted."))
    box.setText(_("Withdraw {name}'s photo consent?").format(name=name) + "\n\n" + deleted
                + " " + _("This cannot be undone. The rest of the record does not change."))
    box.withdraw_button = box.addButton(
        ngettext("Withdraw and delete {count} photograph",
                 "Withdraw and delete {count} photographs", count).format(count=count)
        if count else _("Withdraw the consent"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box
