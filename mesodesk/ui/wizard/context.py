"""What a wizard page is given: the consultation being gathered, the knowledge base, the
operations that store it, and the few hooks into the wizard's frame a page needs.

A page gets a ``PageContext`` instead of the wizard itself, so it cannot reach the
database, the session or the other pages except through what is listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import PatientRecord
    from mesodesk.ui.wizard.operations import WizardOperations
    from mesodesk.ui.wizard.state import WizardState
    from mesodesk.ui.workers import Runner


@dataclass(frozen=True, eq=False)
class PageContext:
    #: what the pages have gathered so far (each page writes its widgets into it)
    state: WizardState
    #: the clinical content the pages show and the domain screens against
    kb: KnowledgeBase
    #: every step that reaches the database or renders the PDF
    ops: WizardOperations
    #: background work that is not the database's (the finished PDF's save and print)
    work_runner: Runner
    #: the wizard's buttons off (and a busy cursor) while a page's commit runs, or back on
    set_busy: Callable[[bool], None]
    #: the stored patient the consultation is for (None: a new patient, not saved yet)
    patient_record: Callable[[], PatientRecord | None]
    #: a stored patient was chosen (or saved) on the first page
    set_patient: Callable[[PatientRecord], None]
