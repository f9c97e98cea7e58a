"""Adding photographs: the files chosen (a file dialog, or dropped on the patient or on a
session of the course) and the dialog that tags them with the area, the view, the session
or "before", and the date taken.

The dialog only collects the choice; ``mesodesk.ui.photo_actions`` adds the photographs
through the services (``services.photos.add_photo``), which refuse them without photo
consent, strip their metadata and re-encode them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.ui import colours
from mesodesk.ui.labels import PHOTO_VIEWS
from mesodesk.ui.widgets import DateField, hint_label, plain_label

# What the services read (HEIC only where a Pillow plugin is present: they say so if not).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".heif")


def image_paths(mime: QMimeData | None) -> list[str]:
    """The local image files a drag carries (other files and web links left out)."""
    if mime is None or not mime.hasUrls():
        return []
    paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if Path(path).suffix.lower() in IMAGE_SUFFIXES]


def choose_image_files(parent: QWidget | None) -> list[str]:
    """Ask for image files (JPEG, PNG, HEIC)."""
    # Both cases: a desktop's own file dialog may match patterns case by case (IMG_1234.JPG).
    patterns = " ".join(f"*{suffix} *{suffix.upper()}" for suffix in IMAGE_SUFFIXES)
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, _("Add photographs"), "",
        _("Photographs ({patterns})").format(patterns=patterns))
    return paths


@dataclass(frozen=True)
class PhotoChoice:
    """How the photographs are tagged. ``session_id`` None: before the course;
    ``taken_on`` None: the date the camera recorded, else today."""

    area: str
    view: str
    session_id: int | None
    taken_on: dt.date | None


class PhotoImportDialog(QDialog):
    """The files to add and their tags. ``areas`` and ``sessions`` are (id, label) pairs
    in the order shown; ``session_id`` pre-selects a session (a drop on it)."""

    addRequested = Signal(object)  # a PhotoChoice, for the files in ``paths``

    def __init__(self, paths: list[str], areas: list[tuple[str, str]],
                 sessions: list[tuple[int, str]], *, session_id: int | None = None,
                 area: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Add photographs"))
        self.paths = list(paths)
        layout = QVBoxLayout(self)
        self.files = QListWidget()
        self.files.setAccessibleName(_("Files to add"))
        self.files.setMaximumHeight(120)
        layout.addWidget(plain_label(_("Files to add:")))
        layout.addWidget(self.files)
        form = QFormLayout()
        self.area = QComboBox()
        self.area.setAccessibleName(_("Area"))
        for area_id, label in areas:
            self.area.addItem(label, area_id)
        if area is not None and self.area.findData(area) >= 0:
            self.area.setCurrentIndex(self.area.findData(area))
        self.view = QComboBox()
        self.view.setAccessibleName(_("View"))
        for view_id, label in PHOTO_VIEWS.items():
            self.view.addItem(_(label), view_id)
        self.session = QComboBox()
        self.session.setAccessibleName(_("Session"))
        self.session.addItem(_("Before the course"), None)
        for known, label in sessions:
            self.session.addItem(label, known)
        if session_id is not None and self.session.findData(session_id) >= 0:
            self.session.setCurrentIndex(self.session.findData(session_id))
        self.taken = DateField()
        self.taken.set_name(_("Date taken"))
        form.addRow(_("Area:"), self.area)
        form.addRow(_("View:"), self.view)
        form.addRow(_("Session:"), self.session)
        form.addRow(_("Date taken:"), self.taken)
        layout.addLayout(form)
        layout.addWidget(hint_label(_("Leave the date empty to use the date the camera "
                                      "recorded (or today). Location and every other detail "
                                      "stored in the file are removed.")))
        self.message = plain_label()
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton(_("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setAccessibleName(_("Add the photographs"))
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_files()
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    def _show_files(self) -> None:
        self.files.clear()
        for path in self.paths:
            self.files.addItem(Path(path).name)
        self.add_button.setEnabled(bool(self.paths) and self.area.count() > 0)

    def choice(self) -> PhotoChoice:
        """The tags chosen; ValueError naming the field when the date is not one."""
        taken: dt.date | None = None
        if self.taken.text().strip():
            try:
                taken = self.taken.date()
            except ValueError as error:
                raise ValueError(_("Date taken: {reason}").format(reason=error)) from None
        return PhotoChoice(area=self.area.currentData(), view=self.view.currentData(),
                           session_id=self.session.currentData(), taken_on=taken)

    def _add(self) -> None:
        try:
            choice = self.choice()
        except ValueError as error:
            self.show_problem(str(error))
            return
        self.add_button.setEnabled(False)
        self.show_message(_("Adding…"))
        self.addRequested.emit(choice)

    # -- what the services answered ---------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.message.show()

    def show_problem(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {colours.css('error', self.palette())}")
        self.message.setText(text)
        self.message.show()
        self.add_button.setEnabled(bool(self.paths))

    def show_outcome(self, added: list[str], failures: list[tuple[str, str]]) -> None:
        """Some files were added, others refused: the refused stay listed with the reason."""
        self.paths = [path for path in self.paths if path not in added]
        self._show_files()
        lines = [ngettext("{count} photograph added.", "{count} photographs added.",
                          len(added)).format(count=len(added))] if added else []
        lines += [_("{file}: {reason}").format(file=Path(path).name, reason=reason)
                  for path, reason in failures]
        self.show_problem("\n".join(lines))
