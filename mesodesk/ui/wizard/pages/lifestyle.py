"""Lifestyle risk factors, the advice the plan gives for them, and the notes printed on
the plan."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QPlainTextEdit, QTextBrowser

from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.widgets import hint_label, plain_label
from mesodesk.ui.wizard.pages.base import MAX_NOTES, Page

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class LifestylePage(Page):
    owns = ("lifestyle", "notes", "clinical_notes")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Lifestyle"),
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
        self.advice.setAccessibleName(_("Advice the plan will give"))
        self.advice.setFixedHeight(110)
        advice_label = plain_label(_("Advice the plan will give:"))
        layout.addWidget(advice_label)
        layout.addWidget(self.advice)
        # Printed on the plan under "Notes from your consultation": the patient reads it.
        notes_label = QLabel(_("Notes for the patient's &plan (printed):"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.notes.setPlaceholderText(_("Printed on the treatment plan the patient takes home, "
                                        "under “Notes from your consultation”"))
        self.notes.setAccessibleName(_("Notes for the patient's plan (printed)"))
        notes_label.setBuddy(self.notes)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)
        layout.addWidget(hint_label(_("The patient sees this on the plan.")))
        # The practitioner's own record: kept with the consultation, never on a paper.
        self.clinical_notes = QPlainTextEdit()
        self.clinical_notes.setTabChangesFocus(True)
        self.clinical_notes.setFixedHeight(80)
        self.clinical_notes.setPlaceholderText(_("Your own notes about this consultation"))
        self.clinical_notes.setAccessibleName(_("Clinical notes (only you see this; never "
                                                "printed)"))
        clinical_label = QLabel(_("&Clinical notes (private):"))
        clinical_label.setBuddy(self.clinical_notes)
        layout.addWidget(clinical_label)
        layout.addWidget(self.clinical_notes)
        layout.addWidget(hint_label(_("Only you see this; never printed.")))
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        for risk_id, check in self.boxes.items():
            check.blockSignals(True)
            check.setChecked(risk_id in self.state.lifestyle)
            check.blockSignals(False)
        self.notes.setPlainText(self.state.notes)
        self.clinical_notes.setPlainText(self.state.clinical_notes)
        self._changed()

    def store(self) -> None:
        self.state.lifestyle = [r for r, check in self.boxes.items() if check.isChecked()]
        self.state.notes = self.notes.toPlainText()
        self.state.clinical_notes = self.clinical_notes.toPlainText()

    def check(self) -> str | None:
        if len(self.notes.toPlainText()) > MAX_NOTES:
            return _("Notes for the patient's plan: {count} characters; at most {limit} fit").format(
                count=len(self.notes.toPlainText()), limit=MAX_NOTES)
        if len(self.clinical_notes.toPlainText()) > MAX_NOTES:
            return _("Clinical notes: {count} characters; at most {limit} fit").format(
                count=len(self.clinical_notes.toPlainText()), limit=MAX_NOTES)
        return self.document_problem()

    @Slot()
    def _changed(self) -> None:
        self.state.lifestyle = [r for r, check in self.boxes.items() if check.isChecked()]
        result = self.state.screening()
        advice = result.advice if result else ()
        if not advice:
            self.advice.setHtml(f"<p style='color:{colours.muted(self.palette())};'>" + escape(
                _("Nothing ticked, or nothing that applies to the chosen concerns.")) + "</p>")
            return
        self.advice.setHtml("<ul>" + "".join(f"<li><b>{escape(a.name)}</b>: {escape(a.text)}</li>"
                                             for a in advice) + "</ul>")
