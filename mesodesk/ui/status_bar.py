"""The main window's status bar: which database is open (and whether it is encrypted),
a busy indicator while work runs, and how many patients the list holds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from mesodesk.i18n import _
from mesodesk.ui.icons import icon
from mesodesk.ui.widgets import plain_label


class DatabaseStatus:
    """The status bar's permanent parts; messages still go to ``bar.showMessage``."""

    def __init__(self, bar: QStatusBar):
        self.db_icon = QLabel()
        self.db_icon.setFixedSize(18, 18)
        self.db_label = plain_label(_("Opening the database…"), wrap=False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedSize(90, 12)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.count_label = plain_label("", wrap=False)
        self.knowledge_label = plain_label(_("Bundled knowledge base: your additions have an "
                                             "error"), wrap=False)
        self.knowledge_label.setContentsMargins(0, 0, 12, 0)
        self.knowledge_label.hide()
        bar.addWidget(self.db_icon)
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.knowledge_label)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.count_label)

    def show_knowledge_problem(self, problem: str) -> str:
        """Say, for as long as it is so, that the bundled knowledge base is in use; the
        text for the window's banner, naming each file, entry and field that is wrong."""
        self.knowledge_label.setToolTip(problem)
        self.knowledge_label.show()
        return _("Your knowledge-base additions could not be loaded, so mesodesk runs on the "
                 "bundled knowledge base. Correct the file and start mesodesk again:\n"
                 "{problem}").format(problem=problem)

    def show_database(self, db: Any, demo: bool) -> None:
        """Name the open database, and say whether it is encrypted (never only by colour)."""
        encrypted = bool(getattr(db, "encrypted", False))
        self.db_icon.setPixmap(icon("lock" if encrypted else "lock-open").pixmap(QSize(16, 16)))
        state = _("encrypted") if encrypted else _("not encrypted")
        description = str(getattr(db, "description", ""))
        if demo:
            description = _("Demo database (temporary): {where}").format(where=description)
        self.db_label.setText(f"{description} · {state}" if state not in description
                              else description)
        location = getattr(db, "location", None)
        if not encrypted:
            tip = _("The database is not encrypted: anyone with the file can read the records. "
                    "Settings can encrypt it.")
        elif getattr(location, "key_in_key_store", False):
            tip = _("The database is encrypted; its key is kept in this computer's key store")
        else:
            tip = _("The database is encrypted with a passphrase")
        self.db_icon.setToolTip(tip)
        self.db_label.setToolTip(f"{self.db_label.text()}\n{tip}")
