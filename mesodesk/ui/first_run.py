"""The first run: no database yet, so set up the clinic (or try the demo instead).

One dialog asks what every printed plan and consent needs: how the records are protected
(encrypted, the default; or plain, with a warning), the clinic (name, address, phone,
jurisdiction, default language, an optional logo) and the practitioner (name and
registration number; a consent is never anonymous). "Create" makes the database and keeps
the settings through the services (``clinic.set_up``: all or nothing); "Try the demo"
opens the demo instead; Cancel makes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
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
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.passphrase import MINIMUM_LENGTH, strength_hint
from mesodesk.ui.session import StartOptions
from mesodesk.ui.settings_dialog import MAX_ADDRESS, MAX_SHORT, logo_png_from_file
from mesodesk.ui.widgets import (
    N_,
    FieldError,
    heading,
    hint_label,
    plain_label,
    show_field_error,
)

EU_MEMBER_STATES = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
                    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
                    "SK")
LANGUAGES = (("en", "English"), ("el", "Ελληνικά"))  # each in its own language
JURISDICTIONS = (("EU", N_("European Union")), ("UK", N_("United Kingdom")),
                 ("US", N_("United States")))


def country_names(language: str) -> dict[str, str]:
    """The member states' names in ``language`` (CLDR, through Babel)."""
    from babel import Locale

    territories = Locale.parse(language).territories
    return {code: territories.get(code, code) for code in EU_MEMBER_STATES}


