"""Record session: what was injected at one session of a course, checked as it is typed.

It starts from the last session's products (a routine session is a few keystrokes: the
new lots, if any, and Record). A GS1 barcode read by a hand scanner acting as a keyboard,
typed into the scan field, fills the lot and expiry of the selected product (application
identifiers 10 and 17; see ``domain.gs1``). The checks are the services' (substance outside
the signed consent, expired lot, lidocaine ceiling, deoxycholic acid label limits); their
messages are shown by path, and nothing typed is lost when a session is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui.widgets import hint_label, plain_label

if TYPE_CHECKING:
    from mesodesk.domain.session import TreatmentSession
    from mesodesk.services.sessions import CourseState

# The group separator (FNC1) a scanner types is a control character a line edit drops;
# it is kept as its visible symbol and turned back before the code is read.
GS_SYMBOL = "\u241d"
COLUMNS = ("substance", "product", "manufacturer", "lot", "expiry", "volume_ml",
           "concentration_mg_per_ml")
DEPTHS = ("", "intradermal", "superficial-subcutaneous", "subcutaneous")
SEVERITIES = ("mild", "moderate", "severe")


class ScanField(QLineEdit):
    """A line edit that keeps the FNC1 separator a keyboard-wedge scanner types."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        ctrl_bracket = (event.key() == Qt.Key.Key_BracketRight
                        and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.text() == "\x1d" or ctrl_bracket:
            self.insert(GS_SYMBOL)
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # the scanner's Enter reads the code; it never records the session

    def code(self) -> str:
        return self.text().replace(GS_SYMBOL, "\x1d")


