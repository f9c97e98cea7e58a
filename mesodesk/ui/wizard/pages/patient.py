"""The first page: find the patient or enter a new one, and this consultation's date and
practitioner."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from mesodesk.domain.dates import DateError, parse_date
from mesodesk.i18n import _
from mesodesk.ui.icons import icon
from mesodesk.ui.models import PatientTableModel, set_patient_columns
from mesodesk.ui.patient_dialog import PatientForm
from mesodesk.ui.widgets import FieldError, hint_label, plain_label
from mesodesk.ui.wizard.pages.base import Page, pydate, qdate

if TYPE_CHECKING:
    from mesodesk.domain.records import PatientRecord
    from mesodesk.ui.wizard.context import PageContext


class PatientPage(Page):
    owns = ("patient", "date", "practitioner")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Patient"),
                         _("Find the patient, or enter a new one. Check the details with them."))
        self.record: PatientRecord | None = None
        layout = self.page_layout()

        find_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Find an existing patient: name, date of birth or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Find an existing patient"))
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.new_button = QPushButton(icon("patient-new"), _("New patient"))
        self.new_button.setToolTip(_("Clear the form to enter a new patient"))
        self.new_button.clicked.connect(self.start_new_patient)
        find_row.addWidget(self.search, 1)
        find_row.addWidget(self.new_button)
        layout.addLayout(find_row)

        self.matches_model = PatientTableModel(context.ops.db_runner, self)
        self.matches = QTableView()
        self.matches.setModel(self.matches_model)
        self.matches.setMaximumHeight(150)
        self.matches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matches.setAlternatingRowColors(True)
        set_patient_columns(self.matches, row_height=24, phone_width=170)
        self.matches.setAccessibleName(_("Matching patients"))
        self.matches.hide()
        self.matches.clicked.connect(self._picked)
        self.matches.activated.connect(self._picked)
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._pick_first)
        layout.addWidget(self.matches)

        self.who = plain_label()
        self.who.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.who)

        details = QGroupBox(_("Patient details"))
        self.form = PatientForm(with_notes=False)
        self.form.changed.connect(self._describe)
        box = QVBoxLayout(details)
        box.addWidget(self.form)
        box.addStretch(1)

        visit = QGroupBox(_("This consultation"))
        visit_form = QFormLayout(visit)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(qdate(dt.date.today()))
        self.date.setMinimumDate(QDate(2000, 1, 1))
        self.date.setMaximumWidth(160)
        self.practitioner = QLineEdit()
        self.practitioner.setPlaceholderText(_("Optional"))
        self.registration = QLineEdit()
        self.registration.setPlaceholderText(_("Optional"))
        visit_form.addRow(_("Consultation &date:"), self.date)
        visit_form.addRow(_("P&ractitioner:"), self.practitioner)
        visit_form.addRow(_("Re&gistration number:"), self.registration)
        visit_form.addRow(hint_label(_("The practitioner is printed on the plan and the consent; "
                                       "the default comes from Settings.")))
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(details, 3)
        columns.addWidget(visit, 2)
        layout.addLayout(columns)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        source = self.ops.patient_source()
        if source is not None:
            self.matches_model.set_source(source)
        state = self.state
        self.record = self.ctx.patient_record()
        if self.record is not None:
            self.form.set_patient(self.record)
        elif state.patient:
            self._fill_from_state()
        else:
            self.form.set_patient(None)
        self.date.setDate(qdate(state.date))
        practitioner = state.practitioner or {}
        self.practitioner.setText(practitioner.get("name", ""))
        self.registration.setText(practitioner.get("registration", ""))
        self._describe()
        target = self.form.name if self.record is None else self.search
        QTimer.singleShot(0, target.setFocus)

    def _fill_from_state(self) -> None:
        patient = self.state.patient
        try:
            born = parse_date(patient.get("date_of_birth", ""), "date_of_birth")
        except DateError:
            born = None
        self.form.set_values(patient.get("name", ""), born, patient.get("sex"), patient.get("phone"),
                             patient.get("email"))

    @Slot(str)
    def _search_changed(self, text: str) -> None:
        self.matches.setVisible(bool(text.strip()))
        self.matches_model.set_filter(text)

    @Slot()
    def _pick_first(self) -> None:
        if self.matches_model.rowCount() > 0:
            self._picked(self.matches_model.index(0, 0))

    @Slot()
    def _picked(self, index) -> None:
        record = self.matches_model.patient(index.row())
        if record is None:
            return
        self.record = record
        self.form.set_patient(record)
        self.search.clear()
        self._describe()

    @Slot()
    def start_new_patient(self) -> None:
        self.record = None
        self.form.set_patient(None)
        self.search.clear()
        self._describe()
        self.form.name.setFocus()

    @Slot()
    def _describe(self) -> None:
        if self.record is None:
            self.who.setText(_("New patient: saved when you continue."))
        elif self.form.is_modified():
            self.who.setText(_("Existing patient (changes are saved when you continue)"))
        else:
            self.who.setText(_("Existing patient, registered {date}").format(
                date=self.record.created_at.date().isoformat()))

    def store(self) -> None:
        state = self.state
        state.date = pydate(self.date.date())
        name = self.practitioner.text().strip()
        if name:
            state.practitioner = {"name": name}
            if self.registration.text().strip():
                state.practitioner["registration"] = self.registration.text().strip()
        else:
            state.practitioner = None

    def check(self) -> str | None:
        try:
            patient = self.form.values(today=self.state.date)
        except FieldError as error:
            self.form.show_error(error)
            return str(error)
        if patient.date_of_birth >= self.state.date:
            return _("Date of birth: must be before the consultation date")
        if len(self.registration.text().strip()) > 200:
            return _("Registration number: is longer than 200 characters")
        if len(self.practitioner.text().strip()) > 200:
            return _("Practitioner: is longer than 200 characters")
        self._typed = patient
        return None

    def commit(self) -> bool:
        typed = self._typed
        record = self.record
        if record is not None and not self.form.is_modified():
            self.ctx.set_patient(record)
            return True

        def done(saved: PatientRecord) -> None:
            self.record = saved
            self.form.mark_saved()
            self.ctx.set_patient(saved)
            self._describe()

        return self.run_then_next(
            lambda on_done, on_error: self.ops.save_patient(record, typed, on_done, on_error), done)
