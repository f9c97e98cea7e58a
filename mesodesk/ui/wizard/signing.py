"""Signing as a patient would: the whole consent text as it will print, in large type and
scrollable, then a large signature pad; or the patient's name typed instead, for anyone who
cannot draw a signature (reachable by keyboard alone).

The text is taken from the very PDF that will be signed (rendered in a worker, read back
with QtPdf), so what the patient reads is what prints.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Slot
from PySide6.QtGui import QFont
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.widgets import heading, hint_label
from mesodesk.ui.wizard.signature_pad import SignaturePad

READING_POINTS = 15  # large type for reading at arm's length
PAD_HEIGHT = 220


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF, page after page."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    try:
        return "\n\n".join(reflow(document.getAllText(page).text())
                           for page in range(document.pageCount()))
    finally:
        document.close()


def reflow(text: str) -> str:
    """Join the lines the PDF wrapped to fit its column (the next line goes on in lower
    case), so the large type wraps to the window instead."""
    lines: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if lines and line[:1].islower() and lines[-1]:
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines).strip()


class SigningDialog(QDialog):
    """The patient reads the consent and signs (drawn or typed); ``pad`` holds the result
    when the dialog is accepted."""

    def __init__(self, patient_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("The patient reads and signs"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Please read the whole consent before you sign"), 2))
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        font = QFont(self.text.font())
        font.setPointSize(READING_POINTS)
        self.text.setFont(font)
        self.text.setPlainText(_("Preparing the consent as it will print…"))
        self.text.setAccessibleName(_("The consent, as it will print"))
        layout.addWidget(self.text, 1)
        layout.addWidget(QLabel(_("The patient's signature:")))
        self.pad = SignaturePad()
        self.pad.setFixedHeight(PAD_HEIGHT)
        self.pad.setAccessibleName(_("Patient's signature pad"))
        layout.addWidget(self.pad)
        layout.addLayout(self._typed_row(patient_name))
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton(_("&Sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.clear_button = self.buttons.addButton(_("C&lear"), QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in self.buttons.buttons():  # Enter never signs by accident
            button.setAutoDefault(False)
            button.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.clear_button.clicked.connect(self.pad.clear)
        self.pad.changed.connect(self._update)
        layout.addWidget(self.buttons)
        self._update()
        self.resize(900, 760)

    def _typed_row(self, patient_name: str) -> QHBoxLayout:
        row = QHBoxLayout()
        self.name = QLineEdit(patient_name)
        self.name.setAccessibleName(_("Type your full name to sign with it"))
        label = QLabel(_("Or type your full &name:"))
        label.setBuddy(self.name)
        self.typed_button = QPushButton(_("Sign with this name"))
        self.typed_button.clicked.connect(self.sign_with_name)
        self.name.textChanged.connect(self._update)
        row.addWidget(label)
        row.addWidget(self.name, 1)
        row.addWidget(self.typed_button)
        row.addWidget(hint_label(_("(if drawing is hard)")))
        return row

    def set_consent_text(self, text: str) -> None:
        self.text.setPlainText(text)

    @Slot()
    def sign_with_name(self) -> None:
        if self.name.text().strip():
            self.pad.set_typed(self.name.text())

    @Slot()
    def _update(self) -> None:
        self.sign_button.setEnabled(not self.pad.is_empty())
        self.clear_button.setEnabled(not self.pad.is_empty())
        self.typed_button.setEnabled(bool(self.name.text().strip()))
