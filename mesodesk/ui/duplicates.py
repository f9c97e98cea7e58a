"""The question asked before a second record of one person is made: a patient with the
same name (case and accents aside) and date of birth is already registered."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from mesodesk.domain.records import NewPatient, PatientRecord
from mesodesk.i18n import _


def ask_about_duplicates(parent: QWidget, new: NewPatient, found: list[PatientRecord],
                         open_existing: Callable[[PatientRecord], None],
                         register_anyway: Callable[[], None]) -> QMessageBox:
    """Offer to open the patient already registered; registering anyway stays possible
    (two people may share a name and a birthday). Returns the box, already open."""
    existing = found[0]
    box = QMessageBox(QMessageBox.Icon.Question, _("This patient may be registered already"),
                      _("{name}, born {date}, is registered already (registered {since}). "
                        "Open that patient instead of making a second record of the same "
                        "person?").format(name=existing.name,
                                          date=existing.date_of_birth.isoformat(),
                                          since=existing.created_at.date().isoformat()),
                      parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names are text, never markup
    open_button = box.addButton(_("Open the registered patient"),
                                QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton(_("Register {name} as a new patient").format(name=new.name),
                               QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(open_button)
    box.open_button, box.new_button = open_button, new_button  # so tests press them by name

    def answered(button) -> None:
        if button is open_button:
            open_existing(existing)
        elif button is new_button:
            register_anyway()

    box.buttonClicked.connect(answered)
    box.open()
    return box
