"""Settings: the clinic's details (kept in the database), where the database lives, and the
app's language.

A new language takes effect at the next start, and the dialog says so: switching live would
have to rebuild every open window, and an open consultation must keep what was typed into it
(it does: nothing of the open windows changes when the setting is saved)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import LANGUAGES, _, current_language, preferred_language
from mesodesk.ui import colours
from mesodesk.ui.config import save_interface_language
from mesodesk.ui.widgets import N_, FieldError, hint_label, plain_label, show_field_error

if TYPE_CHECKING:
    from mesodesk.domain.records import ClinicSettings

MAX_SHORT = 200
MAX_ADDRESS = 1000
LOGO_MAX_PIXELS = 800
LOGO_MAX_BYTES = 1024 * 1024

PAPERS = [("a4", N_("A4")), ("letter", N_("US Letter"))]
# Each language by its own name, so that anyone finds theirs whatever the app speaks now.
LANGUAGE_NAMES = {"en": "English", "el": "Ελληνικά"}


def logo_png_from_file(path: str) -> bytes:
    """Any image Qt can read, scaled to at most 800 px, as PNG bytes; ValueError if unreadable."""
    image = QImage(path)
    if image.isNull():
        raise ValueError(_("the file is not an image mesodesk can read (use PNG or JPEG)"))
    if max(image.width(), image.height()) > LOGO_MAX_PIXELS:
        image = image.scaled(LOGO_MAX_PIXELS, LOGO_MAX_PIXELS, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    png = bytes(data)
    if len(png) > LOGO_MAX_BYTES:
        raise ValueError(_("the image is larger than 1 MB even when scaled down"))
    return png


class SettingsDialog(QDialog):
    """On accept, ``settings`` holds the new clinic settings and ``database_location`` the
    location to use from the next start (None: the default, unchanged: the same string)."""

    def __init__(self, settings: ClinicSettings, database_description: str,
                 database_location: str | None, parent: QWidget | None = None,
                 encryption: str = ""):
        """``encryption``: "plain", "key store" or "passphrase" for the open SQLite file
        (its buttons then offer to encrypt it or change its key), "" for none."""
        super().__init__(parent)
        self.encryption_request: str | None = None  # "encrypt" or "rekey", after saving
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(560)
        self.original = settings
        self.settings: ClinicSettings | None = None
        self.database_location = database_location
        self._initial_location = database_location
        self._logo = settings.logo_png

        clinic = QGroupBox(_("Clinic (printed on every plan and consent)"))
        form = QFormLayout(clinic)
        self.name = QLineEdit(settings.name)
        self.address = QPlainTextEdit(settings.address)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(70)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(160, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px solid palette(mid); background: white;")
        choose_logo = QPushButton(_("Choose…"))
        choose_logo.clicked.connect(self.choose_logo)
        self.remove_logo = QPushButton(_("Remove"))
        self.remove_logo.clicked.connect(lambda: self.set_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose_logo)
        logo_row.addWidget(self.remove_logo)
        logo_row.addStretch(1)
        form.addRow(_("Clinic &name:"), self.name)
        form.addRow(_("&Address:"), self.address)
        form.addRow(_("Logo:"), logo_row)

        practitioner = QGroupBox(_("Practitioner"))
        form2 = QFormLayout(practitioner)
        self.practitioner = QLineEdit(settings.practitioner_name)
        self.registration = QLineEdit(settings.practitioner_registration)
        form2.addRow(_("&Practitioner name:"), self.practitioner)
        form2.addRow(_("&Registration number:"), self.registration)

        output = QGroupBox(_("Printing"))
        form3 = QFormLayout(output)
        self.paper = QComboBox()
        for value, text in PAPERS:
            self.paper.addItem(_(text), value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.default_paper)))
        form3.addRow(_("Default &paper size:"), self.paper)

        database = QGroupBox(_("Database"))
        box = QVBoxLayout(database)
        self.database_now = plain_label(_("Open now: {description}").format(
            description=database_description), selectable=True)
        self.database_next = plain_label()
        row = QHBoxLayout()
        change = QPushButton(_("Use another database file…"))
        change.clicked.connect(self.choose_database)
        default = QPushButton(_("Use the default location"))
        default.clicked.connect(lambda: self._set_location(None))
        row.addWidget(change)
        row.addWidget(default)
        row.addStretch(1)
        box.addWidget(self.database_now)
        box.addWidget(self.database_next)
        box.addLayout(row)
        if encryption:
            box.addLayout(self._encryption_row(encryption))
        box.addWidget(hint_label(_("A change of database takes effect the next time mesodesk "
                                   "starts.")))

        language = self._language_box()
        records = self._records_box(settings)

        self.error = plain_label()
        self.error.setStyleSheet(f"color: {colours.css('error', self.palette())};")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (clinic, practitioner, output, records, language, database, self.error,
                       buttons):
            layout.addWidget(widget)
        self.set_logo(settings.logo_png)
        self._set_location(database_location)
        for edit in (self.name, self.practitioner, self.registration):
            edit.textChanged.connect(lambda _text: self.show_error(None))
        self.address.textChanged.connect(lambda: self.show_error(None))

    def _language_box(self) -> QGroupBox:
        box = QGroupBox(_("Language"))
        form = QFormLayout(box)
        self.language_choice = QComboBox()
        for code in LANGUAGES:
            self.language_choice.addItem(LANGUAGE_NAMES[code], code)
        self.language_choice.setCurrentIndex(
            max(0, self.language_choice.findData(preferred_language())))
        form.addRow(_("Language of the &app:"), self.language_choice)
        self.language_note = hint_label(_("The new language is used the next time mesodesk "
                                          "starts; an open consultation keeps what you typed."))
        self.language_choice.currentIndexChanged.connect(
            lambda _index: self.language_note.setVisible(self.language != current_language()))
        self.language_note.setVisible(self.language != current_language())
        form.addRow(self.language_note)
        return box

    def _records_box(self, settings: ClinicSettings) -> QGroupBox:
        """How long clinical records are kept; until the clinic confirms the period, a
        note says the default is not confirmed."""
        from mesodesk.domain.records import DEFAULT_RETENTION_YEARS, MAX_RETENTION_YEARS

        box = QGroupBox(_("Keeping records"))
        form = QFormLayout(box)
        self.retention = QSpinBox()
        self.retention.setRange(1, MAX_RETENTION_YEARS)
        self.retention.setValue(settings.retention_years)
        self.retention.setSuffix(_(" years"))
        self.retention.setToolTip(_("Counted from a patient's last consultation, session or "
                                    "photograph; until then the patient's record cannot be "
                                    "erased."))
        self.retention_confirmed = QCheckBox(_("&confirmed by the clinic"))
        self.retention_confirmed.setChecked(settings.retention_confirmed)
        row = QHBoxLayout()
        row.addWidget(self.retention)
        row.addWidget(self.retention_confirmed)
        row.addStretch(1)
        label = QLabel(_("&Keep clinical records for:"))
        label.setBuddy(self.retention)
        form.addRow(label, row)
        self.retention_note = plain_label(_(
            "Not confirmed: {years} years after the last record is mesodesk's default, not a "
            "legal answer. Set the period the law requires of your clinic.").format(
            years=DEFAULT_RETENTION_YEARS))
        self.retention_note.setStyleSheet(f"color: {colours.css('error', self.palette())};")
        self.retention_note.setVisible(not settings.retention_confirmed)
        self.retention_confirmed.toggled.connect(
            lambda checked: self.retention_note.setVisible(not checked))
        form.addRow(self.retention_note)
        return box

    @property
    def language(self) -> str:
        return str(self.language_choice.currentData())

    def _encryption_row(self, encryption: str) -> QHBoxLayout:
        states = {"plain": _("Not encrypted: anyone with the file can read the records."),
                  "key store": _("Encrypted; the key is kept in this computer's key store."),
                  "passphrase": _("Encrypted with a passphrase.")}
        self.encryption_state = plain_label(states.get(encryption, ""))
        if encryption == "plain":
            self.encryption_button = QPushButton(_("Save and encrypt…"))
            request = "encrypt"
        else:
            self.encryption_button = QPushButton(_("Save and change the key…"))
            request = "rekey"
        self.encryption_button.clicked.connect(lambda: self._request(request))
        row = QHBoxLayout()
        row.addWidget(self.encryption_state, 1)
        row.addWidget(self.encryption_button)
        return row

    def _request(self, request: str) -> None:
        """Save what was typed, then (once the dialog is closed) encrypt or re-key."""
        self.encryption_request = request
        self.accept()
        if self.result() != QDialog.DialogCode.Accepted:
            self.encryption_request = None  # a field is wrong: nothing happens yet

    # -- logo and database ------------------------------------------------------------------
    def set_logo(self, png: bytes | None) -> None:
        self._logo = png
        self.remove_logo.setEnabled(png is not None)
        if png:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")  # named: a guess fails under a Qt translator
            self.logo_preview.setPixmap(pixmap.scaled(
                self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("No logo"))

    def load_logo(self, path: str) -> bool:
        try:
            self.set_logo(logo_png_from_file(path))
        except ValueError as error:
            self.show_error(FieldError(_("Logo"), str(error)))
            return False
        self.show_error(None)
        return True

    @Slot()
    def choose_logo(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self, _("Choose the clinic logo"), "",
                                                      _("Images (*.png *.jpg *.jpeg *.svg *.bmp)"))
        if path:
            self.load_logo(path)

    @Slot()
    def choose_database(self) -> None:
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Database file"), self.database_location or "", _("mesodesk database (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self._set_location(path)

    def _set_location(self, location: str | None) -> None:
        self.database_location = location
        if location == self._initial_location:
            self.database_next.setText("")
            self.database_next.hide()
            return
        self.database_next.setText(_("From the next start: {location}").format(
            location=location or _("the default location")))
        self.database_next.show()

    # -- validation ---------------------------------------------------------------------------
    def show_error(self, error: FieldError | None) -> None:
        show_field_error(error, (self.name, self.address, self.practitioner, self.registration), self.error)

    def values(self) -> ClinicSettings:
        fields = [(_("Clinic name"), self.name, self.name.text(), MAX_SHORT),
                  (_("Address"), self.address, self.address.toPlainText(), MAX_ADDRESS),
                  (_("Practitioner name"), self.practitioner, self.practitioner.text(), MAX_SHORT),
                  (_("Registration number"), self.registration, self.registration.text(), MAX_SHORT)]
        for label, widget, text, limit in fields:
            if len(text.strip()) > limit:
                raise FieldError(label, _("is longer than {limit} characters").format(limit=limit),
                                 widget)
        return dataclasses.replace(
            self.original, name=self.name.text().strip(), address=self.address.toPlainText().strip(),
            logo_png=self._logo, practitioner_name=self.practitioner.text().strip(),
            practitioner_registration=self.registration.text().strip(),
            default_paper=self.paper.currentData(), retention_years=self.retention.value(),
            retention_confirmed=self.retention_confirmed.isChecked())

    def accept(self) -> None:
        try:
            self.settings = self.values()
        except FieldError as error:
            self.show_error(error)
            return
        save_interface_language(self.language)  # this computer's, from the next start
        super().accept()
