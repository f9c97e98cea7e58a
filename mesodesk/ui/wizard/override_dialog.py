"""Choosing a contraindicated substance anyway: only with a written reason for each cause.

A substance contraindicated by a history item is stored with one override per
contraindicating item: ``{"substance", "history", "reason"}``. A substance whose choice
always needs a recorded reason (levothyroxine) gets an override with ``history`` null.
The reasons are printed on the consent summary.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.screening import SubstanceResult
from mesodesk.i18n import _
from mesodesk.ui.labels import local
from mesodesk.ui.icons import status_icon
from mesodesk.ui.widgets import Banner, hint_label, plain_label

MAX_REASON = 2000


class OverrideDialog(QDialog):
    """One reason box per cause; OK stays disabled until every box has a reason."""

    def __init__(self, substance: SubstanceResult, kb: KnowledgeBase,
                 existing: list[dict[str, Any]] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.substance = substance
        self.setWindowTitle(_("Choose {name} anyway?").format(name=local(substance.name)))
        self.setMinimumWidth(560)
        existing_by_history = {o.get("history"): o.get("reason", "") for o in existing or []}
        layout = QVBoxLayout(self)
        # The domain says which reasons are needed: one per contraindication an override can
        # lift (a history item may give several rules: one box, every rule's text), and one
        # more when the substance always needs a recorded reason.
        lifted: dict[str, list[str]] = {}
        for reason in substance.overridable:
            lifted.setdefault(reason.history, []).append(local(reason.text))
        kind = "blocked" if lifted else "caution"
        if lifted:
            intro = _("{name} is contraindicated for this patient. It can be chosen only with "
                      "a written reason for each contraindication. The reasons are recorded and "
                      "printed on the consent summary.").format(name=local(substance.name))
        else:
            intro = _("{name} needs a recorded reason before it can be chosen.").format(
                name=local(substance.name))
        banner = Banner(kind, intro)
        layout.addWidget(banner)
        # (history id or None, reason box)
        self.boxes: list[tuple[str | None, QPlainTextEdit]] = []
        holder = QWidget()
        rows = QVBoxLayout(holder)
        rows.setContentsMargins(0, 0, 0, 0)
        for history, texts in lifted.items():
            label = local(kb.history[history].label) if history in kb.history else history
            rows.addWidget(self._cause_label(_("Contraindicated: {label}").format(label=label)))
            rows.addWidget(plain_label("\n".join(texts)))
            self._add_box(rows, history, existing_by_history.get(history, ""))
        if substance.requires_reason:
            rows.addWidget(self._cause_label(_("Reason for choosing {name}").format(
                name=local(substance.name))))
            info = kb.substances.get(substance.id)
            if info is not None and info.reason_prompt:
                rows.addWidget(plain_label(info.reason_prompt))
            self._add_box(rows, None, existing_by_history.get(None, ""))
        layout.addWidget(holder)
        layout.addStretch(1)
        self.missing = hint_label()
        layout.addWidget(self.missing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Choose with this reason"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._check()
        if self.boxes:
            self.boxes[0][1].setFocus()

    @staticmethod
    def _cause_label(text: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 8, 0, 0)
        icon_label = QLabel()
        icon_label.setPixmap(status_icon("contraindicated").pixmap(16, 16))
        layout.addWidget(icon_label)
        label = plain_label(text)
        label.setStyleSheet("font-weight: bold;")
        layout.addWidget(label, 1)
        return row

    def _add_box(self, rows: QVBoxLayout, history: str | None, text: str) -> None:
        box = QPlainTextEdit(text)
        box.setPlaceholderText(_("Why is it used anyway? (for example: cleared by the patient's "
                                 "cardiologist on 2026-11-02)"))
        box.setTabChangesFocus(True)
        box.setFixedHeight(64)
        box.textChanged.connect(self._check)
        rows.addWidget(box)
        self.boxes.append((history, box))

    def _problem(self) -> str:
        for _history, box in self.boxes:
            text = box.toPlainText()
            if not text.strip():
                return _("Write a reason in every box to choose the substance.")
            if len(text) > MAX_REASON:
                return _("A reason is {count} characters long; at most {limit} fit.").format(
                    count=len(text), limit=MAX_REASON)
        return ""

    @Slot()
    def _check(self) -> None:
        problem = self._problem()
        self.ok_button.setEnabled(not problem)
        self.missing.setText(problem)

    def overrides(self) -> list[dict[str, Any]]:
        return [{"substance": self.substance.id, "history": history,
                 "reason": box.toPlainText().strip()} for history, box in self.boxes]

    def accept(self) -> None:
        if self._problem():
            return
        super().accept()

