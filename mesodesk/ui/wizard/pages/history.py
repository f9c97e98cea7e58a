"""The medical history: every question answered yes or no, never just left unticked.

The yes answers screen every substance on the next page; the consent says that every other
question was answered no, so the wizard goes on only when each one has an answer
(``history_reviewed`` of the consultation document). "No to all the rest" answers the
questions still open in one action, once the yeses are given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from mesodesk.domain.dates import age_on, parse_date
from mesodesk.i18n import _, ngettext
from mesodesk.ui.labels import local
from mesodesk.ui.widgets import Banner, plain_label
from mesodesk.ui.wizard.pages.base import MAX_NOTES, Page, scroll_area

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import HistoryItem
    from mesodesk.ui.wizard.context import PageContext

COLUMNS = 3


class HistoryPage(Page):
    owns = ("history", "history_notes", "history_reviewed")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Medical history"),
                         _("Ask the patient each question and answer it yes or no. The yes "
                           "answers screen every substance on the next page."))
        layout = self.page_layout()
        self.yes: dict[str, QRadioButton] = {}
        self.no: dict[str, QRadioButton] = {}
        self.answers: dict[str, QButtonGroup] = {}
        self.labels: dict[str, QLabel] = {}
        layout.addLayout(self._top_row())
        layout.addWidget(scroll_area(self._questions(), _("Medical history questions")), 1)
        # the history item the domain adds for a patient under the knowledge base's minimum
        # age: answered from the date of birth, not asked
        self.under_18 = self.yes.get(self.kb.under_age_history)
        self.under_18_no = self.no.get(self.kb.under_age_history)
        for button in (self.under_18, self.under_18_no):
            if button is not None:
                button.setEnabled(False)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(_("Medicines with doses, other allergies, anything else the "
                                        "patient mentions. Printed on the consent summary."))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
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

    # -- building ---------------------------------------------------------------------------
    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.progress = plain_label()
        self.no_to_rest = QPushButton(_("No to &all the rest"))
        self.no_to_rest.setToolTip(_("Answer no to every question not answered yet (give the "
                                     "yes answers first)"))
        self.no_to_rest.clicked.connect(self.answer_rest_no)
        row.addWidget(self.progress, 1)
        row.addWidget(self.no_to_rest)
        return row

    def _questions(self) -> QWidget:
        holder = QWidget()
        columns = QHBoxLayout(holder)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(12)
        stacks = [QVBoxLayout() for _column in range(COLUMNS)]
        groups: dict[str, list[HistoryItem]] = {}
        for item in self.kb.history.values():
            groups.setdefault(item.group, []).append(item)
        total = sum(len(items) + 2 for items in groups.values())
        used = 0
        for group, items in groups.items():
            box = QGroupBox(local(group))
            grid = QGridLayout(box)
            grid.setVerticalSpacing(2)
            grid.setColumnStretch(0, 1)
            for row, item in enumerate(items):
                self._question(grid, row, item)
            stacks[min(COLUMNS - 1, int(used * COLUMNS / total))].addWidget(box)
            used += len(items) + 2
        for stack in stacks:
            stack.addStretch(1)
            columns.addLayout(stack, 1)
        return holder

    def _question(self, grid: QGridLayout, row: int, item: HistoryItem) -> None:
        label = plain_label(local(item.label))
        rules = "\n".join(f"• {local(rule.text)}" for rule in item.rules)
        text = local(item.patient_text)
        label.setToolTip(f"{text}\n\n{rules}" if rules else text)
        yes, no = QRadioButton(_("Yes")), QRadioButton(_("No"))
        answer = QButtonGroup(self)
        answer.setExclusive(True)
        for button, word in ((yes, _("yes")), (no, _("no"))):
            answer.addButton(button)
            button.setAccessibleName(f"{local(item.label)}: {word}")
            if item.id != self.kb.under_age_history:  # that one follows the date of birth
                button.toggled.connect(self._changed)
        label.setBuddy(yes)
        grid.addWidget(label, row, 0)
        grid.addWidget(yes, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(no, row, 2, Qt.AlignmentFlag.AlignTop)
        self.yes[item.id], self.no[item.id] = yes, no
        self.answers[item.id] = answer
        self.labels[item.id] = label

    # -- answers ----------------------------------------------------------------------------
    def answer(self, history_id: str, yes: bool) -> None:
        (self.yes if yes else self.no)[history_id].setChecked(True)

    @Slot()
    def answer_rest_no(self) -> None:
        for history_id in self.state.questions:
            if self.answers[history_id].checkedButton() is None:
                self.no[history_id].setChecked(True)
        self.notes.setFocus()

    def _set_answers(self, answers: dict[str, bool]) -> None:
        for history_id in self.state.questions:
            group = self.answers[history_id]
            for button in group.buttons():
                button.blockSignals(True)
            group.setExclusive(False)  # an exclusive group cannot be emptied again
            self.yes[history_id].setChecked(answers.get(history_id) is True)
            self.no[history_id].setChecked(answers.get(history_id) is False)
            group.setExclusive(True)
            for button in group.buttons():
                button.blockSignals(False)

    def initializePage(self) -> None:  # noqa: N802
        self._set_answers(self.state.history_answers)
        self.notes.setPlainText(self.state.history_notes)
        self._changed()

    def store(self) -> None:
        answers = {}
        for history_id in self.state.questions:
            checked = self.answers[history_id].checkedButton()
            if checked is not None:
                answers[history_id] = checked is self.yes[history_id]
        self.state.history_answers = answers
        self.state.history_notes = self.notes.toPlainText()

    def isComplete(self) -> bool:  # noqa: N802
        return not self.state.unanswered

    def check(self) -> str | None:
        notes = self.notes.toPlainText()
        if len(notes) > MAX_NOTES:
            return _("Medicines, other allergies and notes: {count} characters; at most {limit} "
                     "fit").format(count=len(notes), limit=MAX_NOTES)
        if self.state.unanswered:
            return self._unanswered_text()
        return self.document_problem()

    def _unanswered_text(self) -> str:
        missing = self.state.unanswered
        return ngettext("Answer the last question yes or no to go on: {names}",
                        "Answer {count} more questions yes or no to go on: {names}",
                        len(missing)).format(count=len(missing), names="; ".join(
                            local(self.kb.history[h].label) for h in missing))

    # -- feedback ---------------------------------------------------------------------------
    @Slot()
    def _changed(self) -> None:
        self.store()
        self._show_progress()
        result = self.state.screening()
        minor = result is not None and self.kb.under_age_history in result.history
        self._show_under_age(minor)
        general = [b for b in (result.blocked_by if result else ()) if b.general]
        if general:
            lines = [_("Mesotherapy is ruled out for this patient:")]
            lines += [f"• {b.text}" for b in general]
            lines.append(_("You can still continue, record the consultation and save it as not "
                           "treated on the next page."))
            self.status.set_text("\n".join(lines))
            self.status.show()
        else:
            self.status.hide()
        self.completeChanged.emit()

    def _show_progress(self) -> None:
        asked = len(self.state.questions)
        missing = len(self.state.unanswered)
        self.no_to_rest.setEnabled(missing > 0)
        if missing:
            self.progress.setText(ngettext(
                "{done} of {asked} answered: {count} question still needs a yes or a no.",
                "{done} of {asked} answered: {count} questions still need a yes or a no.",
                missing).format(done=asked - missing, asked=asked, count=missing))
            self.setButtonText(QWizard.WizardButton.NextButton, ngettext(
                "{count} unanswered", "{count} unanswered", missing).format(count=missing))
            why = self._unanswered_text()
        else:
            self.progress.setText(_("All {asked} questions answered.").format(asked=asked))
            self.setButtonText(QWizard.WizardButton.NextButton, _("&Next"))
            why = ""
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            button = wizard.button(QWizard.WizardButton.NextButton)
            button.setToolTip(why)
            button.setAccessibleDescription(why)

    def cleanupPage(self) -> None:  # noqa: N802 - going back: the next page's button is its own
        self._clear_next_hint()
        super().cleanupPage()

    def validatePage(self) -> bool:  # noqa: N802
        accepted = super().validatePage()
        if accepted:
            self._clear_next_hint()
        return accepted

    def _clear_next_hint(self) -> None:
        wizard = self.wizard()
        if wizard is not None:
            button = wizard.button(QWizard.WizardButton.NextButton)
            button.setToolTip("")
            button.setAccessibleDescription("")

    def _show_under_age(self, minor: bool) -> None:
        if self.under_18 is None or self.under_18_no is None:
            return
        self.under_18.setChecked(minor)
        self.under_18_no.setChecked(not minor)
        label = self.labels[self.kb.under_age_history]
        born = self.state.patient.get("date_of_birth")
        if minor and born:
            age = age_on(parse_date(born, "date_of_birth"), self.state.date)
            label.setText(_("Under {minimum} years old (from the date of birth: {age} "
                            "years)").format(minimum=self.kb.minimum_age, age=age))
        else:
            label.setText(local(self.kb.history[self.kb.under_age_history].label))