def _number(text: str) -> Any:
    """A number as typed (a comma for the decimal point too); the text itself when it is
    not one, so the document's check names the field."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


class RecordSessionDialog(QDialog):
    """``recordRequested(data)`` asks for the session to be recorded; ``checkRequested(data)``
    for it to be checked; the answers come back through ``show_issues``."""

    recordRequested = Signal(dict)
    checkRequested = Signal(dict)

    def __init__(self, state: CourseState, consented: list[str],
                 last: TreatmentSession | None, today: dt.date | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.consented = consented
        self.today = today or dt.date.today()
        self.setWindowTitle(_("Record session"))
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header(last))
        layout.addWidget(self._build_products(), 1)
        layout.addLayout(self._build_details(last))
        self.messages = plain_label(selectable=True)
        self.messages.setAccessibleName(_("Checks"))
        layout.addWidget(self.messages)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.record_button = self.buttons.addButton(_("&Record"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        # Enter in a field (a scanner ends every code with it) never records the session.
        self.record_button.setAutoDefault(False)
        self.record_button.setDefault(False)
        self.buttons.accepted.connect(self._record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check_timer = QTimer(self, singleShot=True, interval=400)
        self._check_timer.timeout.connect(lambda: self.checkRequested.emit(self.data()))
        for product in (last.products if last is not None else ()):
            self.add_product(product.model_dump(mode="json", exclude_none=True))
        if self.products.rowCount() == 0:
            self.add_product({})
        self.products.itemChanged.connect(lambda _item: self.schedule_check())

    # -- building --------------------------------------------------------------------------
    def _build_header(self, last: TreatmentSession | None) -> QFormLayout:
        form = QFormLayout()
        upcoming = self.state.next
        self.concern = QComboBox()
        concerns = list(dict.fromkeys(s.concern for s in self.state.sessions))
        self.concern.addItems(concerns)
        if upcoming is not None:
            self.concern.setCurrentText(upcoming.concern)
        self.number = QSpinBox()
        self.number.setRange(1, 1000)
        self.number.setValue(upcoming.number if upcoming is not None else 1)
        self.date = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.weight = QDoubleSpinBox()
        self.weight.setRange(0, 400)
        self.weight.setSuffix(" kg")
        self.weight.setSpecialValueText(_("from the consultation"))
        if last is not None and last.patient_weight_kg:
            self.weight.setValue(float(last.patient_weight_kg))
        self.areas = QLineEdit(", ".join(last.areas) if last is not None else
                               ", ".join(self.state.record.document.areas))
        self.scan = ScanField()
        self.scan.setPlaceholderText(_("Scan a product's barcode here (GS1): it fills the lot "
                                       "and expiry of the selected product"))
        self.scan.setAccessibleName(_("Scan"))
        self.scan.returnPressed.connect(self.read_scan)
        form.addRow(_("Course:"), self.concern)
        form.addRow(_("Session number:"), self.number)
        form.addRow(_("Date:"), self.date)
        form.addRow(_("Weight:"), self.weight)
        form.addRow(_("Areas:"), self.areas)
        form.addRow(_("Scan:"), self.scan)
        for widget in (self.number, self.weight):
            widget.valueChanged.connect(lambda _v: self.schedule_check())
        self.date.dateChanged.connect(lambda _d: self.schedule_check())
        self.concern.currentTextChanged.connect(lambda _t: self.schedule_check())
        return form

    def _build_products(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.products = QTableWidget(0, len(COLUMNS))
        self.products.setHorizontalHeaderLabels([
            _("Substance"), _("Product"), _("Manufacturer"), _("Lot"), _("Expiry"),
            _("Volume (mL)"), _("mg/mL")])
        self.products.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.products.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.products.setAccessibleName(_("Products"))
        header = self.products.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMNS.index("product"), QHeaderView.ResizeMode.Stretch)
        for name, width in (("substance", 190), ("lot", 110), ("expiry", 100)):
            header.resizeSection(COLUMNS.index(name), width)
        layout.addWidget(self.products, 1)
        row = QHBoxLayout()
        add = QPushButton(_("Add product"))
        add.clicked.connect(lambda: self.add_product({}))
        remove = QPushButton(_("Remove product"))
        remove.clicked.connect(self.remove_product)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _build_details(self, last: TreatmentSession | None) -> QFormLayout:
        form = QFormLayout()
        technique = last.technique if last is not None else None
        self.depth = QComboBox()
        self.depth.addItems(DEPTHS)
        self.needle = QLineEdit(technique.needle or "" if technique else "")
        self.method = QLineEdit(technique.method or "" if technique else "")
        if technique is not None and technique.depth:
            self.depth.setCurrentText(technique.depth)
        self.event_kind = QLineEdit()
        self.event_kind.setPlaceholderText(_("adverse effect id (bruising, swelling…) or other"))
        self.event_severity = QComboBox()
        self.event_severity.addItems(SEVERITIES)
        self.event_note = QLineEdit()
        self.event_note.setPlaceholderText(_("what happened, and what was done"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        form.addRow(_("Depth:"), self.depth)
        form.addRow(_("Needle:"), self.needle)
        form.addRow(_("Method:"), self.method)
        events = QHBoxLayout()
        for widget in (self.event_kind, self.event_severity, self.event_note):
            events.addWidget(widget)
        form.addRow(_("Adverse event:"), events)
        self.severe_hint = hint_label()
        self.follow_up = QDateEdit()
        self.follow_up.setDisplayFormat("yyyy-MM-dd")
        self.follow_up.setCalendarPopup(True)
        self.follow_up.setAccessibleName(_("Follow-up date"))
        self.follow_up.setDate(QDate(self.today.year, self.today.month, self.today.day)
                               .addDays(2))
        self.follow_up.hide()
        severe = QHBoxLayout()
        severe.addWidget(self.severe_hint, 1)
        severe.addWidget(self.follow_up)
        form.addRow("", severe)
        self.event_severity.currentTextChanged.connect(self._severity_changed)
        form.addRow(_("Notes:"), self.notes)
        return form

    # -- products --------------------------------------------------------------------------
    def add_product(self, values: dict[str, Any]) -> int:
        row = self.products.rowCount()
        self.products.insertRow(row)
        substance = QComboBox()
        substance.addItems(self.consented)
        if values.get("substance"):
            if values["substance"] not in self.consented:
                substance.addItem(values["substance"])
            substance.setCurrentText(values["substance"])
        substance.currentTextChanged.connect(lambda _t: self.schedule_check())
        self.products.setCellWidget(row, 0, substance)
        for column, name in enumerate(COLUMNS[1:], start=1):
            value = values.get(name)
            self.products.setItem(row, column, QTableWidgetItem("" if value is None else str(value)))
        self.products.selectRow(row)
        return row

    def remove_product(self) -> None:
        row = self.products.currentRow()
        if row >= 0:
            self.products.removeRow(row)
            self.schedule_check()

    def cell(self, row: int, name: str) -> str:
        column = COLUMNS.index(name)
        if column == 0:
            return self.products.cellWidget(row, 0).currentText()
        item = self.products.item(row, column)
        return item.text().strip() if item is not None else ""

    def set_cell(self, row: int, name: str, text: str) -> None:
        self.products.item(row, COLUMNS.index(name)).setText(text)

    # -- the scanner -----------------------------------------------------------------------
    def read_scan(self) -> None:
        from mesodesk.domain.gs1 import GS1Error, parse_gs1

        try:
            code = parse_gs1(self.scan.code(), today=self.today)
        except GS1Error as error:
            self.messages.setText(_("The scanned code could not be read: {reason}").format(
                reason=error))
            return
        row = self.products.currentRow()
        if row < 0:
            row = self.add_product({})
        if code.lot:
            self.set_cell(row, "lot", code.lot)
        if code.expiry_text:
            self.set_cell(row, "expiry", code.expiry_text)
        self.scan.clear()
        self.messages.setText(_("Scanned: GTIN {gtin}, lot {lot}, expiry {expiry}.").format(
            gtin=code.gtin or "—", lot=code.lot or "—", expiry=code.expiry_text or "—"))

    # -- the document ----------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        qdate = self.date.date()
        products = []
        for row in range(self.products.rowCount()):
            product: dict[str, Any] = {"substance": self.cell(row, "substance")}
            for name in ("product", "manufacturer"):
                if self.cell(row, name):
                    product[name] = self.cell(row, name)
            product["lot"] = self.cell(row, "lot")
            product["expiry"] = self.cell(row, "expiry")
            product["volume_ml"] = _number(self.cell(row, "volume_ml"))
            concentration = _number(self.cell(row, "concentration_mg_per_ml"))
            if concentration is not None:
                product["concentration_mg_per_ml"] = concentration
            products.append(product)
        data: dict[str, Any] = {
            "format": "mesodesk.session/1", "consultation": str(self.state.record.id),
            "concern": self.concern.currentText(), "number": self.number.value(),
            "date": dt.date(qdate.year(), qdate.month(), qdate.day()).isoformat(),
            "areas": [a.strip() for a in self.areas.text().split(",") if a.strip()],
            "products": products,
        }
        practitioner = self.state.record.document.practitioner
        if practitioner is not None:
            data["practitioner"] = practitioner.model_dump(mode="json", exclude_none=True)
        technique = {key: value for key, value in (
            ("depth", self.depth.currentText()), ("needle", self.needle.text().strip()),
            ("method", self.method.text().strip())) if value}
        if technique:
            data["technique"] = technique
        if self.event_kind.text().strip():
            data["adverse_events"] = [{"kind": self.event_kind.text().strip(),
                                       "severity": self.event_severity.currentText(),
                                       "note": self.event_note.text().strip()}]
        notes = self.notes.toPlainText()
        if self.follow_up.isVisible() or self._severe():
            day = self.follow_up.date()
            line = _("Follow-up planned for {date}.").format(
                date=dt.date(day.year(), day.month(), day.day()).isoformat())
            notes = f"{notes.rstrip()}\n{line}" if notes.strip() else line
        if notes.strip():
            data["notes"] = notes
        if self.weight.value() > 0:
            data["patient_weight_kg"] = round(self.weight.value(), 1)
        return data

    def _severe(self) -> bool:
        return bool(self.event_kind.text().strip()) and \
            self.event_severity.currentText() == "severe"

    def _severity_changed(self, severity: str) -> None:
        """A severe adverse event asks what was done and offers a follow-up date (kept in
        the session's notes)."""
        severe = severity == "severe"
        self.severe_hint.setText(_("A severe adverse event: write what was done; a follow-up "
                                   "on:") if severe else "")
        self.follow_up.setVisible(severe)

    def _record(self) -> None:
        if self.severe_without_action():
            self.show_issues(ValueError(_("adverse_events[0].note: a severe adverse event needs "
                                          "what was done")))
            self.event_note.setFocus()
            return
        self.recordRequested.emit(self.data())

    def severe_without_action(self) -> bool:
        return self._severe() and not self.event_note.text().strip()

    # -- answers ---------------------------------------------------------------------------
    def schedule_check(self) -> None:
        self._check_timer.start()

    def show_issues(self, error: BaseException | None) -> None:
        """The checks' answer: None when the session may be recorded."""
        if error is None:
            self.messages.setText(_("The checks pass: the session can be recorded."))
            self.messages.setStyleSheet("")
            return
        self.messages.setText(str(error))
        self.messages.setStyleSheet("color: #a4262c;")
