"""The course of sessions for each concern, with the real dates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.domain.courses import plan_course
from mesodesk.domain.document import MAX_INTERVAL_DAYS, MAX_SESSIONS, Course
from mesodesk.i18n import _
from mesodesk.ui.widgets import Banner, hint_label, plain_label
from mesodesk.ui.wizard.pages.base import Page, pydate, qdate, scroll_area
from mesodesk.ui.wizard.review import long_date

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class CourseEditor(QGroupBox):
    """Sessions, interval and first date for one concern; the dated sessions update live."""

    changed = Signal()

    def __init__(self, concern_id: str, context: PageContext, parent: QWidget | None = None):
        kb = context.kb
        super().__init__(kb.concerns[concern_id].name, parent)
        self.concern_id = concern_id
        self.ctx = context
        defaults = kb.concerns[concern_id].course
        self.sessions = QSpinBox()
        self.sessions.setRange(1, MAX_SESSIONS)
        concern = kb.concerns[concern_id].name  # each course's fields are named apart
        self.sessions.setAccessibleName(_("{concern}: sessions").format(concern=concern))
        self.interval = QSpinBox()
        self.interval.setRange(1, MAX_INTERVAL_DAYS)
        self.interval.setSuffix(_(" days"))
        self.interval.setAccessibleName(_("{concern}: days between sessions").format(
            concern=concern))
        self.start = QDateEdit()
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("ddd d MMM yyyy")
        self.start.setMinimumDate(QDate(2000, 1, 1))
        self.start.setAccessibleName(_("{concern}: first session").format(concern=concern))
        form = QFormLayout()
        form.addRow(_("Sessions:"), self.sessions)
        form.addRow(_("Every:"), self.interval)
        form.addRow(_("First session:"), self.start)
        interval_usual = (f"{defaults.interval_min}" if defaults.interval_min == defaults.interval_max
                          else f"{defaults.interval_min}–{defaults.interval_max}")
        usual = hint_label(_("Usual: {smin}–{smax} sessions, every {interval} days.").format(
            smin=defaults.sessions_min, smax=defaults.sessions_max, interval=interval_usual)
            + "\n" + defaults.source_quality)
        form.addRow(usual)
        self.reset_button = QPushButton(_("Usual course"))
        self.reset_button.setToolTip(_("Go back to the usual number of sessions, interval and start"))
        self.reset_button.setAccessibleName(_("{concern}: usual course").format(concern=concern))
        self.reset_button.clicked.connect(self.reset)
        form.addRow(self.reset_button)
        self.dates = QListWidget()
        self.dates.setViewMode(QListWidget.ViewMode.ListMode)
        self.dates.setFlow(QListWidget.Flow.LeftToRight)
        self.dates.setWrapping(True)
        self.dates.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.dates.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.dates.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dates.setGridSize(QSize(176, 24))
        self.dates.setMinimumHeight(24 * 3 + 8)
        self.dates.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.dates.setStyleSheet("QListWidget { background: palette(base); }")
        self.dates.setAccessibleName(_("{concern}: session dates").format(concern=concern))
        self.warnings = Banner("caution")
        self.warnings.hide()
        self.maintenance = hint_label(defaults.maintenance)
        right = QVBoxLayout()
        right.addWidget(plain_label(_("Dated sessions")))
        right.addWidget(self.dates)
        right.addWidget(self.maintenance)
        right.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addLayout(form, 0)
        row.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.warnings)
        for widget in (self.sessions, self.interval, self.start):
            widget.setMaximumWidth(170)
        self.reset_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        usual.setMaximumWidth(300)
        for spin in (self.sessions, self.interval):
            spin.valueChanged.connect(self.refresh)
        self.start.dateChanged.connect(self.refresh)

    def set_values(self, given: dict[str, Any] | None) -> None:
        course = Course(concern=self.concern_id, **{k: v for k, v in (given or {}).items()
                                                     if k != "concern"}) if given else None
        planned, _warnings = plan_course(self.concern_id, self.ctx.state.date, self.ctx.kb, course)
        for widget in (self.sessions, self.interval, self.start):
            widget.blockSignals(True)
        self.sessions.setValue(len(planned.sessions))
        self.interval.setValue(planned.interval_days)
        self.start.setDate(qdate(planned.start_date))
        for widget in (self.sessions, self.interval, self.start):
            widget.blockSignals(False)
        self.refresh()

    @Slot()
    def reset(self) -> None:
        self.set_values(None)

    def values(self) -> dict[str, Any]:
        return {"concern": self.concern_id, "sessions": self.sessions.value(),
                "interval_days": self.interval.value(),
                "start_date": pydate(self.start.date()).isoformat()}

    @Slot()
    def refresh(self) -> None:
        values = self.values()
        course = Course(concern=self.concern_id, sessions=values["sessions"],
                        interval_days=values["interval_days"],
                        start_date=pydate(self.start.date()))
        planned, warnings = plan_course(self.concern_id, self.ctx.state.date, self.ctx.kb, course)
        self.dates.clear()
        for session in planned.sessions:
            QListWidgetItem(f"{session.number}.  {long_date(session.date)}", self.dates)
        per_row = max(1, (self.dates.viewport().width() or 700) // 176)
        rows = -(-len(planned.sessions) // per_row)
        self.dates.setFixedHeight(min(max(rows, 2), 6) * 24 + 8)
        if warnings:
            self.warnings.set_text("\n".join(w.text for w in warnings))
            self.warnings.show()
        else:
            self.warnings.hide()
        self.changed.emit()


class CoursePage(Page):
    owns = ("courses",)

    def __init__(self, context: PageContext):
        super().__init__(context, _("Course"),
                         _("Sessions, interval and start date for each concern. Values outside the "
                           "usual range are allowed, with a warning."))
        layout = self.page_layout()
        self.holder = QWidget()
        self.editors_layout = QVBoxLayout(self.holder)
        self.editors_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_area(self.holder, _("Courses")), 1)
        layout.addWidget(self.error)
        self.editors: dict[str, CourseEditor] = {}

    def initializePage(self) -> None:  # noqa: N802
        for editor in self.editors.values():
            editor.setParent(None)
            editor.deleteLater()
        while self.editors_layout.count():
            self.editors_layout.takeAt(0)
        self.editors = {}
        for concern_id in self.state.concerns:
            editor = CourseEditor(concern_id, self.ctx)
            editor.set_values(self.state.courses.get(concern_id))
            self.editors_layout.addWidget(editor)
            self.editors[concern_id] = editor
        self.editors_layout.addStretch(1)
        if self.editors:
            next(iter(self.editors.values())).sessions.setFocus()

    def store(self) -> None:
        if self.editors:
            self.state.courses = {c: editor.values() for c, editor in self.editors.items()}
