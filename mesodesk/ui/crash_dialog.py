"""The dialog that shows an uncaught error, with "Copy details" (see crash.py).

Kept apart from the crash handler so that the start-up path, which installs the handler,
does not pay for the dialog's widgets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _


class CrashDialog(QDialog):
    """The message, a "Copy details" button, where the log is, and Continue / Quit."""

    def __init__(self, summary: str, details: str, log_path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("mesodesk: unexpected error"))
        self.setMinimumWidth(560)
        self.details = details
        layout = QVBoxLayout(self)
        intro = QLabel(_("Something went wrong that mesodesk did not expect. Your records are "
                         "safe: saved consultations are unchanged, and an unfinished "
                         "consultation is kept as a draft."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        message = QLabel(summary)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message.setStyleSheet("font-weight: bold;")
        layout.addWidget(message)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMinimumHeight(180)
        layout.addWidget(self.text)
        where = QLabel(_("The details are also written to {path}.").format(path=log_path))
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        row = QHBoxLayout()
        self.copy_button = QPushButton(_("Copy details"))
        self.copy_button.clicked.connect(self.copy_details)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        buttons = QDialogButtonBox()
        self.quit_button = buttons.addButton(_("Quit mesodesk"), QDialogButtonBox.ButtonRole.RejectRole)
        self.continue_button = buttons.addButton(_("Continue"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Copied"))
