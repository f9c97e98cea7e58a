"""Every step of the consultation wizard that reaches the database or renders the PDF.

The pages call these through their ``PageContext`` and the wizard calls them when it
changes page or closes; nothing else in ``mesodesk.ui.wizard`` touches the database or
``render_plan``. The work runs on the database thread (``db_runner``) or in the work pool
(``work_runner``); the callbacks and the signals come back on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from mesodesk.domain.document import DocumentError
from mesodesk.domain.screening import screen
from mesodesk.i18n import _
from mesodesk.ui.wizard.state import describe_issues

if TYPE_CHECKING:
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

        def work() -> PatientRecord:
            if record is None:
                return db.patients.create(typed, actor=actor)
            return db.patients.update(record.id, typed, actor=actor)

        self.db_runner.submit(work, on_done=on_done, on_error=on_error)

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
            record = db.consultations.save_draft(patient_id, doc, consultation_id=state.consultation_id,
                                                 actor=actor)
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
            record = db.consultations.save_draft(patient_id, doc, consultation_id=state.consultation_id,
                                                 actor=actor)
            state.consultation_id = record.id
            return db.consultations.mark_not_treated(record.id, doc, actor=actor)

        def done(record: ConsultationRecord) -> None:
            state.finished = True
            on_done(record)
            self.draftStatus.emit(_("Saved as not treated"), False)
            self.saved.emit(record)

        self.db_runner.submit(work, on_done=done, on_error=on_error)

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
        paper = settings.default_paper if settings else "a4"

        def render() -> bytes:
            from mesodesk.reports import render_plan  # reportlab: only when a plan is made

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
                self.draftStatus.emit("", False)
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
