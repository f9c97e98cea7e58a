"""The concerns the patient wants treated, the treatment areas, and what the patient hopes
for in their own words; the weight (for the lidocaine ceiling) and the language of the
patient's papers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from mesodesk.domain.document import MAX_GOALS, MAX_WEIGHT_KG, MIN_WEIGHT_KG
from mesodesk.i18n import _
from mesodesk.ui.widgets import hint_label
from mesodesk.ui.wizard.pages.base import Page

# The languages of the patient's papers, each named in itself.
DOCUMENT_LANGUAGES = (("en", "English"), ("el", "Ελληνικά"))

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class ConcernsPage(Page):
    owns = ("concerns", "areas", "goals", "patient.weight_kg", "patient.language", "language")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Concerns and areas"),
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
        layout.addLayout(self._patient_row())
        self.hint = hint_label(_("Choose at least one concern to continue."))
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _patient_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        goals_box = QGroupBox(_("The patient's goals"))
        goals_layout = QVBoxLayout(goals_box)
        self.goals = QPlainTextEdit()
        self.goals.setTabChangesFocus(True)
        self.goals.setFixedHeight(64)
        self.goals.setPlaceholderText(_("For example: smoother thighs before the summer"))
        goals_label = QLabel(_("What the patient &hopes for, in their own words:"))
        goals_label.setBuddy(self.goals)
        self.goals.setAccessibleName(_("The patient's goals (the patient sees this on the plan)"))
        goals_layout.addWidget(goals_label)
        goals_layout.addWidget(self.goals)
        goals_layout.addWidget(hint_label(_("The patient sees this on the plan.")))
        details = QGroupBox(_("Weight and language"))
        form = QFormLayout(details)
        self.weight = QLineEdit()
        self.weight.setPlaceholderText(_("Optional"))
        self.weight.setMaximumWidth(110)
        self.weight.setAccessibleName(_("Weight in kilograms (optional)"))
        self.language = QComboBox()
        for code, name in DOCUMENT_LANGUAGES:
            self.language.addItem(name, code)
        self.language.setMaximumWidth(180)
        self.language.setAccessibleName(_("The language of the patient's documents"))
        form.addRow(_("&Weight (kg):"), self.weight)
        form.addRow(hint_label(_("For the lidocaine ceiling in mg, printed for you.")))
        form.addRow(_("Patient's &documents in:"), self.language)
        row.addWidget(goals_box, 3)
        row.addWidget(details, 2)
        return row

    def initializePage(self) -> None:  # noqa: N802
        for concern, box in self.boxes.items():
            box.setChecked(concern in self.state.concerns)
        self.areas.setText(", ".join(self.state.areas))
        self.goals.setPlainText(self.state.goals)
        weight = self.state.weight_kg
        self.weight.setText("" if weight is None else f"{weight:g}")
        index = self.language.findData(self.state.language)
        self.language.setCurrentIndex(max(index, 0))
        next(iter(self.boxes.values())).setFocus()

    def typed_weight(self) -> float | None:
        """The weight typed (a comma or a point for decimals); None when empty.
        ``ValueError`` says what is wrong with it."""
        text = self.weight.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            weight = float(text)
        except ValueError:
            raise ValueError(_("'{text}' is not a number of kilograms").format(
                text=self.weight.text().strip())) from None
        if not MIN_WEIGHT_KG <= weight <= MAX_WEIGHT_KG:
            raise ValueError(_("must be between {low} and {high} kg").format(
                low=MIN_WEIGHT_KG, high=MAX_WEIGHT_KG))
        return weight

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
        self.state.goals = self.goals.toPlainText()
        try:  # only a valid weight goes into the draft; check() names a wrong one
            self.state.weight_kg = self.typed_weight()
        except ValueError:
            self.state.weight_kg = None
        self.state.language = self.language.currentData()
        self.state.concerns = self.chosen()
        self.state.areas = [part.strip() for part in self.areas.text().split(",") if part.strip()]
        self.state.courses = {c: v for c, v in self.state.courses.items() if c in self.state.concerns}

    def check(self) -> str | None:
        if not self.state.concerns:
            return _("Concerns: choose at least one concern")
        try:
            self.typed_weight()
        except ValueError as error:
            return _("Weight (kg): {problem}").format(problem=error)
        if len(self.state.goals) > MAX_GOALS:
            return _("The patient's goals: {count} characters; at most {limit} fit").format(
                count=len(self.state.goals), limit=MAX_GOALS)
        return self.document_problem()
