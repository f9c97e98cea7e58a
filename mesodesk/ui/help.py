"""The Help menu: F1's short guide to the app and its keyboard shortcuts, About, the log folder."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mesodesk import __version__
from mesodesk.i18n import _
from mesodesk.paths import user_log_dir
from mesodesk.ui.icons import icon
from mesodesk.ui.widgets import N_

SHORTCUTS = [
    ("Ctrl+N", N_("New consultation for the selected patient")),
    ("Ctrl+Shift+N", N_("New patient")),
    ("Ctrl+E", N_("Edit the selected patient")),
    ("Ctrl+F", N_("Find a patient")),
    ("Ctrl+R", N_("Resume the unfinished consultation")),
    ("Ctrl+O", N_("Import a consultation document")),
    ("Ctrl+Shift+E", N_("Export the selected consultation")),
    ("Ctrl+P", N_("Print the selected consultation's plan")),
    ("Ctrl+,", N_("Settings")),
    ("F1", N_("This help")),
    ("Alt+N / Alt+B", N_("Next / back in the consultation")),
    ("Space", N_("Tick or untick the highlighted item")),
]

GUIDE = [
    (N_("Find or register the patient"),
     N_("Type part of a name, a date of birth (1988-04-12) or a phone number in the search box; "
     "accents and case do not matter. New patient registers someone new.")),
    (N_("Run the consultation"),
     N_("New consultation walks through the concerns, the medical history, the ingredients, "
     "lifestyle and the course. Each page change saves a draft: closing the window keeps it, "
     "and mesodesk offers it again at the next start.")),
    (N_("Contraindications"),
     N_("The ingredients page shows each substance's status. A contraindicated substance can be "
     "chosen only with a written reason, which is printed on the consent. When the history rules "
     "out all mesotherapy, save the consultation as not treated.")),
    (N_("Sign and print"),
     N_("On the review page the patient and the practitioner sign. Finishing stores the consultation "
     "and the signed consent PDF, which cannot be changed afterwards; a correction makes a new "
     "version. Double-click a consultation to open its PDF, print it or save it.")),
]


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("mesodesk help"))
        self.resize(640, 600)
        browser = QTextBrowser()
        browser.setOpenExternalLinks(False)
        parts = ["<h2>" + escape(_("Using mesodesk")) + "</h2>"]
        for title, text in GUIDE:
            parts.append(f"<h3>{escape(_(title))}</h3><p>{escape(_(text))}</p>")
        parts.append("<h3>" + escape(_("Keyboard shortcuts")) + "</h3><table cellpadding='3'>")
        for keys, text in SHORTCUTS:
            parts.append(f"<tr><td><b>{escape(keys)}</b></td><td>{escape(_(text))}</td></tr>")
        parts.append("</table>")
        parts.append("<h3>" + escape(_("When something goes wrong")) + "</h3><p>" + escape(
            _("mesodesk writes a log to {folder}. Send it with a description of what you did.")
            .format(folder=user_log_dir())) + "</p>")
        browser.setHtml("".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)


def show_about(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(_("About mesodesk"))
    box.setIconPixmap(icon("mesodesk").pixmap(QSize(64, 64)))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(_("mesodesk {version}\nAn offline consultation assistant for mesotherapy "
                  "practitioners.\nLicensed under the GNU GPL, version 3 or later.").format(
        version=__version__))
    box.open()
    return box


def open_log_folder() -> None:
    folder = user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
