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
from mesodesk.ui import colours
from mesodesk.ui.labels import SEX_CHOICES
from mesodesk.ui.widgets import DateField, FieldError, plain_label, show_field_error

if TYPE_CHECKING:
    from mesodesk.domain.records import PatientRecord


class PatientForm(QWidget):
    """Name, date of birth, sex, phone, email and notes, validated field by field."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_notes: bool = True):
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("Full name, in any script"))
        self.born = DateField()
        self.born.set_name(_("Date of birth"))
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
        self.error.setStyleSheet(f"color: {colours.css('error', self.palette())};")
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
        """The typed patient, checked by the domain's one set of patient rules, or
        ``FieldError`` naming the first wrong field."""
        from mesodesk.domain.patient import PatientError, validate_patient  # pydantic: not at start-up

        try:
            valid = validate_patient(name=self.name.text(), date_of_birth=self.born.text(),
                                     sex=self.sex.currentData(), phone=self.phone.text(),
                                     email=self.email.text(), notes=self.notes.toPlainText(),
                                     today=today)
        except PatientError as error:
            issue = error.issues[0]
            label, widget = self._fields().get(issue.field, (_("Patient"), self.name))
            raise FieldError(label, issue.message, widget) from None
        return valid.to_new_patient()

    def _fields(self) -> dict[str, tuple[str, QWidget]]:
        return {"name": (_("Name"), self.name), "date_of_birth": (_("Date of birth"), self.born.edit),
                "sex": (_("Sex"), self.sex), "phone": (_("Phone"), self.phone),
                "email": (_("Email"), self.email), "notes": (_("Notes"), self.notes)}


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
