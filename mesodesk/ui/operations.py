"""Named operations: the GUI runs a workflow of ``mesodesk.services`` off its thread.

As Anki's ``CollectionOp`` and ``QueryOp``: the work runs on the database runner (one
thread, in order), and its success or failure callback runs on the GUI thread. An
operation that changes records announces it once, through ``recordsChanged``, after it
succeeded and before its own callback: the patient list, the patient's detail pane and
anything else that shows records refresh from that signal, never by hand.

    ops.change(_("Correct the consultation"), consultations.correct, db, record_id, reason,
               actor=actor, touched=RecordsChange(patient_id=record.patient_id),
               on_done=self.resume)
    ops.query(_("Open the plan"), plans.stored_plan, db, kb, record_id, on_done=show)

A failure without its own callback goes to the runner's default handler (the crash
dialog for a bug; a ``ServiceError`` is a message for a person, shown by the caller).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from mesodesk.i18n import _
from mesodesk.ui.workers import ErrorHandler, Runner


@dataclass(frozen=True)
class RecordsChange:
    """What an operation changed, so views refresh only what they show. None: not known,
    or not this kind of record."""

    patient_id: int | None = None
    consultation_id: int | None = None
    settings: bool = False

    @classmethod
    def for_patient(cls, patient: Any) -> RecordsChange:
        """The change a workflow made to ``patient`` (its result)."""
        return cls(patient_id=patient.id)


class Operations(QObject):
    """The window's operations on its open database."""

    recordsChanged = Signal(object)  # a RecordsChange
    started = Signal(str)            # the operation's name, for the status bar
    finished = Signal(str)

    def __init__(self, runner: Runner, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner

    def query(self, name: str, work: Callable[..., Any], *args: Any,
              on_done: Callable[[Any], None] | None = None,
              on_error: ErrorHandler | None = None, **kwargs: Any) -> None:
        """Run ``work(*args, **kwargs)``, which only reads."""
        self._run(name, work, args, kwargs, on_done, on_error, touched=None)

    def change(self, name: str, work: Callable[..., Any], *args: Any,
               touched: RecordsChange | Callable[[Any], RecordsChange] = RecordsChange(),
               on_done: Callable[[Any], None] | None = None,
               on_error: ErrorHandler | None = None, **kwargs: Any) -> None:
        """Run ``work(*args, **kwargs)``, which changes records; ``touched`` says which
        (or computes it from the result), announced through ``recordsChanged``."""
        self._run(name, work, args, kwargs, on_done, on_error, touched=touched)

    def _run(self, name: str, work: Callable[..., Any], args: tuple, kwargs: dict,
             on_done: Callable[[Any], None] | None, on_error: ErrorHandler | None,
             touched: RecordsChange | Callable[[Any], RecordsChange] | None) -> None:
        def done(result: Any) -> None:
            self.finished.emit(name)
            if touched is not None:
                self.recordsChanged.emit(touched(result) if callable(touched) else touched)
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            self.finished.emit(name)
            if touched is not None:
                # a failed change may have changed something (a draft kept): look again
                self.recordsChanged.emit(RecordsChange())
            handler = on_error or Runner.default_error_handler
            if handler is None:
                raise error
            handler(error)

        self.started.emit(name)
        self.runner.submit(work, *args, on_done=done, on_error=failed, **kwargs)


def disclosure_audit(ops: Operations, db: Any, record: Any, actor: str
                     ) -> Callable[[str, str, Callable[[], None], ErrorHandler], None]:
    """The audit a PDF preview runs before the plan leaves the app (saved, printed, opened
    in a viewer): recorded on the database thread, as ``mesodesk plan`` records it."""
    from mesodesk.services.documents import record_disclosure

    def audit(action: str, where: str, then: Callable[[], None], otherwise: ErrorHandler
              ) -> None:
        ops.query(action, record_disclosure, db, action, record, where, actor,
                  on_done=lambda _result: then(), on_error=otherwise)

    return audit


def calendar_writer(ops: Operations, db: Any, kb: Any, consultation_id: int, actor: str
                    ) -> Callable[[Any, Callable[[int], None], ErrorHandler], None]:
    """What a signed plan's preview calls to save the sessions to come beside the PDF
    (``sessions.write_calendar``, audited as ``mesodesk calendar`` is)."""
    from mesodesk.services.sessions import write_calendar

    def write(path: Any, then: Callable[[int], None], otherwise: ErrorHandler) -> None:
        ops.query(_("Save the calendar"), write_calendar, db, kb, consultation_id, str(path),
                  actor, on_done=then, on_error=otherwise)

    return write
