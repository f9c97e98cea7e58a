"""The medical history: every ticked item screens every substance on the next page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from mesodesk.domain.dates import age_on, parse_date
from mesodesk.i18n import _
from mesodesk.ui.labels import local
from mesodesk.ui.widgets import Banner
from mesodesk.ui.wizard.pages.base import MAX_NOTES, Page, scroll_area

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class HistoryPage(Page):
    owns = ("history", "history_notes")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Medical history"),
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
            box = QGroupBox(local(group))
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(2)
            for item in items:
                check = QCheckBox(local(item.label))
                rules = "\n".join(f"• {local(rule.text)}" for rule in item.rules)
                text = local(item.patient_text)
                check.setToolTip(f"{text}\n\n{rules}" if rules else text)
                check.toggled.connect(self._changed)
                box_layout.addWidget(check)
                self.boxes[item.id] = check
            column = min(2, int(used * 3 / total))
            stacks[column].addWidget(box)
            used += len(items) + 2
        for stack in stacks:
            stack.addStretch(1)
            columns.addLayout(stack, 1)
        layout.addWidget(scroll_area(holder, _("Medical history questions")), 1)
        # the history item the domain adds for a patient under the knowledge base's minimum age
        self.under_18 = self.boxes.get(self.kb.under_age_history)
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
        if self.kb.under_age_history in self.state.history:
            self.state.history.remove(self.kb.under_age_history)
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
            minor = result is not None and self.kb.under_age_history in result.history
            self.under_18.setChecked(minor)
            born = self.state.patient.get("date_of_birth")
            if minor and born:
                age = age_on(parse_date(born, "date_of_birth"), self.state.date)
                self.under_18.setText(_("Under {minimum} years old (from the date of birth: {age} "
                                        "years)").format(minimum=self.kb.minimum_age, age=age))
            else:
                self.under_18.setText(local(self.kb.history[self.kb.under_age_history].label))
        general = [b for b in (result.blocked_by if result else ()) if b.general]
        if general:
            lines = [_("Mesotherapy is ruled out for this patient:")]
            lines += [f"• {local(b.text)}" for b in general]
            lines.append(_("You can still continue, record the consultation and save it as not "
                           "treated on the next page."))
            self.status.set_text("\n".join(lines))
            self.status.show()
        else:
            self.status.hide()
