"""Asking for a passphrase: the one of an encrypted database, or a new one with a hint of
how hard it is to guess (zxcvbn, imported when the dialog opens, not at start-up).

A new passphrase is asked for where no key store can keep a key (the database's key is then
the passphrase: typed at each start, never written anywhere), and when the practitioner
chooses one in the settings. It is compared with its confirmation and must be 8
characters or more; the strength hint advises, it does not refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.widgets import N_, FieldError, hint_label, plain_label, show_field_error

MINIMUM_LENGTH = 8
_ZXCVBN_LIMIT = 72  # zxcvbn refuses longer input; the first 72 characters say enough
_HINTS = {
    0: N_("Very weak: guessed in moments. Use four or more words that do not belong together."),
    1: N_("Weak: easy to guess. Add more words, not just digits or symbols."),
    2: N_("Fair: add another word or two to make it strong."),
    3: N_("Good: hard to guess."),
    4: N_("Strong: very hard to guess."),
}


def strength_score(passphrase: str) -> int:
    """0 (guessed at once) to 4 (very hard to guess)."""
    from zxcvbn import zxcvbn

    return int(zxcvbn(passphrase[:_ZXCVBN_LIMIT])["score"])


def strength_hint(passphrase: str) -> str:
    if not passphrase:
        return _("Choose a passphrase of several words you will remember.")
    if len(passphrase) < MINIMUM_LENGTH:
        return _("Too short: at least {n} characters.").format(n=MINIMUM_LENGTH)
    return _(_HINTS[strength_score(passphrase)])


class NewPassphraseDialog(QDialog):
    """A new passphrase, typed twice; ``passphrase`` holds it once accepted."""

    def __init__(self, explanation: str, parent: QWidget | None = None,
                 title: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or _("Choose a passphrase"))
        self.setMinimumWidth(480)
        self.passphrase = ""
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(_("New passphrase"))
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(_("The passphrase again"))
        self.hint = hint_label(strength_hint(""))
        self.error = plain_label()
        self.error.hide()
        form = QFormLayout()
        form.addRow(_("&Passphrase:"), self.first)
        form.addRow(_("&Again:"), self.second)
        form.addRow("", self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(explanation))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(lambda _text: show_field_error(None, self._fields(),
                                                                       self.error))

    def _fields(self) -> tuple[QWidget, ...]:
        return (self.first, self.second)

    @Slot(str)
    def _changed(self, text: str) -> None:
        self.hint.setText(strength_hint(text))
        show_field_error(None, self._fields(), self.error)

    def accept(self) -> None:
        first, second = self.first.text(), self.second.text()
        if len(first) < MINIMUM_LENGTH:
            problem = FieldError(_("Passphrase"), _("must be at least {n} characters").format(
                n=MINIMUM_LENGTH), self.first)
        elif first != second:
            problem = FieldError(_("Again"), _("is not the same passphrase"), self.second)
        else:
            self.passphrase = first
            super().accept()
            return
        show_field_error(problem, self._fields(), self.error)


NO_KEY_STORE = N_("This computer has no key store (such as the Keychain, the Credential Locker "
                "or the Secret Service) to keep the key of the new encrypted database. Choose "
                "a passphrase instead: mesodesk asks for it at each start and never writes it "
                "down. Without it nobody can read the records, so keep it somewhere safe.")


def ask_new_passphrase(parent: QWidget, then: Callable[[str], None],
                       explanation: str = NO_KEY_STORE) -> NewPassphraseDialog:
    """Open the dialog (window-modal); ``then(passphrase)`` runs once it is accepted."""
    dialog = NewPassphraseDialog(_(explanation), parent)
    dialog.accepted.connect(lambda: then(dialog.passphrase))
    dialog.open()
    return dialog


def ask_passphrase(parent: QWidget, then: Callable[[str], None]) -> None:
    """The passphrase of an encrypted database; ``then(passphrase)`` if one was typed."""
    text, ok = QInputDialog.getText(parent, _("Encrypted database"),
                                    _("Passphrase for this database:"),
                                    QLineEdit.EchoMode.Password)
    if ok and text:
        then(text)


def offer_passphrase(window: Any, banner: Any, error: BaseException) -> None:
    """The way out the window's banner offers when opening failed for want of a passphrase:
    a new encrypted database with no key store to keep its key (asked for at once), or an
    encrypted database whose key is not known here. Nothing for other failures."""
    cause = getattr(error, "cause", None) or error
    name = type(cause).__name__
    if name == "NoKeyStore":
        banner.set_text(_("This computer has no key store to keep the key of the new "
                          "encrypted database: choose a passphrase."))

        def ask() -> None:
            window.passphrase_dialog = ask_new_passphrase(window, window.open_with_passphrase)

        banner.add_button(_("Choose a passphrase…")).clicked.connect(ask)
        ask()
    elif name == "WrongPassphrase" or "passphrase" in str(error).lower():
        banner.add_button(_("Enter passphrase…")).clicked.connect(
            lambda: ask_passphrase(window, window.open_with_passphrase))
