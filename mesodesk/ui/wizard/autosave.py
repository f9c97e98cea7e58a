"""Every edit on a wizard page as one callback, so the draft is saved as the practitioner
types (the wizard saves it a moment after the last edit), not only on a page change.

Widgets a page adds later (a course editor per concern) are watched when the page is
shown again; a widget is connected once (its ``autosave`` property says so).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

AUTOSAVE_MS = 800  # "within a second" of the last keystroke

# The signal that says a person changed each kind of field.
EDIT_SIGNALS: tuple[tuple[type[QWidget], str], ...] = (
    (QLineEdit, "textEdited"),
    (QPlainTextEdit, "textChanged"),
    (QTextEdit, "textChanged"),
    (QComboBox, "currentIndexChanged"),
    (QDateTimeEdit, "dateTimeChanged"),
    (QSpinBox, "valueChanged"),
    (QDoubleSpinBox, "valueChanged"),
    (QTreeWidget, "itemChanged"),
    (QListWidget, "itemChanged"),
    (QAbstractButton, "toggled"),
)


def _editable(widget: QWidget) -> bool:
    if isinstance(widget, (QPlainTextEdit, QTextEdit)) and widget.isReadOnly():
        return False  # a page's read-only summary changes with the page, not by hand
    if isinstance(widget, QAbstractButton) and not widget.isCheckable():
        return False  # a push button does something; its effect is saved where it lands
    return True


def watch_edits(page: QWidget, edited: Callable[[], None]) -> None:
    """Call ``edited`` whenever a field on ``page`` changes."""
    for widget in page.findChildren(QWidget):
        if widget.property("autosave") or not _editable(widget):
            continue
        for kind, name in EDIT_SIGNALS:
            if isinstance(widget, kind):
                getattr(widget, name).connect(edited)
                widget.setProperty("autosave", True)
                break