class FirstRunDialog(QDialog):
    """After ``exec``: ``choice`` is "created" (``options`` opens the new database), "demo",
    or None (cancelled: nothing was made)."""

    def __init__(self, options: StartOptions, key_store: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Set up mesodesk"))
        self.options = options
        self.key_store = key_store
        self.choice: str | None = None
        self._logo: bytes | None = None
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(heading(_("Welcome to mesodesk")))
        layout.addWidget(plain_label(_(
            "Set up your clinic once: its details go onto every plan and consent you print. "
            "You can change them later in Settings.")))
        layout.addWidget(self._records_box())
        layout.addWidget(self._clinic_box())
        layout.addWidget(self._practitioner_box())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.error = plain_label()
        self.error.hide()
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(_("Create the database"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = buttons.addButton(_("Try the demo instead"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        self.demo_button.clicked.connect(self.choose_demo)
        self.cancel_button.clicked.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.error)
        outer.addWidget(buttons)
        self.resize(640, 720)
        for edit in (self.passphrase, self.again, self.name, self.phone, self.practitioner,
                     self.registration):
            edit.textChanged.connect(lambda _text: self.show_error(None))
        self.address.textChanged.connect(lambda: self.show_error(None))
        self._encryption_changed()
        self._jurisdiction_changed()

    # -- the parts ------------------------------------------------------------------------------
    def _records_box(self) -> QGroupBox:
        box = QGroupBox(_("Patient records"))
        layout = QVBoxLayout(box)
        self.encrypted = QRadioButton(_("&Encrypted (recommended)"))
        self.plain = QRadioButton(_("&Not encrypted"))
        group = QButtonGroup(box)
        for button in (self.encrypted, self.plain):
            group.addButton(button)
        (self.plain if self.options.unencrypted else self.encrypted).setChecked(True)
        where = (_("The key is kept in this computer's key store: mesodesk opens the records "
                   "without asking, and a lost or stolen laptop gives nobody the records.")
                 if self.key_store else
                 _("This computer has no key store to keep the key: choose a passphrase. "
                   "mesodesk asks for it at each start and never writes it down; without it "
                   "nobody can read the records, so keep it somewhere safe."))
        self.encrypted_hint = hint_label(where)
        self.passphrase = QLineEdit()
        self.again = QLineEdit()
        for edit, name in ((self.passphrase, _("Passphrase")), (self.again, _("Passphrase again"))):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.strength = hint_label(strength_hint(""))
        self.passphrase.textChanged.connect(lambda text: self.strength.setText(strength_hint(text)))
        self.passphrase_form = QWidget()
        form = QFormLayout(self.passphrase_form)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(_("&Passphrase:"), self.passphrase)
        form.addRow(_("Passphrase a&gain:"), self.again)
        form.addRow("", self.strength)
        self.passphrase_form.setVisible(not self.key_store)
        self.plain_warning = plain_label(_(
            "Warning: anyone who has this laptop, its disk or a copy of the file can read "
            "every patient's record. Choose this only if the disk itself is encrypted."))
        self.plain_warning.setAccessibleName(_("Warning about records that are not encrypted"))
        bold = self.plain_warning.font()
        bold.setBold(True)
        self.plain_warning.setFont(bold)
        for button in (self.encrypted, self.plain):
            button.toggled.connect(self._encryption_changed)
        layout.addWidget(self.encrypted)
        layout.addWidget(self.encrypted_hint)
        layout.addWidget(self.passphrase_form)
        layout.addWidget(self.plain)
        layout.addWidget(self.plain_warning)
        return box

    def _clinic_box(self) -> QGroupBox:
        box = QGroupBox(_("Clinic (printed on every plan and consent)"))
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.phone = QLineEdit()
        self.jurisdiction = QComboBox()
        for code, text in JURISDICTIONS:
            self.jurisdiction.addItem(_(text), code)
        self.jurisdiction.currentIndexChanged.connect(self._jurisdiction_changed)
        self.member_state = QComboBox()
        self.member_state.setAccessibleName(_("EU member state"))
        self.language = QComboBox()
        for code, text in LANGUAGES:
            self.language.addItem(text, code)
        self.language.currentIndexChanged.connect(self._name_member_states)
        self._name_member_states()
        self.logo_preview = QLabel(_("No logo"))
        self.logo_preview.setFixedSize(160, 60)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        choose = QPushButton(_("Choose a PNG…"))
        choose.clicked.connect(self.choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose)
        logo_row.addStretch(1)
        form.addRow(_("Clinic &name:"), self.name)
        form.addRow(_("&Address:"), self.address)
        form.addRow(_("P&hone:"), self.phone)
        form.addRow(_("&Jurisdiction:"), self.jurisdiction)
        form.addRow(_("&Member state:"), self.member_state)
        form.addRow(_("Default &language:"), self.language)
        form.addRow(_("Logo (optional):"), logo_row)
        return box

    def _practitioner_box(self) -> QGroupBox:
        box = QGroupBox(_("Practitioner (named on every consent)"))
        form = QFormLayout(box)
        self.practitioner = QLineEdit()
        self.registration = QLineEdit()
        form.addRow(_("Practitioner na&me:"), self.practitioner)
        form.addRow(_("&Registration number:"), self.registration)
        return box

    # -- reactions ------------------------------------------------------------------------------
    @Slot()
    def _encryption_changed(self) -> None:
        encrypted = self.encrypted.isChecked()
        self.plain_warning.setVisible(not encrypted)
        self.encrypted_hint.setVisible(encrypted)
        self.passphrase_form.setVisible(encrypted and not self.key_store)

    @Slot()
    def _name_member_states(self) -> None:
        """The member states named in the language chosen, in its alphabetical order."""
        chosen = self.member_state.currentData() or "GR"
        names = country_names(self.language.currentData())
        self.member_state.blockSignals(True)
        self.member_state.clear()
        for code in sorted(EU_MEMBER_STATES, key=lambda c: names[c]):
            self.member_state.addItem(names[code], code)
        self.member_state.setCurrentIndex(self.member_state.findData(chosen))
        self.member_state.blockSignals(False)

    @Slot()
    def _jurisdiction_changed(self) -> None:
        self.member_state.setEnabled(self.jurisdiction.currentData() == "EU")

    def load_logo(self, path: str) -> bool:
        try:
            png = logo_png_from_file(path)
        except ValueError as error:
            self.show_error(FieldError(_("Logo"), str(error)))
            return False
        self._logo = png
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")  # named: a guess fails under a Qt translator
        self.logo_preview.setPixmap(pixmap.scaled(
            self.logo_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.show_error(None)
        return True

    @Slot()
    def choose_logo(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(self, _("Choose the clinic logo"), "",
                                                      _("PNG images (*.png)"))
        if path:
            self.load_logo(path)

    def show_error(self, error: FieldError | None) -> None:
        fields = (self.passphrase, self.again, self.name, self.address, self.phone,
                  self.practitioner, self.registration)
        show_field_error(error, fields, self.error)

    # -- the outcome ----------------------------------------------------------------------------
    def settings(self):
        """The clinic's settings as typed; ``FieldError`` names a field that is wrong."""
        from mesodesk.domain.records import ClinicSettings

        texts = [(_("Clinic name"), self.name, self.name.text(), MAX_SHORT, True),
                 (_("Address"), self.address, self.address.toPlainText(), MAX_ADDRESS, False),
                 (_("Phone"), self.phone, self.phone.text(), 100, False),
                 (_("Practitioner name"), self.practitioner, self.practitioner.text(), MAX_SHORT,
                  True),
                 (_("Registration number"), self.registration, self.registration.text(),
                  MAX_SHORT, False)]
        for label, widget, text, limit, required in texts:
            if required and not text.strip():
                raise FieldError(label, _("is required"), widget)
            if len(text.strip()) > limit:
                raise FieldError(label, _("is longer than {limit} characters").format(
                    limit=limit), widget)
        jurisdiction = self.jurisdiction.currentData()
        return ClinicSettings(
            name=self.name.text().strip(), address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(), logo_png=self._logo,
            practitioner_name=self.practitioner.text().strip(),
            practitioner_registration=self.registration.text().strip(),
            default_language=self.language.currentData(), jurisdiction=jurisdiction,
            member_state=self.member_state.currentData() if jurisdiction == "EU" else "")

    def chosen_passphrase(self) -> str | None:
        """The passphrase typed (None: the key store keeps the key, or plain)."""
        if not self.encrypted.isChecked() or self.key_store:
            return None
        first, second = self.passphrase.text(), self.again.text()
        if len(first) < MINIMUM_LENGTH:
            raise FieldError(_("Passphrase"), _("must be at least {n} characters").format(
                n=MINIMUM_LENGTH), self.passphrase)
        if first != second:
            raise FieldError(_("Passphrase again"), _("is not the same passphrase"), self.again)
        return first

    @Slot()
    def create(self) -> None:
        """Make the database with the settings (all or nothing); errors stay in the dialog
        with everything typed."""
        from mesodesk.services import ServiceError, clinic

        try:
            settings, passphrase = self.settings(), self.chosen_passphrase()
        except FieldError as error:
            self.show_error(error)
            return
        unencrypted = self.plain.isChecked()
        try:
            location = clinic.set_up(self.options.location, settings, passphrase=passphrase,
                                     unencrypted=unencrypted, actor=settings.practitioner_name)
        except ServiceError as error:
            self.show_error(FieldError(_("The database"), str(error)))
            return
        self.options.passphrase = passphrase
        self.options.unencrypted = unencrypted
        self.created_location = location
        self.choice = "created"
        self.accept()

    @Slot()
    def choose_demo(self) -> None:
        self.choice = "demo"
        self.options.demo = True
        self.accept()


def run_first_run(options: StartOptions) -> str | None:
    """Show the set-up (modal); returns the choice ("created", "demo", None)."""
    from mesodesk.store import keystore

    dialog = FirstRunDialog(options, key_store=keystore.available())
    dialog.exec()
    return dialog.choice
