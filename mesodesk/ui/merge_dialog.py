"""Merging two records of one person: pick the record to keep, see both side by side,
and choose, field by field, which details the kept record has.

The dialog only reads (the candidates, their consultation counts, on the database
thread); the merge itself is ``mesodesk.services.patients.merge_patients``, run by the
window's "Merge into…" action with what the dialog chose.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.domain.records import NewPatient, PatientRecord
from mesodesk.i18n import _, ngettext
from mesodesk.services import patients
from mesodesk.ui.labels import SEX
from mesodesk.ui.widgets import heading, hint_label, plain_label

# The details chosen one by one (the notes can keep both).
FIELDS = (("name", "Name"), ("date_of_birth", "Born"), ("sex", "Sex"), ("phone", "Phone"),
          ("email", "Email"))


def _shown(field: str, value: Any) -> str:
    """A value as a button shows it: '&' doubled, or the button would take it for a
    keyboard shortcut ("<b>&" would show as "<b>")."""
    if value is None or value == "":
        return _("(none)")
    if field == "date_of_birth":
        return value.isoformat()
    if field == "sex":
        return _(SEX.get(value, str(value)))
    return str(value).replace("&", "&&")


class MergeDialog(QDialog):
    """Merge ``removed`` (the patient shown) into a record the practitioner picks.

    After ``accepted``: ``kept`` is the record picked and ``details`` the details it keeps.
    ``db`` is read on ``runner`` (the database thread)."""

    def __init__(self, removed: PatientRecord, db: Any, runner: Any,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.removed, self.db, self.runner = removed, db, runner
        self.kept: PatientRecord | None = None
        self.counts: dict[int, int] = {}
        self.setWindowTitle(_("Merge into another record"))
        self.setMinimumWidth(720)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, date of birth or phone"))
        self.search.setAccessibleName(_("Find the record to keep"))
        self.search.setClearButtonEnabled(True)
        self.candidates = QListWidget()
        self.candidates.setAccessibleName(_("Records to keep"))
        self.candidates.setMaximumHeight(130)
        self.moving = hint_label()
        self.grid = QGridLayout()
        self.choices: dict[str, QButtonGroup] = {}
        self.keep_notes: tuple[QCheckBox, QCheckBox] = (QCheckBox(), QCheckBox())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton(_("&Merge into the chosen record"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self._layout()
        self._typing = QTimer(self, singleShot=True, interval=250)
        self._typing.timeout.connect(self._look_up)
        self.search.textChanged.connect(self._typing.start)
        self.candidates.currentItemChanged.connect(self._picked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._count(removed.id)
        runner.submit(patients.find_duplicates, db, removed.name, removed.date_of_birth,
                      removed.id, on_done=self._show_candidates, on_error=self._failed)

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Merge {name} into another record").format(
            name=self.removed.name)))
        layout.addWidget(hint_label(_(
            "Two records of one person become one. This record's consultations move to the "
            "record you keep, unchanged (a signed consent keeps its PDF as signed); this "
            "record is then removed. The audit trail records the merge.")))
        find = QLabel(_("Find the record to &keep:"))
        find.setBuddy(self.search)
        layout.addWidget(find)
        layout.addWidget(self.search)
        layout.addWidget(self.candidates)
        layout.addWidget(self.moving)
        layout.addLayout(self.grid)
        layout.addWidget(self.buttons)
        self.grid.addWidget(heading(_("This record (removed)"), 0), 0, 1)
        self.grid.addWidget(heading(_("The record kept"), 0), 0, 2)
        for row, (field, label) in enumerate(FIELDS, start=1):
            group = QButtonGroup(self)
            self.choices[field] = group
            self.grid.addWidget(plain_label(_(label) + ":"), row, 0)
            for column in (1, 2):
                button = QRadioButton()
                button.setAccessibleName(_("{field}: from {which}").format(
                    field=_(label), which=_("this record") if column == 1
                    else _("the record kept")))
                group.addButton(button, column)
                self.grid.addWidget(button, row, column)
        notes_row = len(FIELDS) + 1
        self.grid.addWidget(plain_label(_("Notes:")), notes_row, 0, Qt.AlignmentFlag.AlignTop)
        for column, box in enumerate(self.keep_notes, start=1):
            box.setChecked(True)
            box.setAccessibleName(_("Keep the notes of {which}").format(
                which=_("this record") if column == 1 else _("the record kept")))
            self.grid.addWidget(box, notes_row, column, Qt.AlignmentFlag.AlignTop)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self._fill_column(1, self.removed)
        self._fill_column(2, None)

    def _fill_column(self, column: int, patient: PatientRecord | None) -> None:
        for field, _label in FIELDS:
            button = self.choices[field].button(column)
            button.setText(_shown(field, getattr(patient, field)) if patient else "—")
            button.setEnabled(patient is not None)
        box = self.keep_notes[column - 1]
        notes = patient.notes.strip() if patient is not None else ""
        box.setText(notes.replace("\n", " ")[:120].replace("&", "&&") or _("(none)"))
        box.setToolTip(notes)
        box.setEnabled(bool(notes))

    # -- the candidates --------------------------------------------------------------------
    @Slot()
    def _look_up(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.runner.submit(patients.find_duplicates, self.db, self.removed.name,
                               self.removed.date_of_birth, self.removed.id,
                               on_done=self._show_candidates, on_error=self._failed)
            return
        self.runner.submit(self.db.patients.search, text, limit=50,
                           on_done=self._show_candidates, on_error=self._failed)

    def _show_candidates(self, found: list[PatientRecord]) -> None:
        self.candidates.clear()
        for patient in found:
            if patient.id == self.removed.id:
                continue
            item = QListWidgetItem(f"{patient.name} — {patient.date_of_birth.isoformat()}"
                                   f"{' — ' + patient.phone if patient.phone else ''}")
            item.setData(Qt.ItemDataRole.UserRole, patient)
            self.candidates.addItem(item)
        if self.candidates.count() == 0:
            self.moving.setText(_("No other record found: search for the record to keep."))
        elif self.kept is None:
            self.candidates.setCurrentRow(0)

    def _picked(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        self.kept = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self._fill_column(2, self.kept)
        self.merge_button.setEnabled(self.kept is not None)
        if self.kept is None:
            return
        default = patients.merged_details(self.kept, self.removed)
        for field, _label in FIELDS:  # the richer value: the kept one unless it is empty
            from_kept = getattr(default, field) == getattr(self.kept, field)
            self.choices[field].button(2 if from_kept else 1).setChecked(True)
        self._count(self.kept.id)

    def _count(self, patient_id: int) -> None:
        def counted(count: int) -> None:
            self.counts[patient_id] = count
            self._say_what_moves()

        self.runner.submit(patients.consultation_count, self.db, patient_id,
                           on_done=counted, on_error=self._failed)

    def _say_what_moves(self) -> None:
        moving = self.counts.get(self.removed.id)
        if moving is None or self.kept is None:
            return
        self.moving.setText(ngettext(
            "{count} consultation moves to {name}, who has {kept} already.",
            "{count} consultations move to {name}, who has {kept} already.", moving).format(
            count=moving, name=self.kept.name, kept=self.counts.get(self.kept.id, "…")))

    def _failed(self, error: BaseException) -> None:
        self.moving.setText(_("The records could not be read: {reason}").format(reason=error))

    # -- what was chosen -------------------------------------------------------------------
    @property
    def details(self) -> NewPatient:
        """The kept record's details as chosen."""
        assert self.kept is not None
        sources = {1: self.removed, 2: self.kept}
        values = {field: getattr(sources[self.choices[field].checkedId()], field)
                  for field, _label in FIELDS}
        notes = [patient.notes.strip() for box, patient in zip(
            self.keep_notes, (self.removed, self.kept), strict=True)
            if box.isChecked() and patient.notes.strip()]
        if len(notes) == 2 and notes[0] == notes[1]:
            notes = notes[:1]
        return NewPatient(**values, notes="\n\n".join(reversed(notes)))
