"""The consultation wizard's pages, one QWizardPage per step.

Each page writes its widgets into the shared ``WizardState`` (``store``), checks them in
``validatePage`` through the domain's parser, and shows the domain's screening; no page
makes a clinical decision of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mesodesk.domain.courses import plan_course
from mesodesk.domain.document import MAX_INTERVAL_DAYS, MAX_SESSIONS, Course, DocumentError
from mesodesk.domain.screening import ScreeningResult, SubstanceResult
from mesodesk.i18n import _
from mesodesk.ui.icons import icon, status_icon
from mesodesk.ui.models import PatientTableModel, age_in_years
from mesodesk.ui.patient_dialog import PatientForm
from mesodesk.ui.widgets import N_, Banner, FieldError, heading, hint_label, plain_label
from mesodesk.ui.wizard.override_dialog import OverrideDialog
from mesodesk.ui.wizard.review import long_date, review_html
from mesodesk.ui.wizard.signature_pad import SignatureBox
from mesodesk.ui.wizard.state import describe_issues, field_label

if TYPE_CHECKING:
    from mesodesk.domain.records import PatientRecord
    from mesodesk.ui.wizard.wizard import ConsultationWizard

MAX_NOTES = 20_000
ROLE_ID = Qt.ItemDataRole.UserRole


def _matches(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in prefixes)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class Page(QWizardPage):
    """The common parts: the shared state, an error strip, and asynchronous commits."""

    #: JSON paths this page is responsible for (its errors are shown here)
    owns: tuple[str, ...] = ()

    def __init__(self, wizard: ConsultationWizard, title: str, subtitle: str):
        super().__init__()
        self.wiz = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = Banner("blocked")
        self.error.hide()
        self._proceeding = False
        self._committing = False

    @property
    def state(self):
        return self.wiz.state

    @property
    def kb(self):
        return self.wiz.kb

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
            mine = [issue for issue in error.issues if _matches(issue.path, self.owns)]
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

    def run_then_next(self, work: Callable[[], Any], done: Callable[[Any], None]) -> bool:
        """Run ``work`` on the database thread; on success call ``done`` and move on."""
        self._committing = True
        self.wiz.set_busy(True)

        def finished(result: Any) -> None:
            self._committing = False
            self.wiz.set_busy(False)
            done(result)
            self._proceeding = True
            self.wiz.next()

        def failed(error: BaseException) -> None:
            self._committing = False
            self.wiz.set_busy(False)
            self.show_error(_("Could not save: {reason}").format(reason=error))

        self.wiz.db_runner.submit(work, on_done=finished, on_error=failed)
        return False

    def page_layout(self) -> QVBoxLayout:
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        return layout


# ---------------------------------------------------------------------------------------------
class PatientPage(Page):
    owns = ("patient", "date", "practitioner")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Patient"),
                         _("Find the patient, or enter a new one. Check the details with them."))
        self.record: PatientRecord | None = None
        layout = self.page_layout()

        find_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Find an existing patient: name, date of birth or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.new_button = QPushButton(icon("patient-new"), _("New patient"))
        self.new_button.setToolTip(_("Clear the form to enter a new patient"))
        self.new_button.clicked.connect(self.start_new_patient)
        find_row.addWidget(self.search, 1)
        find_row.addWidget(self.new_button)
        layout.addLayout(find_row)

        self.matches_model = PatientTableModel(wizard.db_runner, self)
        self.matches = QTableView()
        self.matches.setModel(self.matches_model)
        self.matches.setMaximumHeight(150)
        self.matches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matches.setShowGrid(False)
        self.matches.setAlternatingRowColors(True)
        self.matches.verticalHeader().hide()
        self.matches.verticalHeader().setDefaultSectionSize(24)
        header = self.matches.horizontalHeader()
        header.setSectionResizeMode(PatientTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((PatientTableModel.BORN, 100), (PatientTableModel.AGE, 48),
                              (PatientTableModel.PHONE, 170)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
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
        self.date.setMaximumDate(_qdate(dt.date.today()))
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
        if self.wiz.db is not None:
            self.matches_model.set_source(self.wiz.db.patients)
        state = self.state
        self.record = self.wiz.patient_record
        if self.record is not None:
            self.form.set_patient(self.record)
        elif state.patient:
            self._fill_from_state()
        else:
            self.form.set_patient(None)
        self.date.setDate(_qdate(state.date))
        practitioner = state.practitioner or {}
        self.practitioner.setText(practitioner.get("name", ""))
        self.registration.setText(practitioner.get("registration", ""))
        self._describe()
        target = self.form.name if self.record is None else self.search
        QTimer.singleShot(0, target.setFocus)

    def _fill_from_state(self) -> None:
        patient = self.state.patient
        try:
            born = dt.date.fromisoformat(patient.get("date_of_birth", ""))
        except ValueError:
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
        state.date = _pydate(self.date.date())
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
        db = self.wiz.db
        typed = self._typed
        record = self.record
        if record is not None and not self.form.is_modified():
            self.wiz.set_patient(record)
            return True

        actor = self.wiz.session.actor

        def work() -> PatientRecord:
            if record is None:
                return db.patients.create(typed, actor=actor)
            return db.patients.update(record.id, typed, actor=actor)

        def done(saved: PatientRecord) -> None:
            self.record = saved
            self.form.mark_saved()
            self.wiz.set_patient(saved)
            self._describe()

        return self.run_then_next(work, done)


# ---------------------------------------------------------------------------------------------
class ConcernsPage(Page):
    owns = ("concerns", "areas")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Concerns and areas"),
                         _("What does the patient want treated, and where?"))
        layout = self.page_layout()
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        for number, concern in enumerate(self.kb.concerns.values()):
            box = QCheckBox(concern.name)
            font = QFont(box.font())
            font.setBold(True)
            box.setFont(font)
            box.setToolTip(f"{concern.practitioner_note}\n\n{concern.evidence}")
            box.toggled.connect(self.completeChanged)
            description = hint_label(concern.patient_text)
            description.setContentsMargins(24, 0, 0, 8)
            row, column = divmod(number, 2)
            grid.addWidget(box, row * 2, column)
            grid.addWidget(description, row * 2 + 1, column)
            self.boxes[concern.id] = box
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        areas_box = QGroupBox(_("Treatment areas"))
        areas_layout = QVBoxLayout(areas_box)
        self.areas = QLineEdit()
        self.areas.setPlaceholderText(_("For example: thighs, buttocks, abdomen"))
        areas_layout.addWidget(self.areas)
        areas_layout.addWidget(hint_label(_("Separate the areas with commas.")))
        layout.addWidget(areas_box)
        self.hint = hint_label(_("Choose at least one concern to continue."))
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        for concern, box in self.boxes.items():
            box.setChecked(concern in self.state.concerns)
        self.areas.setText(", ".join(self.state.areas))
        next(iter(self.boxes.values())).setFocus()

    def isComplete(self) -> bool:  # noqa: N802
        complete = any(box.isChecked() for box in self.boxes.values())
        self.hint.setVisible(not complete)
        return complete

    def chosen(self) -> list[str]:
        # Keep the order in which concerns were already chosen, then the new ones.
        checked = [c for c, box in self.boxes.items() if box.isChecked()]
        kept = [c for c in self.state.concerns if c in checked]
        return kept + [c for c in checked if c not in kept]

    def store(self) -> None:
        self.state.concerns = self.chosen()
        self.state.areas = [part.strip() for part in self.areas.text().split(",") if part.strip()]
        self.state.courses = {c: v for c, v in self.state.courses.items() if c in self.state.concerns}

    def check(self) -> str | None:
        if not self.state.concerns:
            return _("Concerns: choose at least one concern")
        return self.document_problem()


# ---------------------------------------------------------------------------------------------
class HistoryPage(Page):
    owns = ("history", "history_notes")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Medical history"),
                         _("Ask about each item. Ticked items screen every substance on the next "
                           "page."))
        layout = self.page_layout()
        self.boxes: dict[str, QCheckBox] = {}
        holder = QWidget()
        columns = QHBoxLayout(holder)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(12)
        stacks = [QVBoxLayout() for _column in range(3)]
        groups: dict[str, list] = {}
        for item in self.kb.history.values():
            groups.setdefault(item.group, []).append(item)
        total = sum(len(items) + 2 for items in groups.values())
        used = 0
        for group, items in groups.items():
            box = QGroupBox(group)
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(2)
            for item in items:
                check = QCheckBox(item.label)
                rules = "\n".join(f"• {rule.text}" for rule in item.rules)
                check.setToolTip(f"{item.patient_text}\n\n{rules}" if rules else item.patient_text)
                check.toggled.connect(self._changed)
                box_layout.addWidget(check)
                self.boxes[item.id] = check
            column = min(2, int(used * 3 / total))
            stacks[column].addWidget(box)
            used += len(items) + 2
        for stack in stacks:
            stack.addStretch(1)
            columns.addLayout(stack, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout.addWidget(scroll, 1)
        self.under_18 = self.boxes.get("under-18")
        if self.under_18 is not None:
            self.under_18.setEnabled(False)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(_("Medicines with doses, other allergies, anything else the "
                                        "patient mentions. Printed on the consent summary."))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(90)
        # Printed on the consent summary under "Notes recorded at your consultation".
        notes_label = QLabel(_("Medicines, other allergies and &notes (printed on the consent "
                               "summary):"))
        notes_label.setBuddy(self.notes)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)
        self.status = Banner("blocked")
        self.status.hide()
        layout.addWidget(self.status)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802
        for history_id, box in self.boxes.items():
            if box is not self.under_18:
                box.blockSignals(True)
                box.setChecked(history_id in self.state.history)
                box.blockSignals(False)
        self.notes.setPlainText(self.state.history_notes)
        self._changed()

    def store(self) -> None:
        self.state.history = [h for h, box in self.boxes.items()
                              if box.isChecked() and box is not self.under_18]
        if "under-18" in self.state.history:
            self.state.history.remove("under-18")
        self.state.history_notes = self.notes.toPlainText()

    def check(self) -> str | None:
        notes = self.notes.toPlainText()
        if len(notes) > MAX_NOTES:
            return _("Medicines, other allergies and notes: {count} characters; at most {limit} "
                     "fit").format(count=len(notes), limit=MAX_NOTES)
        return self.document_problem()

    @Slot()
    def _changed(self) -> None:
        self.store()
        result = self.state.screening()
        if self.under_18 is not None:
            minor = result is not None and "under-18" in result.history
            self.under_18.setChecked(minor)
            born = self.state.patient.get("date_of_birth")
            if minor and born:
                age = age_in_years(dt.date.fromisoformat(born), self.state.date)
                self.under_18.setText(_("Under 18 years old (from the date of birth: {age} years)")
                                      .format(age=age))
            else:
                self.under_18.setText(self.kb.history["under-18"].label)
        general = [b for b in (result.blocked_by if result else ()) if b.substance is None]
        if general:
            lines = [_("Mesotherapy is ruled out for this patient:")]
            lines += [f"• {b.text}" for b in general]
            lines.append(_("You can still continue, record the consultation and save it as not "
                           "treated on the next page."))
            self.status.set_text("\n".join(lines))
            self.status.show()
        else:
            self.status.hide()


# ---------------------------------------------------------------------------------------------
STATUS_TEXT = {"ok": N_("OK"), "caution": N_("Caution"), "contraindicated": N_("Contraindicated")}
STATUS_COLOURS = {"ok": "#1b5e20", "caution": "#8a5300", "contraindicated": "#b71c1c",
                  "override": "#6a1b9a"}


class IngredientsPage(Page):
    owns = ("substances", "overrides")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Ingredients"),
                         _("The suggested classes and substances, screened against the medical "
                           "history. Review the selection."))
        self.result: ScreeningResult | None = None
        self.chosen: list[str] = []
        self.items: dict[str, list[QTreeWidgetItem]] = {}
        self.override_dialog: OverrideDialog | None = None
        self._reason_memory: dict[str, list[dict[str, Any]]] = {}
        self._updating = False
        layout = self.page_layout()

        self.blocked = Banner("blocked")
        self.blocked.hide()
        self.not_treated_button = self.blocked.add_button(_("Save as not treated"), "not-treated")
        self.not_treated_button.clicked.connect(self.wiz.save_not_treated)
        layout.addWidget(self.blocked)

        legend = QHBoxLayout()
        legend.setSpacing(14)
        for status, text in (("ok", _("No concern")), ("caution", _("Caution")),
                             ("contraindicated", _("Contraindicated")),
                             ("override", _("Chosen with a recorded reason"))):
            icon_label = QLabel()
            icon_label.setPixmap(status_icon(status).pixmap(QSize(14, 14)))
            legend.addWidget(icon_label)
            legend.addWidget(plain_label(text, wrap=False))
        legend.addStretch(1)
        layout.addLayout(legend)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([_("Substance"), _("Status")])
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeWidget::item { padding: 2px 0px; }")
        self.tree.setAccessibleName(_("Ingredients"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        splitter.addWidget(self.tree)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(280)
        side_layout.addWidget(self.details, 3)
        self.edit_reason = QPushButton(icon("status-override"), _("Edit the recorded reason…"))
        self.edit_reason.clicked.connect(self._edit_reason)
        self.edit_reason.hide()
        side_layout.addWidget(self.edit_reason)
        self.warnings = QTextBrowser()
        self.warnings.setMaximumHeight(150)
        side_layout.addWidget(self.warnings, 1)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)

    # -- building the tree ------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        state = self.state
        automatic = state.screening(substances=None)
        if state.substances is None or automatic is None:
            chosen = [s.id for s in automatic.selected] if automatic else []
        else:
            offered = {s.id for s in automatic.substances}
            new_concerns = [c for c in state.concerns if c not in state.substances_for]
            chosen = [s for s in state.substances if s in offered]
            chosen += [s.id for s in automatic.selected
                       if s.concern in new_concerns and s.id not in chosen]
        self.chosen = chosen
        state.drop_overrides_except(set(chosen))
        self._sync_state()
        self._build_tree()
        self._rescreen()
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus()

    def _sync_state(self) -> None:
        order = [s.id for s in (self.state.screening(substances=None) or _Empty()).substances]
        self.state.substances = [s for s in order if s in self.chosen] + [
            s for s in self.chosen if s not in order]
        self.state.substances_for = tuple(self.state.concerns)

    def _build_tree(self) -> None:
        self._updating = True
        self.tree.clear()
        self.items = {}
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for concern_id in self.state.concerns:
            concern = self.kb.concerns[concern_id]
            top = QTreeWidgetItem([concern.name, ""])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            top.setData(0, ROLE_ID, None)
            self.tree.addTopLevelItem(top)
            for class_id in self.kb.classes_of(concern_id):
                klass = self.kb.classes[class_id]
                group = QTreeWidgetItem([klass.name, ""])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                group.setToolTip(0, klass.practitioner_note)
                group.setData(0, ROLE_ID, None)
                group.setData(1, ROLE_ID, class_id)
                top.addChild(group)
                for substance_id in klass.substances:
                    item = QTreeWidgetItem([self.kb.substances[substance_id].name, ""])
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setData(0, ROLE_ID, substance_id)
                    item.setCheckState(0, Qt.CheckState.Checked if substance_id in self.chosen
                                       else Qt.CheckState.Unchecked)
                    group.addChild(item)
                    self.items.setdefault(substance_id, []).append(item)
            top.setExpanded(True)
            for index in range(top.childCount()):
                top.child(index).setExpanded(True)
        self._updating = False

    # -- screening and display --------------------------------------------------------------------
    def _rescreen(self) -> None:
        self._sync_state()
        self.result = self.state.screening()
        self._show_statuses()
        self._show_details(self.tree.currentItem())
        self._show_warnings()
        self._show_blocks()
        self.completeChanged.emit()

    def _status_of(self, substance: SubstanceResult) -> tuple[str, str]:
        chosen = substance.id in self.chosen
        if substance.status == "contraindicated" and chosen:
            return "override", _("Chosen with override")
        if substance.overrides and chosen:
            return "override", _("{status}, reason recorded").format(
                status=_(STATUS_TEXT[substance.status]))
        text = _(STATUS_TEXT[substance.status])
        if substance.requires_reason and not chosen:
            text = _("{status}; needs a recorded reason").format(status=text)
        return substance.status, text

    def _tooltip(self, substance: SubstanceResult) -> str:
        lines = [substance.name]
        lines += [f"• {reason.text}" for reason in substance.reasons] or [_("No concern found in the "
                                                                              "medical history.")]
        lines += [_("Reason recorded: {reason}").format(reason=o.reason) for o in substance.overrides]
        return "\n".join(lines)

    def _show_statuses(self) -> None:
        if self.result is None:
            return
        self._updating = True
        for substance in self.result.substances:
            status, text = self._status_of(substance)
            tooltip = self._tooltip(substance)
            colour = QColor(STATUS_COLOURS[status])
            for item in self.items.get(substance.id, []):
                item.setIcon(1, status_icon(status))
                item.setText(1, text)
                item.setForeground(1, colour)
                item.setForeground(0, colour if status == "contraindicated" else self.palette().text().color())
                item.setToolTip(0, tooltip)
                item.setToolTip(1, tooltip)
                item.setCheckState(0, Qt.CheckState.Checked if substance.id in self.chosen
                                   else Qt.CheckState.Unchecked)
        self._updating = False

    def _show_details(self, item: QTreeWidgetItem | None) -> None:
        from html import escape

        self.edit_reason.hide()
        substance_id = item.data(0, ROLE_ID) if item is not None else None
        if item is not None and substance_id is None and item.data(1, ROLE_ID):
            klass = self.kb.classes[item.data(1, ROLE_ID)]
            self.details.setHtml(f"<h3>{escape(klass.name)}</h3><p>{escape(klass.practitioner_note)}"
                                 f"</p><p style='color:#455a64;'>{escape(klass.patient_text)}</p>")
            return
        if self.result is not None and self.result.generally_contraindicated:
            causes = "".join(f"<li>{escape(b.text)}</li>" for b in self.result.blocked_by
                             if b.substance is None)
            self.details.setHtml("<p style='color:#b71c1c;'><b>" + escape(
                _("Every substance is ruled out for this patient:")) + f"</b></p><ul>{causes}</ul>")
            return
        if not substance_id or self.result is None:
            self.details.setHtml("<p style='color:#607d8b;'>" + escape(
                _("Select a substance to see why it has its status, its regulatory status and "
                  "the evidence.")) + "</p>")
            return
        substance = self.result.substance(substance_id)
        info = self.kb.substances[substance_id]
        status, text = self._status_of(substance)
        colour = {"ok": "#2e7d32", "caution": "#b26a00", "contraindicated": "#c62828",
                  "override": "#6a1b9a"}[status]
        parts = [f"<h3 style='margin-bottom:2px;'>{escape(info.name)}</h3>",
                 f"<p style='color:{colour}; font-weight:bold; margin-top:0;'>{escape(text)}</p>"]
        if substance.reasons:
            parts.append("<ul>" + "".join(f"<li>{escape(r.text)}</li>" for r in substance.reasons)
                         + "</ul>")
        if substance.excluded_by_screening:
            parts.append("<p><i>" + escape(_("Usually suggested, but left out because of the "
                                             "medical history.")) + "</i></p>")
        for override in substance.overrides:
            parts.append("<p><b>" + escape(_("Reason recorded:")) + "</b> " + escape(override.reason)
                         + "</p>")
        if substance.requires_reason and substance_id not in self.chosen:
            parts.append("<p>" + escape(info.reason_prompt) + "</p>")
        parts.append(f"<p>{escape(info.practitioner_note)}</p>")
        parts.append("<p><b>" + escape(_("Regulatory:")) + "</b> " + escape(info.regulatory) + "</p>")
        parts.append("<p><b>" + escape(_("Evidence:")) + "</b> " + escape(info.evidence) + "</p>")
        self.details.setHtml("".join(parts))
        self.edit_reason.setVisible(substance_id in self.chosen and bool(self.state.overrides_for(substance_id)))

    def _show_warnings(self) -> None:
        from html import escape

        warnings = self.result.warnings if self.result else ()
        if not warnings:
            self.warnings.setHtml("<p style='color:#607d8b;'>" + escape(_("No warning for this "
                                                                          "selection.")) + "</p>")
            return
        self.warnings.setHtml("<p><b>" + escape(_("Warnings")) + "</b></p><ul>" + "".join(
            f"<li style='color:#8a5300;'>{escape(w.text)}</li>" for w in warnings) + "</ul>")

    def _show_blocks(self) -> None:
        result = self.result
        if result is None or not result.blocked:
            self.blocked.hide()
            self.tree.setEnabled(True)
            return
        general = [b for b in result.blocked_by if b.substance is None]
        if general:
            lines = [_("Mesotherapy cannot be given to this patient:")]
            lines += [f"• {b.text}" for b in general]
            lines.append(_("No override lifts this. Save the consultation as not treated; the "
                           "record keeps what was declared."))
            self.not_treated_button.show()
            self.tree.setEnabled(False)
        else:
            lines = [_("A chosen substance is contraindicated and has no recorded reason:")]
            lines += [f"• {b.text}" for b in result.blocked_by]
            lines.append(_("Untick it, or double-click it to record a reason."))
            self.not_treated_button.hide()
            self.tree.setEnabled(True)
        if self.state.finished:
            self.not_treated_button.hide()
        self.blocked.set_text("\n".join(lines))
        self.blocked.show()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None and not self.result.blocked and not self.state.finished

    # -- choosing ------------------------------------------------------------------------------
    @Slot(QTreeWidgetItem, int)
    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating or column != 0 or self.result is None:
            return
        substance_id = item.data(0, ROLE_ID)
        if not substance_id:
            return
        checked = item.checkState(0) == Qt.CheckState.Checked
        if checked and substance_id not in self.chosen:
            substance = self.result.substance(substance_id)
            # The domain says whether written reasons are needed and which are still missing.
            if substance.needs_written_reason and substance.missing_reasons:
                self._set_checked(substance_id, False)
                QTimer.singleShot(0, lambda: self.ask_reason(substance_id))
                return
            self.chosen.append(substance_id)
        elif not checked and substance_id in self.chosen:
            self.chosen.remove(substance_id)
            remembered = self.state.overrides_for(substance_id)
            if remembered:
                self._reason_memory[substance_id] = remembered
            self.state.set_overrides(substance_id, [])
        self._rescreen()

    def _set_checked(self, substance_id: str, checked: bool) -> None:
        self._updating = True
        for item in self.items.get(substance_id, []):
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._updating = False

    def set_substance_checked(self, substance_id: str, checked: bool) -> None:
        """What a click on the check box does (for the keyboard and for tests)."""
        items = self.items.get(substance_id)
        if items:
            items[0].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def ask_reason(self, substance_id: str) -> OverrideDialog:
        assert self.result is not None
        substance = self.result.substance(substance_id)
        existing = self.state.overrides_for(substance_id) or self._reason_memory.get(substance_id, [])
        dialog = OverrideDialog(substance, self.kb, existing, self)
        self.override_dialog = dialog

        def accepted() -> None:
            self.state.set_overrides(substance_id, dialog.overrides())
            if substance_id not in self.chosen:
                self.chosen.append(substance_id)
            self._rescreen()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _code: setattr(self, "override_dialog", None))
        dialog.open()
        return dialog

    @Slot()
    def _edit_reason(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.data(0, ROLE_ID):
            self.ask_reason(item.data(0, ROLE_ID))

    @Slot(QTreeWidgetItem, int)
    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        substance_id = item.data(0, ROLE_ID)
        if substance_id and self.result is not None:
            substance = self.result.substance(substance_id)
            if substance.needs_written_reason:
                self.ask_reason(substance_id)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _current_changed(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        self._show_details(current)

    def store(self) -> None:
        if self.result is not None:
            self._sync_state()

    def check(self) -> str | None:
        problem = self.document_problem()
        if problem:
            return problem
        if self.result is not None and self.result.blocked:
            return "\n".join(block.text for block in self.result.blocked_by)
        return None


class _Empty:
    substances: tuple = ()
    selected: tuple = ()


# ---------------------------------------------------------------------------------------------
class LifestylePage(Page):
    owns = ("lifestyle", "notes")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Lifestyle"),
                         _("Risk factors that weigh on the result. The plan gives the patient advice "
                           "for each one ticked."))
        layout = self.page_layout()
        box = QGroupBox(_("Lifestyle risk factors"))
        grid = QGridLayout(box)
        self.boxes: dict[str, QCheckBox] = {}
        for number, risk in enumerate(self.kb.lifestyle.values()):
            check = QCheckBox(risk.label)
            check.setToolTip(risk.advice)
            check.toggled.connect(self._changed)
            grid.addWidget(check, number // 2, number % 2)
            self.boxes[risk.id] = check
        layout.addWidget(box)
        self.advice = QTextBrowser()
        self.advice.setFixedHeight(150)
        advice_label = plain_label(_("Advice the plan will give:"))
        layout.addWidget(advice_label)
        layout.addWidget(self.advice)
        # Printed on the plan under "Notes from your consultation": the patient reads it.
        notes_label = QLabel(_("Notes for the patient's &plan (printed):"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(110)
        self.notes.setPlaceholderText(_("Printed on the treatment plan the patient takes home, "
                                        "under “Notes from your consultation”"))
        self.notes.setAccessibleName(_("Notes for the patient's plan (printed)"))
        notes_label.setBuddy(self.notes)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        for risk_id, check in self.boxes.items():
            check.blockSignals(True)
            check.setChecked(risk_id in self.state.lifestyle)
            check.blockSignals(False)
        self.notes.setPlainText(self.state.notes)
        self._changed()

    def store(self) -> None:
        self.state.lifestyle = [r for r, check in self.boxes.items() if check.isChecked()]
        self.state.notes = self.notes.toPlainText()

    def check(self) -> str | None:
        if len(self.notes.toPlainText()) > MAX_NOTES:
            return _("Notes for the patient's plan: {count} characters; at most {limit} fit").format(
                count=len(self.notes.toPlainText()), limit=MAX_NOTES)
        return self.document_problem()

    @Slot()
    def _changed(self) -> None:
        from html import escape

        self.state.lifestyle = [r for r, check in self.boxes.items() if check.isChecked()]
        result = self.state.screening()
        advice = result.advice if result else ()
        if not advice:
            self.advice.setHtml("<p style='color:#607d8b;'>" + escape(
                _("Nothing ticked, or nothing that applies to the chosen concerns.")) + "</p>")
            return
        self.advice.setHtml("<ul>" + "".join(f"<li><b>{escape(a.name)}</b>: {escape(a.text)}</li>"
                                             for a in advice) + "</ul>")


# ---------------------------------------------------------------------------------------------
class CourseEditor(QGroupBox):
    """Sessions, interval and first date for one concern; the dated sessions update live."""

    changed = Signal()

    def __init__(self, concern_id: str, wizard: ConsultationWizard, parent: QWidget | None = None):
        kb = wizard.kb
        super().__init__(kb.concerns[concern_id].name, parent)
        self.concern_id = concern_id
        self.wiz = wizard
        defaults = kb.concerns[concern_id].course
        self.sessions = QSpinBox()
        self.sessions.setRange(1, MAX_SESSIONS)
        self.sessions.setAccessibleName(_("Sessions"))
        self.interval = QSpinBox()
        self.interval.setRange(1, MAX_INTERVAL_DAYS)
        self.interval.setSuffix(_(" days"))
        self.interval.setAccessibleName(_("Interval"))
        self.start = QDateEdit()
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("ddd d MMM yyyy")
        self.start.setMinimumDate(QDate(2000, 1, 1))
        self.start.setAccessibleName(_("First session"))
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
        self.dates.setAccessibleName(_("Session dates"))
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
        planned, _warnings = plan_course(self.concern_id, self.wiz.state.date, self.wiz.kb, course)
        for widget in (self.sessions, self.interval, self.start):
            widget.blockSignals(True)
        self.sessions.setValue(len(planned.sessions))
        self.interval.setValue(planned.interval_days)
        self.start.setDate(_qdate(planned.start_date))
        for widget in (self.sessions, self.interval, self.start):
            widget.blockSignals(False)
        self.refresh()

    @Slot()
    def reset(self) -> None:
        self.set_values(None)

    def values(self) -> dict[str, Any]:
        return {"concern": self.concern_id, "sessions": self.sessions.value(),
                "interval_days": self.interval.value(),
                "start_date": _pydate(self.start.date()).isoformat()}

    @Slot()
    def refresh(self) -> None:
        values = self.values()
        course = Course(concern=self.concern_id, sessions=values["sessions"],
                        interval_days=values["interval_days"],
                        start_date=_pydate(self.start.date()))
        planned, warnings = plan_course(self.concern_id, self.wiz.state.date, self.wiz.kb, course)
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

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Course"),
                         _("Sessions, interval and start date for each concern. Values outside the "
                           "usual range are allowed, with a warning."))
        layout = self.page_layout()
        self.holder = QWidget()
        self.editors_layout = QVBoxLayout(self.holder)
        self.editors_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.holder)
        layout.addWidget(scroll, 1)
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
            editor = CourseEditor(concern_id, self.wiz)
            editor.set_values(self.state.courses.get(concern_id))
            self.editors_layout.addWidget(editor)
            self.editors[concern_id] = editor
        self.editors_layout.addStretch(1)
        if self.editors:
            next(iter(self.editors.values())).sessions.setFocus()

    def store(self) -> None:
        if self.editors:
            self.state.courses = {c: editor.values() for c, editor in self.editors.items()}


# ---------------------------------------------------------------------------------------------
class ReviewPage(Page):
    owns = ("signatures", "photo_consent")

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Review and consent"),
                         _("Go through the plan with the patient. When they agree, both of you "
                           "sign."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Sign and &finish"))
        layout = self.page_layout()
        row = QHBoxLayout()
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        row.addWidget(self.summary, 3)
        side = QVBoxLayout()
        side.setSpacing(10)
        side.addWidget(heading(_("Consent"), 1))
        self.photo = QCheckBox(_("&Photographs: the patient agrees"))
        side.addWidget(self.photo)
        photo_hint = hint_label(_("Optional and separate from the treatment: photographs of the "
                                  "treated areas, before and after, kept with the record."))
        photo_hint.setContentsMargins(24, 0, 0, 0)
        side.addWidget(photo_hint)
        self.patient_signature = SignatureBox(_("Patient"))
        self.practitioner_signature = SignatureBox(_("Practitioner"))
        for box in (self.patient_signature, self.practitioner_signature):
            box.pad.changed.connect(self.completeChanged)
            box.pad.changed.connect(self._hint)
            side.addWidget(box)
        self.signed_hint = hint_label()
        side.addWidget(self.signed_hint)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(400)
        row.addWidget(side_widget)
        layout.addLayout(row, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802
        self.photo.setChecked(self.state.photo_consent)
        doc = self.state.try_document()
        if doc is None:
            self.summary.setPlainText(_("The consultation is incomplete: go back and check the "
                                        "pages."))
        else:
            from mesodesk.domain.screening import screen

            self.summary.setHtml(review_html(doc, screen(doc, self.kb), self.kb))
        self._hint()

    @Slot()
    def _hint(self) -> None:
        missing = [caption for caption, box in ((_("the patient"), self.patient_signature),
                                                (_("the practitioner"), self.practitioner_signature))
                   if box.pad.is_empty()]
        if missing:
            self.signed_hint.setText(_("Still to sign: {who}.").format(who=_(" and ").join(missing)))
        else:
            self.signed_hint.setText(_("Signed. Finishing stores the consultation and the signed "
                                       "consent; they cannot be changed afterwards."))

    def isComplete(self) -> bool:  # noqa: N802
        return not (self.patient_signature.pad.is_empty() or self.practitioner_signature.pad.is_empty())

    def store(self) -> None:
        self.state.photo_consent = self.photo.isChecked()

    def check(self) -> str | None:
        if not self.isComplete():
            return _("Signatures: both the patient and the practitioner sign to finish")
        self.state.signatures = {
            "patient": self.patient_signature.pad.to_base64(),
            "practitioner": self.practitioner_signature.pad.to_base64(),
            "signed_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        }
        try:
            doc = self.state.document()
        except DocumentError as error:
            self.state.signatures = None
            return describe_issues(error)
        from mesodesk.domain.screening import screen

        if screen(doc, self.kb).blocked:
            self.state.signatures = None
            return _("The consultation is blocked: go back to the ingredients page.")
        return None


# ---------------------------------------------------------------------------------------------
class FinishPage(Page):
    """Stores the consultation and the signed consent, then shows the PDF to print or save."""

    def __init__(self, wizard: ConsultationWizard):
        super().__init__(wizard, _("Finished"),
                         _("The consultation and the signed consent are stored. Print the plan "
                           "for the patient to take home."))
        self.done = False
        self.pane: QWidget | None = None
        layout = self.page_layout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(360)
        self.working = plain_label(_("Saving the consultation and preparing the signed consent…"))
        self.result_banner = Banner("ok")
        self.result_banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.result_banner.hide()
        self.retry_button = self.result_banner.add_button(_("Try again"))
        self.retry_button.clicked.connect(self.initializePage)
        self.retry_button.hide()
        layout.addWidget(self.working)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_banner)
        self.pane_holder = QVBoxLayout()
        layout.addLayout(self.pane_holder, 1)
        self.filler = QWidget()  # keeps the banner at the top until the PDF is shown
        self.filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.filler, 1)

    def initializePage(self) -> None:  # noqa: N802
        self.done = False
        self.setTitle(_("Finishing"))
        self.setSubTitle(_("Storing the consultation and the signed consent…"))
        self.working.show()
        self.progress.show()
        self.result_banner.hide()
        self.retry_button.hide()
        self.completeChanged.emit()
        self.wiz.finish_consultation(self._finished, self._failed)

    def _finished(self, text: str) -> None:
        from mesodesk.ui.preview import PdfPane, safe_file_name

        self.done = True
        self.setTitle(_("Finished"))
        self.setSubTitle(_("The consultation and the signed consent are stored. Print the plan "
                           "for the patient to take home."))
        self.working.hide()
        self.progress.hide()
        self.filler.hide()
        self.result_banner.set_kind("ok")
        self.result_banner.set_text(text)
        self.result_banner.show()
        if self.wiz.final_pdf is not None:
            name = safe_file_name(self.state.patient.get("name", ""))
            self.pane = PdfPane(self.wiz.final_pdf, f"{name} {self.state.date.isoformat()}",
                                self.wiz.work_runner, self)
            self.pane.view.setZoomMode(self.pane.view.ZoomMode.FitInView)
            self.pane_holder.addWidget(self.pane)
        self.completeChanged.emit()

    def _failed(self, text: str) -> None:
        self.setTitle(_("Not finished"))
        self.setSubTitle(_("The consultation was not finished; the message below says what was "
                           "kept."))
        self.working.hide()
        self.progress.hide()
        self.result_banner.set_kind("blocked")
        self.result_banner.set_text(text)
        self.result_banner.show()
        self.retry_button.show()

    def isComplete(self) -> bool:  # noqa: N802
        return self.done
