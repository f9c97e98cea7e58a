"""The right of the main window: the selected patient's details and their consultations.

A hint stands in the pane's place until a patient is selected. The buttons here are the
same workflows as the window's actions (``mesodesk.ui.actions``), which connects them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.ui.course_panel import CoursePanel
from mesodesk.ui.icons import icon
from mesodesk.ui.models import ConsultationHistoryModel, age_in_years
from mesodesk.ui.labels import SEX
from mesodesk.ui.photo_import import image_paths
from mesodesk.ui.photos_panel import PhotosPanel
from mesodesk.ui.widgets import N_, dim, heading, hint_label, plain_label

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.workers import Runner

HINT = N_("Select a patient to see their details and consultations, or register one with "
          "New patient (Ctrl+Shift+N).")


class PatientDetailPane(QStackedWidget):
    consultationActivated = Signal()  # double-click or Enter on a consultation
    selectionChanged = Signal()       # another consultation (or none) is selected
    patientShown = Signal(object)     # the patient shown (None: none), or shown again
    photosDropped = Signal(list)      # image files dropped on the patient

    def __init__(self, runner: Runner, parent: QWidget | None = None):
        super().__init__(parent)
        self._runner = runner
        self._history_generation = 0
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        self.detail_empty = plain_label(_(HINT))
        self.detail_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        dim(self.detail_empty)
        empty_layout.addWidget(self.detail_empty)
        self.addWidget(empty)
        self.addWidget(self._build_details())
        self.setAcceptDrops(True)

    def _build_details(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(8)
        self.patient_name = heading("", 4)
        self.patient_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.patient_name, 1)
        self.new_button = QPushButton(icon("consultation-new"), _("New consultation"))
        self.edit_button = QPushButton(icon("patient-edit"), _("Edit"))
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
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
        header.setSectionResizeMode(ConsultationHistoryModel.CONCERNS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((ConsultationHistoryModel.DATE, 100),
                              (ConsultationHistoryModel.STATUS, 170),
                              (ConsultationHistoryModel.CONSENT, 90)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Mouse: a double-click; keyboard: Enter (not "activated", which some desktops fire
        # on a single click, and which would also come with the double-click).
        self.history.doubleClicked.connect(lambda _index: self.consultationActivated.emit())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.history)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.consultationActivated)
        self.history.selectionModel().currentRowChanged.connect(
            lambda *_a: self.selectionChanged.emit())
        self.history.setAccessibleName(_("Consultations"))
        history_layout.addWidget(self.history, 1)
        self.history_message = hint_label()
        history_layout.addWidget(self.history_message)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(icon("signed"), _("Open"))
        self.export_button = QPushButton(icon("export"), _("Export…"))
        self.version_button = QPushButton(_("New version…"))
        self.delete_button = QPushButton(_("Delete draft…"))
        for button in (self.open_button, self.export_button, self.version_button,
                       self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        history_layout.addLayout(buttons)
        # The consultations and their course on one tab, the photographs on the other: the
        # photographs are read only when their tab is shown.
        records = QWidget()
        records_layout = QVBoxLayout(records)
        records_layout.setContentsMargins(0, 4, 0, 0)
        records_layout.addWidget(history, 1)
        self.course = CoursePanel()
        records_layout.addWidget(self.course, 1)
        self.photos = PhotosPanel()
        self.sections = QTabWidget()
        self.sections.setAccessibleName(_("Consultations or photographs"))
        self.sections.addTab(records, _("Consultations"))
        self.sections.addTab(self.photos, _("Photographs"))
        layout.addWidget(self.sections, 1)
        return panel

    # -- image files dropped on the patient ------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.currentIndex() == 1 and image_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = image_paths(event.mimeData())
        if self.currentIndex() == 1 and paths:
            event.acceptProposedAction()
            self.photosDropped.emit(paths)
        else:
            event.ignore()

    # -- what is shown --------------------------------------------------------------------
    def set_hint(self, shown: bool) -> None:
        """The hint to select a patient; none while the database is not open."""
        self.detail_empty.setText(_(HINT) if shown else "")

    def show_patient(self, patient: PatientRecord | None) -> None:
        """The patient's details, and an empty history until ``load_history`` answers."""
        self.history_model.set_records([])
        if patient is None:
            self.setCurrentIndex(0)
            self.patientShown.emit(None)
            return
        self.setCurrentIndex(1)
        self.patient_name.setText(patient.name)
        self.fact_born.setText(_("{date} ({age} years)").format(
            date=patient.date_of_birth.isoformat(), age=age_in_years(patient.date_of_birth)))
        self.fact_sex.setText(_(SEX[patient.sex]) if patient.sex in SEX else "—")
        self.fact_phone.setText(patient.phone or "—")
        self.fact_email.setText(patient.email or "—")
        notes = patient.notes.strip()
        self.fact_notes.setText(notes[:400] + ("…" if len(notes) > 400 else "") if notes else "—")
        self.history_message.setText(_("Loading consultations…"))
        self.patientShown.emit(patient)

    def load_history(self, db: object, patient_id: int, select: int | None = None) -> None:
        """The patient's consultations, read in the database thread; ``select`` (a
        consultation id) is selected, else the newest. A later call wins."""
        self._history_generation += 1
        generation = self._history_generation

        def done(records: list[ConsultationRecord]) -> None:
            if generation == self._history_generation:
                self._show_history(records, select)

        def failed(error: BaseException) -> None:
            self.history_message.setText(
                _("The consultations could not be loaded: {reason}").format(reason=error))

        self._runner.submit(db.consultations.for_patient, patient_id, on_done=done,
                            on_error=failed)

    def _show_history(self, records: list[ConsultationRecord], select: int | None) -> None:
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
            self.history.selectRow(row)
        self.selectionChanged.emit()

    def selected_consultation(self) -> ConsultationRecord | None:
        index = self.history.currentIndex()
        return self.history_model.record(index.row()) if index.isValid() else None

    def update_buttons(self, record: ConsultationRecord | None, *, can_version: bool,
                       can_delete: bool) -> None:
        self.open_button.setEnabled(record is not None)
        self.open_button.setText(_("Continue") if record is not None and record.status == "draft"
                                 else _("Open"))
        self.export_button.setEnabled(record is not None)
        self.version_button.setEnabled(can_version)
        self.delete_button.setEnabled(can_delete)
