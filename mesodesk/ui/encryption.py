"""Encrypting the open database, or changing its key, from the settings dialog.

The work is the services' (``records.encrypt``, ``records.rekey``: verified, audited). The
window closes its database first (both need the file alone), runs the workflow in the
database thread, and opens the database again with its new key, whatever the outcome: a
failed workflow changed nothing, so the old key still opens it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from mesodesk.i18n import _
from mesodesk.ui.passphrase import ask_new_passphrase

CHOOSE_PASSPHRASE = ("Choose the passphrase that will open the database. mesodesk asks for it "
                     "at each start and never writes it down; without it nobody can read the "
                     "records, so keep it somewhere safe.")


class EncryptionWorkflow(QObject):
    """``done`` carries the message shown once the database is open again."""

    done = Signal(str)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.choice_box: QMessageBox | None = None
        self.passphrase_dialog = None

    def state(self) -> str:
        """"plain", "key store" or "passphrase" for an open SQLite file; "" otherwise (a
        server, the demo, nothing open)."""
        session = self.window.session
        if session is None or session.demo_dir is not None:
            return ""
        location = getattr(session.db, "location", None)
        if location is None or location.kind != "sqlite":
            return ""
        return location.key_source if location.encrypted else "plain"

    def start(self, request: str | None) -> None:
        """Ask where the new key goes (the key store or a passphrase), then run ``request``
        ("encrypt" or "rekey"; None: nothing)."""
        if request not in ("encrypt", "rekey"):
            return
        from mesodesk.store import keystore

        if not keystore.available():
            self._ask_passphrase(request)
            return
        box = self.choice_box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Encrypt the database") if request == "encrypt"
                           else _("Change the database key"))
        box.setText(_("Where should the key that opens the database be kept?"))
        box.setInformativeText(_("In this computer's key store, mesodesk opens the database "
                                 "without asking. With a passphrase, it asks at each start."))
        key_store = box.addButton(_("In the key store"), QMessageBox.ButtonRole.AcceptRole)
        passphrase = box.addButton(_("A passphrase…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)

        def chosen() -> None:
            if box.clickedButton() is key_store:
                self.run(request, None)
            elif box.clickedButton() is passphrase:
                self._ask_passphrase(request)

        box.finished.connect(chosen)
        box.open()

    def _ask_passphrase(self, request: str) -> None:
        self.passphrase_dialog = ask_new_passphrase(
            self.window, lambda text: self.run(request, text), _(CHOOSE_PASSPHRASE))

    def run(self, request: str, passphrase: str | None) -> None:
        """Close the database, encrypt or re-key it (``passphrase`` None: a key kept in the
        key store), and open it again."""
        from mesodesk.services import records

        window = self.window
        session = window.session
        if session is None:
            return
        location, actor = session.db.location, session.actor
        window.session = None  # nothing may use the database while its key changes
        window.is_ready = False
        window.main_actions.set_session_open(False)
        window.statusBar().showMessage(_("Encrypting the database…") if request == "encrypt"
                                       else _("Changing the database key…"))

        def work() -> Any:
            session.db.close()
            if request == "encrypt":
                return records.encrypt(location.path, passphrase, actor=actor)
            return records.rekey(location.path, location.passphrase, passphrase, actor=actor)

        def succeeded(change: Any) -> None:
            where = (_("its key is kept in this computer's key store")
                     if change.location.key_in_key_store else _("it opens with your passphrase"))
            message = (_("The database is encrypted; {where}. Backups made before are not "
                         "encrypted: make a new backup.") if request == "encrypt" else
                       _("The database key was changed; {where}. Backups made before keep the "
                         "old key: make a new backup.")).format(where=where)
            self._reopen(passphrase, message)

        def failed(error: BaseException) -> None:
            self._reopen(location.passphrase if location.key_source == "passphrase" else None,
                         _("The database was not changed: {reason}").format(reason=error))

        window.db_runner.submit(work, on_done=succeeded, on_error=failed)

    def _reopen(self, passphrase: str | None, message: str) -> None:
        window = self.window
        window.options.passphrase = passphrase  # None: the key store's key
        window._completing = False  # the knowledge base and settings are loaded again
        window.sessionOpened.connect(self._opened)
        self._message = message
        window._retry_open()

    def _opened(self) -> None:
        self.window.sessionOpened.disconnect(self._opened)
        self.window.statusBar().showMessage(self._message, 20000)
        self.done.emit(self._message)
