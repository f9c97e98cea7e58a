"""The consultation wizard: patient → concerns → history → ingredients → lifestyle → course →
review and consent → finished.

Every page change saves the draft (in the database thread), and closing the wizard keeps
one, so nothing typed is lost. Finishing renders the PDF in a worker, then stores the final
consultation and the signed consent. All of that work is in ``operations``; this module is
the frame: the pages, the buttons, the draft line and closing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget, QWizard

from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.icons import icon
from mesodesk.ui.widgets import FieldError
from mesodesk.ui.wizard.autosave import AUTOSAVE_MS, watch_edits
from mesodesk.ui.wizard.context import PageContext
from mesodesk.ui.wizard.operations import WizardOperations
from mesodesk.ui.wizard.pages import (
    ConcernsPage,
    CoursePage,
    FinishPage,
    HistoryPage,
    IngredientsPage,
    LifestylePage,
    Page,
    PatientPage,
    ReviewPage,
)
from mesodesk.ui.wizard.state import WizardState

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.session import Session
    from mesodesk.ui.workers import Runner

log = logging.getLogger(__name__)

PATIENT, CONCERNS, HISTORY, INGREDIENTS, LIFESTYLE, COURSE, REVIEW, FINISH = range(8)


class ConsultationWizard(QWizard):
    """Emits ``saved(record)`` whenever a draft, a final or a not-treated record is stored."""

    saved = Signal(object)
    patientKept = Signal(object)  # a patient typed on the first page, saved

    def __init__(self, session: Session, db_runner: Runner, work_runner: Runner,
                 patient: PatientRecord | None = None, record: ConsultationRecord | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.kb = session.kb
        self.patient_record = patient
        self._last_page = -1
        self._closing = False
        self._discard_confirmed = False
        self.discard_box: QMessageBox | None = None
        if record is not None:
            self.state = WizardState.from_document(record.document, self.kb,
                                                   patient_id=record.patient_id,
                                                   consultation_id=record.id)
        else:
            self.state = WizardState(self.kb)
            self.state.set_clinic_defaults(session.settings)
            if patient is not None:
                self.state.set_patient(patient)
        self.ops = WizardOperations(session, self.state, db_runner, work_runner, self)
        self.ops.saved.connect(self.saved)
        self.ops.patientSaved.connect(self.patientKept)
        self.ops.draftStatus.connect(self._say_draft)

        self.setWindowTitle(_("Consultation"))
        self.setWindowIcon(icon("mesodesk"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.draft_status = QPushButton()
        self.draft_status.setFlat(True)
        self.draft_status.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.draft_status.setStyleSheet("QPushButton { color: palette(placeholder-text); border: none;"
                                        " text-align: left; }")
        self.draft_status.setMinimumWidth(
            self.draft_status.fontMetrics().horizontalAdvance(_("Draft saved at 00:00")) + 220)
        self.setButton(QWizard.WizardButton.CustomButton1, self.draft_status)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.CancelButton, QWizard.WizardButton.BackButton,
                              QWizard.WizardButton.NextButton, QWizard.WizardButton.CommitButton,
                              QWizard.WizardButton.FinishButton])
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Close and keep as draft"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("&Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Done"))

        context = PageContext(state=self.state, kb=self.kb, ops=self.ops, work_runner=work_runner,
                              set_busy=self.set_busy, patient_record=lambda: self.patient_record,
                              set_patient=self.set_patient)
        self.pages: dict[int, Page] = {
            PATIENT: PatientPage(context), CONCERNS: ConcernsPage(context),
            HISTORY: HistoryPage(context), INGREDIENTS: IngredientsPage(context),
            LIFESTYLE: LifestylePage(context), COURSE: CoursePage(context),
            REVIEW: ReviewPage(context), FINISH: FinishPage(context),
        }
        steps = [page for page_id, page in self.pages.items() if page_id != FINISH]
        for number, page in enumerate(steps, start=1):  # where the practitioner is, always
            page.setTitle(_("Step {number} of {total}: {title}").format(
                number=number, total=len(steps), title=page.title()))
        for page_id, page in self.pages.items():
            self.setPage(page_id, page)
        self.setStartId(PATIENT)
        self.currentIdChanged.connect(self._page_changed)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self._save_as_typed)
        for page in self.pages.values():
            watch_edits(page, self._autosave.start)
        self._fit_to_screen()
        self._update_title()

    def _fit_to_screen(self) -> None:
        screen_ = QGuiApplication.primaryScreen()
        available = screen_.availableGeometry().size() if screen_ else QSize(1366, 768)
        self.resize(min(1120, available.width() - 40), min(740, available.height() - 40))
        self.setMinimumSize(760, 560)

    def _update_title(self) -> None:
        name = self.state.patient.get("name")
        self.setWindowTitle(_("Consultation: {name}").format(name=name) if name
                            else _("New consultation"))

    # -- navigation and drafts ---------------------------------------------------------------
    def page_object(self, page_id: int) -> Page:
        return self.pages[page_id]

    @Slot(int)
    def _page_changed(self, page_id: int) -> None:
        previous = self.pages.get(self._last_page)
        if previous is not None and page_id < self._last_page:
            previous.store()  # going back: keep what was typed on the page left
        self._last_page = page_id
        self._update_title()
        if page_id in self.pages:
            watch_edits(self.pages[page_id], self._autosave.start)  # widgets added since
        if page_id != FINISH:
            self.save_draft()

    @Slot()
    def _save_as_typed(self) -> None:
        """A moment after the last keystroke: what the page shows goes into the draft, so a
        crash on any page loses nothing that was typed."""
        page = self.pages.get(self.currentId())
        if page is None or self.currentId() in (PATIENT, FINISH) or self.state.finished:
            return  # the patient is saved when the first page is left; finished is final
        page.store()
        self.save_draft()

    def resume(self) -> None:
        """Move forward to where a resumed draft left off (each page validates on the way)."""
        state = self.state
        target = HISTORY
        if state.substances is not None:
            target = LIFESTYLE
        if state.courses:
            target = REVIEW
        while self.currentId() < target:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break  # a page did not validate (or is saving): stay and show why

    def set_patient(self, patient: PatientRecord) -> None:
        self.patient_record = patient
        self.state.set_patient(patient)
        self._update_title()

    def save_draft(self) -> bool:
        """Queue a draft save of what has been gathered; False if there is nothing valid yet."""
        return self.ops.save_draft()

    @property
    def final_pdf(self) -> bytes | None:
        """The signed plan and consent, once finishing has rendered it."""
        return self.ops.final_pdf

    @property
    def final_record(self) -> ConsultationRecord | None:
        """The final consultation, once finishing has stored it."""
        return self.ops.final_record

    def _say_draft(self, text: str, error: bool = False) -> None:
        self.draft_status.setText(text)
        colour = colours.css("error", self.palette()) if error else "palette(placeholder-text)"
        self.draft_status.setStyleSheet(f"QPushButton {{ color: {colour}; border: none; "
                                        "text-align: left; }")

    def set_busy(self, busy: bool) -> None:
        for button in (QWizard.WizardButton.NextButton, QWizard.WizardButton.BackButton,
                       QWizard.WizardButton.CommitButton):
            self.button(button).setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()
            page = self.currentPage()
            if page is not None:
                page.completeChanged.emit()

    # -- closing -------------------------------------------------------------------------------
    def keep_draft_and_close(self) -> None:
        page = self.pages.get(self.currentId())
        if page is None or self.state.finished:
            return
        page.store()
        if self.currentId() == PATIENT:
            self._keep_typed_patient()
        else:
            self.save_draft()

    def _keep_typed_patient(self) -> None:
        """Closing on the first page: a new or corrected patient that was typed is saved."""
        page = self.pages[PATIENT]
        if not page.form.is_modified():
            return
        try:
            typed = page.form.values(today=self.state.date)
        except FieldError:
            log.info("closing with an incomplete patient form; nothing to keep")
            return
        self.ops.save_patient(page.record, typed, on_done=lambda saved: self.patientKept.emit(saved),
                              on_error=lambda error: log.warning("patient not kept: %s", error))

    def incomplete_patient(self) -> FieldError | None:
        """On the first page, typed details that cannot be kept (so closing would lose them)."""
        if self.currentId() != PATIENT:
            return None
        form = self.pages[PATIENT].form
        if not form.is_modified() or not (form.name.text().strip() or form.born.text().strip()):
            return None
        try:
            form.values(today=self.state.date)
        except FieldError as error:
            return error
        return None

    def reject(self) -> None:
        if self._closing:
            super().reject()
            return
        problem = self.incomplete_patient()
        if problem is not None and not self._discard_confirmed:
            self._confirm_discard(problem)
            return
        self._closing = True
        self.keep_draft_and_close()
        super().reject()

    def _confirm_discard(self, problem: FieldError) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, _("Close the consultation?"),
                          _("The patient's details are incomplete, so they cannot be kept "
                            "({problem}). Close anyway and lose them?").format(problem=problem),
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                          self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.discard_box = box

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                self._discard_confirmed = True
                self.reject()
            else:
                self.pages[PATIENT].form.show_error(problem)

        box.finished.connect(answered)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._closing and self.currentId() != FINISH and not self.isVisible():
            self._closing = True
            self.keep_draft_and_close()
        super().closeEvent(event)  # QDialog's closeEvent calls reject()

    def close_for_quit(self) -> None:
        """The application is closing: keep what can be kept, ask nothing."""
        self._discard_confirmed = True
        self.close()
