"""The concerns the patient wants treated, and the treatment areas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLineEdit, QVBoxLayout

from mesodesk.i18n import _
from mesodesk.ui.labels import local
from mesodesk.ui.widgets import hint_label
from mesodesk.ui.wizard.pages.base import Page

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class ConcernsPage(Page):
    owns = ("concerns", "areas")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Concerns and areas"),
                         _("What does the patient want treated, and where?"))
        layout = self.page_layout()
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        for number, concern in enumerate(self.kb.concerns.values()):
            box = QCheckBox(local(concern.name))
            font = QFont(box.font())
            font.setBold(True)
            box.setFont(font)
            box.setToolTip(f"{local(concern.practitioner_note)}\n\n{local(concern.evidence)}")
            box.toggled.connect(self.completeChanged)
            description = hint_label(local(concern.patient_text))
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
