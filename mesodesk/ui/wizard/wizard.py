"""The consultation wizard: patient → concerns → history → ingredients → lifestyle → course →
review and consent → finished.

Every page change saves the draft (in the database thread), and closing the wizard keeps
one, so nothing typed is lost. Finishing renders the PDF in a worker, then stores the final
consultation and the signed consent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget, QWizard
from shiboken6 import isValid

from mesodesk.domain.document import DocumentError
from mesodesk.domain.screening import screen
from mesodesk.i18n import _
from mesodesk.ui.icons import icon
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
from mesodesk.ui.widgets import FieldError
from mesodesk.ui.wizard.state import WizardState, describe_issues

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.session import Session
    from mesodesk.ui.workers import Runner

log = logging.getLogger(__name__)

PATIENT, CONCERNS, HISTORY, INGREDIENTS, LIFESTYLE, COURSE, REVIEW, FINISH = range(8)


class ConsultationWizard(QWizard):
    """Emits ``saved(record)`` whenever a draft, a final or a not-treated record is stored."""

    saved = Signal(object)
    patientKept = Signal(object)  # a patient typed on the first page, saved on closing

    def __init__(self, session: Session, db_runner: Runner, work_runner: Runner,
                 patient: PatientRecord | None = None, record: ConsultationRecord | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.kb = session.kb
        self.db_runner = db_runner
        self.work_runner = work_runner
        self.patient_record = patient
        self.final_pdf: bytes | None = None
        self.final_record: ConsultationRecord | None = None
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
            self.state.set_practitioner(session.settings)
            if patient is not None:
                self.state.set_patient(patient)

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

        self.pages: dict[int, Page] = {
            PATIENT: PatientPage(self), CONCERNS: ConcernsPage(self), HISTORY: HistoryPage(self),
            INGREDIENTS: IngredientsPage(self), LIFESTYLE: LifestylePage(self),
            COURSE: CoursePage(self), REVIEW: ReviewPage(self), FINISH: FinishPage(self),
        }
        for page_id, page in self.pages.items():
            self.setPage(page_id, page)
        self.setStartId(PATIENT)
        self.currentIdChanged.connect(self._page_changed)
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
        if page_id != FINISH:
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
        state = self.state
        if state.finished or state.patient_id is None or not state.concerns:
            return False
        try:
            doc = state.document(signatures=None)
        except DocumentError as error:
            log.info("draft not saved yet: %s", error)
            return False
        db, patient_id, actor = self.db, state.patient_id, self.session.actor

        def work() -> ConsultationRecord:
            record = db.consultations.save_draft(patient_id, doc, consultation_id=state.consultation_id,
                                                 actor=actor)
            state.consultation_id = record.id
            return record

        def done(record: ConsultationRecord) -> None:
            if not isValid(self):
                return  # the wizard is gone; the main window reloads on its own
            self._say_draft(_("Draft saved at {time}").format(
                time=dt.datetime.now().strftime("%H:%M")))
            self.saved.emit(record)

        def failed(error: BaseException) -> None:
            log.warning("draft not saved: %s", error)
            if isValid(self):
                self._say_draft(_("The draft could not be saved: {reason}").format(reason=error), True)

        self.db_runner.submit(work, on_done=done, on_error=failed)
        return True

    def _say_draft(self, text: str, error: bool = False) -> None:
        self.draft_status.setText(text)
        colour = "#c62828" if error else "palette(placeholder-text)"
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
        db, record, actor = self.db, page.record, self.session.actor

        def work() -> PatientRecord:
            if record is None:
                return db.patients.create(typed, actor=actor)
            return db.patients.update(record.id, typed, actor=actor)

        self.db_runner.submit(work, on_done=lambda saved: self.patientKept.emit(saved),
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

    # -- not treated -------------------------------------------------------------------------------
    @Slot()
    def save_not_treated(self) -> None:
        state = self.state
        page = self.pages[INGREDIENTS]
        try:
            doc = state.document(signatures=None)
        except DocumentError as error:
            page.show_error(describe_issues(error))
            return
        if state.patient_id is None:
            return
        db, patient_id, actor = self.db, state.patient_id, self.session.actor
        page.not_treated_button.setEnabled(False)

        def work() -> ConsultationRecord:
            record = db.consultations.save_draft(patient_id, doc, consultation_id=state.consultation_id,
                                                 actor=actor)
            state.consultation_id = record.id
            return db.consultations.mark_not_treated(record.id, doc, actor=actor)

        def done(record: ConsultationRecord) -> None:
            state.finished = True
            page.blocked.set_kind("info")
            page.blocked.set_text(_("Saved as not treated. The record keeps what was declared and "
                                    "why no treatment was given. You can close this window."))
            page.not_treated_button.hide()
            self.setButtonText(QWizard.WizardButton.CancelButton, _("Close"))
            self._say_draft(_("Saved as not treated"))
            page.completeChanged.emit()
            self.saved.emit(record)

        def failed(error: BaseException) -> None:
            page.not_treated_button.setEnabled(True)
            page.show_error(_("Could not save as not treated: {reason}").format(reason=error))

        self.db_runner.submit(work, on_done=done, on_error=failed)

    # -- finishing -----------------------------------------------------------------------------------
    def finish_consultation(self, on_done: Callable[[str], None], on_error: Callable[[str], None]) -> None:
        """Render the signed PDF (worker), then store final + consent (database thread)."""
        state = self.state
        try:
            doc = state.document()
        except DocumentError as error:
            on_error(describe_issues(error))
            return
        if doc.signatures is None or state.patient_id is None:
            on_error(_("Signatures: both the patient and the practitioner sign to finish"))
            return
        kb, settings, db, patient_id = self.kb, self.session.settings, self.db, state.patient_id
        actor = self.session.actor
        paper = settings.default_paper if settings else "a4"

        def render() -> bytes:
            from mesodesk.reports import render_plan

            return render_plan(doc, screen(doc, kb), kb, clinic=settings, paper=paper)

        def store(pdf: bytes) -> tuple[Any, Any]:
            try:
                if state.consultation_id is not None:
                    earlier = _finished_already(db, state.consultation_id, doc)
                    if earlier is not None:
                        return earlier  # a retry after the first attempt was in fact stored
                record = db.consultations.save_draft(patient_id, doc,
                                                     consultation_id=state.consultation_id,
                                                     actor=actor)
                state.consultation_id = record.id
                # One transaction: final with its signed consent, or still a draft.
                return db.consultations.finalize_with_consent(
                    record.id, doc, pdf, doc.fingerprint(), doc.signatures.signed_at, actor=actor)
            except Exception as error:
                status = ("unsaved" if state.consultation_id is None
                          else _status_after_failure(db, state.consultation_id))
                raise _NotStored(error, status) from error

        def rendered(pdf: bytes) -> None:
            self.final_pdf = pdf

            def stored(result: tuple[Any, Any]) -> None:
                final, consent = result
                state.finished = True
                self.final_record = final
                self._say_draft("")
                self.saved.emit(final)
                on_done(_("Saved. The signed consent is stored with fingerprint {fingerprint}; "
                          "the consultation can no longer be changed (a correction makes a new "
                          "version).").format(fingerprint=consent.fingerprint))

            def not_stored(error: BaseException) -> None:
                self.final_pdf = None
                on_error(_describe_store_failure(error))

            self.db_runner.submit(store, pdf, on_done=stored, on_error=not_stored)

        self.work_runner.submit(render, on_done=rendered,
                                on_error=lambda e: on_error(_("The PDF could not be made: {reason}. "
                                                              "The consultation is kept as a draft.")
                                                            .format(reason=e)))


class _NotStored(Exception):
    """Finishing failed; ``status`` is what the consultation is now (None: not known)."""

    def __init__(self, error: BaseException, status: str | None):
        super().__init__(str(error))
        self.error, self.status = error, status


def _finished_already(db: Any, consultation_id: int, doc: Any) -> tuple[Any, Any] | None:
    """The final consultation and its consent, if this very document was stored already."""
    record = db.consultations.get(consultation_id)
    if record.status != "final" or not record.has_signed_consent:
        return None
    consent = db.consents.for_consultation(consultation_id)
    if consent is None or consent.fingerprint != doc.fingerprint():
        return None
    return record, consent


def _status_after_failure(db: Any, consultation_id: int) -> str | None:
    try:
        return db.consultations.get(consultation_id).status
    except Exception:  # noqa: BLE001 - the database may be what failed
        return None


def _describe_store_failure(error: BaseException) -> str:
    """Says what the failure left, and only what is true."""
    reason = error.error if isinstance(error, _NotStored) else error
    status = error.status if isinstance(error, _NotStored) else None
    if status == "draft":
        return _("Could not store the consultation: {reason}. Nothing was finalized: it is "
                 "kept as a draft with what was typed. Try again, or close the window and "
                 "resume the draft later.").format(reason=reason)
    if status == "unsaved":
        return _("Could not store the consultation: {reason}. Nothing was stored; what was "
                 "typed is still in this window. Try again.").format(reason=reason)
    if status is None:
        return _("Could not store the consultation: {reason}. The database could not be "
                 "read afterwards to check what was kept; close the window and look at the "
                 "patient's consultations before trying again.").format(reason=reason)
    return _("Could not store the signed consent: {reason}. The consultation was closed "
             "already ({status}) and cannot be changed; make a new version of it to sign "
             "again.").format(reason=reason, status=status)
