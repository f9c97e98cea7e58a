"""The parts every wizard page shares: the page base class and a few small helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from mesodesk.domain.document import DocumentError
from mesodesk.i18n import _
from mesodesk.ui.widgets import Banner
from mesodesk.ui.wizard.state import field_label

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.ui.wizard.context import PageContext
    from mesodesk.ui.wizard.operations import WizardOperations
    from mesodesk.ui.wizard.state import WizardState

MAX_NOTES = 20_000

#: ``start(on_done, on_error)``: begins an operation that reports back through the two callbacks
Start = Callable[[Callable[[Any], None], Callable[[BaseException], None]], None]


def matches(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in prefixes)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def scroll_area(widget: QWidget, name: str = "") -> QScrollArea:
    """A frameless scroll area around ``widget``, which it resizes; ``name`` is what a
    screen reader says for it."""
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


class Page(QWizardPage):
    """The common parts: the shared state, an error strip, and asynchronous commits."""

    #: JSON paths this page is responsible for (its errors are shown here)
    owns: tuple[str, ...] = ()

    def __init__(self, context: PageContext, title: str, subtitle: str):
        super().__init__()
        self.ctx = context
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = Banner("blocked")
        self.error.hide()
        self._proceeding = False
        self._committing = False

    @property
    def state(self) -> WizardState:
        return self.ctx.state

    @property
    def kb(self) -> KnowledgeBase:
        return self.ctx.kb

    @property
    def ops(self) -> WizardOperations:
        return self.ctx.ops

    # -- to override ------------------------------------------------------------------------
    def store(self) -> None:
        """Write the widgets into the state (called on every page change and on close)."""

    def check(self) -> str | None:
        """A message naming the wrong field, or None."""
        return self.document_problem()

    # -- helpers --------------------------------------------------------------------------------
    def document_problem(self) -> str | None:
        """Errors of the document that belong to this page, named by field."""
        changes: dict[str, Any] = {}
        if not self.state.concerns:
            changes["concerns"] = [next(iter(self.kb.concerns))]
            changes["courses"] = []
            changes["substances"] = None
        try:
            self.state.document(**changes)
        except DocumentError as error:
            mine = [issue for issue in error.issues if matches(issue.path, self.owns)]
            if mine:
                return "\n".join(f"{field_label(i.path)}: {i.message}" for i in mine)
        return None

    def show_error(self, text: str | None) -> None:
        if text:
            self.error.set_kind("blocked")
            self.error.set_text(text)
            self.error.show()
        else:
            self.error.hide()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        if self._proceeding:
            self._proceeding = False
            return True
        if self._committing:
            return False
        self.store()
        problem = self.check()
        self.show_error(problem)
        if problem:
            return False
        return self.commit()

    def commit(self) -> bool:
        """Synchronous pages return True; a page with database work calls ``run_then_next``."""
        return True

    def run_then_next(self, start: Start, done: Callable[[Any], None]) -> bool:
        """Start an operation of ``self.ops``; when it succeeds call ``done`` and move on."""
        self._committing = True
        self.ctx.set_busy(True)

        def finished(result: Any) -> None:
            self._committing = False
            self.ctx.set_busy(False)
            done(result)
            self._proceeding = True
            self.wizard().next()

        def failed(error: BaseException) -> None:
            self._committing = False
            self.ctx.set_busy(False)
            self.show_error(_("Could not save: {reason}").format(reason=error))

        start(finished, failed)
        return False

    def page_layout(self) -> QVBoxLayout:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        return layout
