"""Every step of the consultation wizard that reaches the database or renders the PDF.

The pages call these through their ``PageContext`` and the wizard calls them when it
changes page or closes; nothing else in ``mesodesk.ui.wizard`` touches the database or
renders a plan. Each runs a workflow of ``mesodesk.services`` (the same the command line
runs) on the database thread (``db_runner``) or in the work pool (``work_runner``); the
callbacks and the signals come back on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from mesodesk.domain.document import DocumentError
from mesodesk.i18n import _
from mesodesk.services import consultations, documents, patients, plans
from mesodesk.services import ServiceError
from mesodesk.services.consultations import Unfinished
from mesodesk.ui.wizard.state import describe_issues

if TYPE_CHECKING:
    from pathlib import Path

    from mesodesk.domain.document import Consultation
    from mesodesk.domain.records import ConsultationRecord, NewPatient, PatientRecord
    from mesodesk.ui.models import PatientSource
    from mesodesk.ui.session import Session
    from mesodesk.ui.workers import Runner
    from mesodesk.ui.wizard.state import WizardState

log = logging.getLogger(__name__)


class WizardOperations(QObject):
    """The wizard's workflows on one consultation (``state``).

    ``saved(record)`` is emitted whenever a draft, a final or a not-treated record is
    stored; ``draftStatus(text, is_error)`` says what became of the last save.
    """

    saved = Signal(object)
    patientSaved = Signal(object)  # a patient created or corrected on the first page
    draftStatus = Signal(str, bool)

    def __init__(self, session: Session, state: WizardState, db_runner: Runner,
                 work_runner: Runner, parent: QObject | None = None):
        super().__init__(parent)  # a child of the wizard: gone with it, and so its callbacks
        self.session = session
        self.db = session.db
        self.kb = session.kb
        self.state = state
        self.db_runner = db_runner
        self.work_runner = work_runner
        self.final_pdf: bytes | None = None
        self.final_record: ConsultationRecord | None = None

    # -- patients ------------------------------------------------------------------------------
    def patient_source(self) -> PatientSource | None:
        """Where the first page searches for patients (run on ``db_runner``)."""
        return self.db.patients if self.db is not None else None

    def save_patient(self, record: PatientRecord | None, typed: NewPatient,
                     on_done: Callable[[PatientRecord], None],
                     on_error: Callable[[BaseException], None]) -> None:
        """Create the typed patient, or correct ``record`` with what was typed."""
        db, actor = self.db, self.session.actor

        def done(patient: PatientRecord) -> None:
            self.patientSaved.emit(patient)  # the main window shows the patient as saved
            on_done(patient)

        if record is None:
            self.db_runner.submit(patients.create_patient, db, typed, actor,
                                  on_done=done, on_error=on_error)
        else:
            self.db_runner.submit(patients.update_patient, db, record.id, typed, actor,
                                  on_done=done, on_error=on_error)

    # -- drafts --------------------------------------------------------------------------------
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
            record = consultations.save_draft(db, patient_id, doc, state.consultation_id, actor)
            state.consultation_id = record.id
            return record

        def done(record: ConsultationRecord) -> None:
            if not isValid(self):
                return  # the wizard is gone; the main window reloads on its own
            self.draftStatus.emit(_("Draft saved at {time}").format(
                time=dt.datetime.now().strftime("%H:%M")), False)
            self.saved.emit(record)

        def failed(error: BaseException) -> None:
            log.warning("draft not saved: %s", error)
            if isValid(self):
                self.draftStatus.emit(_("The draft could not be saved: {reason}").format(reason=error),
                                      True)

        self.db_runner.submit(work, on_done=done, on_error=failed)
        return True

    # -- not treated ---------------------------------------------------------------------------
    def save_not_treated(self, doc: Consultation, on_done: Callable[[ConsultationRecord], None],
                         on_error: Callable[[BaseException], None]) -> None:
        """Store ``doc`` (the state's document, unsigned) as a consultation without treatment."""
        state = self.state
        db, patient_id, actor = self.db, state.patient_id, self.session.actor
        assert patient_id is not None

        def work() -> ConsultationRecord:
            record = consultations.save_draft(db, patient_id, doc, state.consultation_id, actor)
            state.consultation_id = record.id
            return consultations.save_not_treated(db, patient_id, doc, record.id, actor)

        def done(record: ConsultationRecord) -> None:
            state.finished = True
            on_done(record)
            self.draftStatus.emit(_("Saved as not treated"), False)
            self.saved.emit(record)

        self.db_runner.submit(work, on_done=done, on_error=on_error)

    def record_disclosure(self, action: str, where: str, then: Callable[[], None],
                          otherwise: Callable[[BaseException], None]) -> None:
        """The finished plan leaves the app (saved, printed, viewed): audited first."""
        self.db_runner.submit(documents.record_disclosure, self.db, action, self.final_record, where,
                              self.session.actor, on_done=lambda _result: then(),
                              on_error=otherwise)

    def write_calendar(self, path: Path, then: Callable[[int], None],
                       otherwise: Callable[[BaseException], None]) -> None:
        """The finished plan's sessions to come, as an .ics file beside its saved PDF
        (audited as ``mesodesk calendar`` is)."""
        from mesodesk.services.sessions import write_calendar

        record = self.final_record
        if record is None:
            otherwise(ValueError(_("the consultation is not stored yet")))
            return
        self.db_runner.submit(write_calendar, self.db, self.kb, record.id, str(path),
                              self.session.actor, on_done=then, on_error=otherwise)

    # -- finishing -----------------------------------------------------------------------------
    def finish(self, on_done: Callable[[str], None], on_error: Callable[[str], None]) -> None:
        """Render the signed PDF (worker), then store final + consent (database thread).

        On success ``final_pdf`` and ``final_record`` are set and ``on_done`` gets the text to
        show; on failure ``on_error`` gets a text that says what was kept.
        """
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

        def store(pdf: bytes) -> consultations.Finalized:
            try:
                return consultations.finalize_signed(db, kb, settings, patient_id, doc,
                                                     state.consultation_id, actor, pdf=pdf)
            except Unfinished as unfinished:
                state.consultation_id = unfinished.consultation_id or state.consultation_id
                raise

        def rendered(pdf: bytes) -> None:
            self.final_pdf = pdf

            def stored(result: consultations.Finalized) -> None:
                state.consultation_id = result.record.id
                state.finished = True
                self.final_record = result.record
                self.final_pdf = result.pdf
                self.draftStatus.emit("", False)
                self.saved.emit(result.record)
                on_done(_("Saved. The signed consent is stored with fingerprint {fingerprint}; "
                          "the consultation can no longer be changed (a correction makes a new "
                          "version).").format(fingerprint=result.consent.fingerprint))

            def not_stored(error: BaseException) -> None:
                self.final_pdf = None
                on_error(_describe_store_failure(error))

            self.db_runner.submit(store, pdf, on_done=stored, on_error=not_stored)

        self.work_runner.submit(plans.render_recorded, db, doc, kb, settings, on_done=rendered,
                                on_error=lambda e: on_error(_("The PDF could not be made: {reason}. "
                                                              "The consultation is kept as a draft.")
                                                            .format(reason=e)))


def _describe_store_failure(error: BaseException) -> str:
    """Says what the failure left, and only what is true."""
    if isinstance(error, ServiceError) and not isinstance(error, Unfinished):
        # refused before anything was stored (a rule of the consent, screening)
        return _("The consultation cannot be finished: {reason}. Nothing was stored; what was "
                 "typed is still in this window.").format(reason=error)
    reason = error.cause if isinstance(error, Unfinished) and error.cause else error
    status = error.status if isinstance(error, Unfinished) else None
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
