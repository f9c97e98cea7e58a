"""Creating and editing a patient: one form, used by the dialog and the wizard."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mesodesk.domain.records import NewPatient
from mesodesk.i18n import _
from mesodesk.ui.labels import SEX_CHOICES
from mesodesk.ui.widgets import DateField, FieldError, plain_label, show_field_error

if TYPE_CHECKING:
    from mesodesk.domain.records import PatientRecord

MAX_NAME = 200
MAX_SHORT = 200
MAX_NOTES = 20_000
EARLIEST_BIRTH = dt.date(1900, 1, 1)



class PatientForm(QWidget):
    """Name, date of birth, sex, phone, email and notes, validated field by field."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_notes: bool = True):
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Full name, in any script"))
        self.born = DateField()
        self.sex = QComboBox()
        for value, text in SEX_CHOICES:
            self.sex.addItem(_(text), value)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("Optional"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(_("Optional"))
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(_("Optional notes about the patient"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("&Name:"), self.name)
        form.addRow(_("&Date of birth:"), self.born)
        form.addRow(_("&Sex:"), self.sex)
        form.addRow(_("&Phone:"), self.phone)
        form.addRow(_("&Email:"), self.email)
        if with_notes:
            form.addRow(_("N&otes:"), self.notes)
        else:
            self.notes.hide()
        form.addRow(self.error)
        for edit in (self.name, self.phone, self.email):
            edit.textChanged.connect(self._edited)
        self.born.changed.connect(self._edited)
        self.sex.currentIndexChanged.connect(self._edited)
        self.notes.textChanged.connect(self._edited)
        self._loaded: tuple | None = None

    # -- loading and reading -----------------------------------------------------------
    def set_values(self, name: str = "", born: dt.date | None = None, sex: str | None = None,
                   phone: str | None = None, email: str | None = None, notes: str = "") -> None:
        self.name.setText(name)
        self.born.set_date(born)
        index = self.sex.findData(sex)
        self.sex.setCurrentIndex(max(index, 0))
        self.phone.setText(phone or "")
        self.email.setText(email or "")
        self.notes.setPlainText(notes or "")
        self.show_error(None)
        self._loaded = self._snapshot()

    def set_patient(self, patient: PatientRecord | None) -> None:
        if patient is None:
            self.set_values()
        else:
            self.set_values(patient.name, patient.date_of_birth, patient.sex, patient.phone,
                            patient.email, patient.notes)

    def _snapshot(self) -> tuple:
        return (self.name.text(), self.born.text(), self.sex.currentData(), self.phone.text(),
                self.email.text(), self.notes.toPlainText())

    def is_modified(self) -> bool:
        return self._loaded is None or self._snapshot() != self._loaded

    def mark_saved(self) -> None:
        self._loaded = self._snapshot()

    @Slot()
    def _edited(self) -> None:
        if self.error.isVisible():
            self.show_error(None)
        self.changed.emit()

    def show_error(self, error: FieldError | None) -> None:
        show_field_error(error, (self.name, self.born.edit, self.phone, self.email, self.notes), self.error)

    def values(self, today: dt.date | None = None) -> NewPatient:
        """The typed patient, or ``FieldError`` naming the first wrong field."""
        today = today or dt.date.today()
        name = self.name.text().strip()
        if not name:
            raise FieldError(_("Name"), _("is required"), self.name)
        if len(name) > MAX_NAME:
            raise FieldError(_("Name"), _("is {count} characters long; at most {limit} fit")
                             .format(count=len(name), limit=MAX_NAME), self.name)
        try:
            born = self.born.date()
        except ValueError as error:
            raise FieldError(_("Date of birth"), str(error), self.born.edit) from None
        if born > today:
            raise FieldError(_("Date of birth"), _("is in the future"), self.born.edit)
        if born < EARLIEST_BIRTH:
            raise FieldError(_("Date of birth"), _("is before 1900; check the year"), self.born.edit)
        phone = self.phone.text().strip() or None
        if phone and len(phone) > MAX_SHORT:
            raise FieldError(_("Phone"), _("is longer than {limit} characters").format(limit=MAX_SHORT),
                             self.phone)
        email = self.email.text().strip() or None
        if email:
            if len(email) > MAX_SHORT:
                raise FieldError(_("Email"), _("is longer than {limit} characters")
                                 .format(limit=MAX_SHORT), self.email)
            local, _at, domain = email.partition("@")
            if not local or not domain or " " in email:
                raise FieldError(_("Email"), _("'{email}' is not an email address")
                                 .format(email=email), self.email)
        notes = self.notes.toPlainText()
        if len(notes) > MAX_NOTES:
            raise FieldError(_("Notes"), _("are {count} characters long; at most {limit} fit")
                             .format(count=len(notes), limit=MAX_NOTES), self.notes)
        return NewPatient(name=name, date_of_birth=born, sex=self.sex.currentData(), phone=phone,
                          email=email, notes=notes)


class PatientDialog(QDialog):
    """New patient / edit patient. ``accepted`` means ``patient`` holds valid values."""

    def __init__(self, patient: PatientRecord | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Edit patient") if patient else _("New patient"))
        self.setMinimumWidth(480)
        self.record = patient
        self.patient: NewPatient | None = None
        self.form = PatientForm(self)
        self.form.set_patient(patient)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.form.name.setFocus()

    def accept(self) -> None:
        try:
            self.patient = self.form.values()
        except FieldError as error:
            self.form.show_error(error)
            return
        super().accept()
