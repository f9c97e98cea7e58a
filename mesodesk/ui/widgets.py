"""Small widgets shared by the window, the dialogs and the wizard."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from mesodesk.domain import dates
from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.icons import icon, status_icon


def N_(text: str) -> str:
    """Marks a string for translation where it is defined; ``_()`` translates it where shown."""
    return text


class FieldError(Exception):
    """A value a person typed is wrong; ``field`` is the label they see."""

    def __init__(self, field: str, message: str, widget: QWidget | None = None):
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.widget = field, message, widget


def plain_label(text: str = "", *, wrap: bool = True, selectable: bool = False,
                parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows its text as text: '<b>&' in a name stays '<b>&'."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading(text: str, size_delta: int = 2) -> QLabel:
    label = plain_label(text, wrap=True)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(font.pointSize() + size_delta)
    label.setFont(font)
    return label


def dim(widget: QWidget) -> QWidget:
    """Grey text from the palette (no style sheet: those slow down the first paint)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.PlaceholderText))
    widget.setPalette(palette)
    return widget


def hint_label(text: str = "") -> QLabel:
    label = plain_label(text)
    dim(label)
    return label


def show_field_error(error: FieldError | None, fields: tuple[QWidget, ...], label: QLabel) -> None:
    """Mark the field the error names, show its message in ``label`` and focus it;
    ``None`` clears every mark and hides the label."""
    for widget in fields:
        mark_invalid(widget, error is not None and error.widget is widget)
    if error is None:
        label.hide()
        return
    label.setText(str(error))
    label.show()
    if error.widget is not None:
        error.widget.setFocus(Qt.FocusReason.OtherFocusReason)


def mark_invalid(widget: QWidget | None, invalid: bool) -> None:
    if widget is None:
        return
    widget.setProperty("invalid", invalid)
    widget.setStyleSheet(f"border: 1px solid {colours.css('error', widget.palette())}; "
                         "border-radius: 3px;" if invalid else "")


class Banner(QFrame):
    """A coloured strip with an icon, plain text and optional buttons (like an info bar)."""

    def __init__(self, kind: str = "info", text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        self._icon = QLabel()
        self._icon.setFixedSize(QSize(22, 22))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = plain_label(text, selectable=True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(6)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(10)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addLayout(self._buttons)
        self.set_kind(kind)

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        if self.isVisible():
            self._apply_kind()

    def _apply_kind(self) -> None:
        # Styled when first shown: a hidden banner costs nothing at start-up.
        if getattr(self, "_applied", None) == self.kind:
            return
        self._applied = self.kind
        background, border, text = colours.banner(self.kind, self.palette())
        self.setStyleSheet(
            f"QFrame#banner {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QFrame#banner QLabel {{ color: {text}; }}")
        self._icon.setPixmap(status_icon(self.kind).pixmap(QSize(20, 20)))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._apply_kind()
        super().showEvent(event)

    def set_text(self, text: str) -> None:
        self.label.setText(text)

    def text(self) -> str:
        return self.label.text()

    def add_button(self, text: str, icon_name: str | None = None) -> QPushButton:
        button = QPushButton(text)
        if icon_name:
            button.setIcon(icon(icon_name))
        self._buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        return button

    def clear_buttons(self) -> None:
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()


def parse_date(text: str) -> dt.date:
    """A date typed as ``YYYY-MM-DD`` (or ``DD/MM/YYYY``, ``DD.MM.YYYY``), read by the
    domain's one date parser; ValueError says what is wrong."""
    try:
        return dates.parse_date(text, typed=True)
    except dates.DateError as error:
        raise ValueError(error.message) from None


class DateField(QWidget):
    """A date typed as text (fast from the keyboard) with a calendar button beside it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("YYYY-MM-DD"))
        self.edit.textChanged.connect(self._changed)
        self.button = QToolButton()
        self.button.setIcon(icon("calendar"))
        self.button.setToolTip(_("Pick the date on a calendar"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.button.setMenu(menu)
        self.hint = hint_label()
        self.hint.setWordWrap(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 0)
        layout.addWidget(self.button, 0)
        layout.addWidget(self.hint, 1)
        self.setFocusProxy(self.edit)

    def set_name(self, name: str) -> None:
        """What a screen reader says for the date and for its calendar button."""
        self.edit.setAccessibleName(name)
        self.button.setAccessibleName(_("{field}: pick on a calendar").format(field=name))
        self.edit.setMinimumWidth(120)
        self.edit.setMaximumWidth(160)
        self.setFocusProxy(self.edit)

    def set_date(self, value: dt.date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")

    def date(self) -> dt.date:
        """The date, or ValueError naming what is wrong."""
        return parse_date(self.edit.text())

    def text(self) -> str:
        return self.edit.text()

    @Slot()
    def _changed(self) -> None:
        try:
            value = self.date()
        except ValueError:
            self.hint.setText("")
        else:
            self.hint.setText(QDate(value.year, value.month, value.day).toString("d MMMM yyyy"))
        self.changed.emit()

    @Slot()
    def _sync_calendar(self) -> None:
        try:
            value = self.date()
        except ValueError:
            return
        self.calendar.setSelectedDate(QDate(value.year, value.month, value.day))

    @Slot(QDate)
    def _picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.button.menu().hide()


class Separator(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.HLine)
        self.setFrameShadow(QFrame.Shadow.Sunken)


def vbox(*widgets: QWidget, margins: int = 0, spacing: int = 6) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
