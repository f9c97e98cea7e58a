"""What a person would notice on a Greek screen: a label or button cut short, and English
left where Greek belongs."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenuBar,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from tests.i18n.catalogues import load_catalogue, po_path

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
IDENTIFIER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+:?")
# Names and words that stay as they are in a Greek text.
# "English" stays: a language picker names each language in that language ("English",
# "Ελληνικά"), so the reader of each finds it.
KEPT = {"mesodesk", "Ctrl", "Shift", "Email", "email", "Letter", "JSON", "Unicode", "SQLCipher",
        "English"}


@cache
def _english_sources() -> frozenset[str]:
    """The app's English messages that have a different Greek text."""
    catalogue = load_catalogue(po_path("el", "mesodesk"))
    return frozenset(m.id.replace("&", "") for m in catalogue
                     if m.id and not isinstance(m.id, tuple) and m.string and m.string != m.id)


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(what, text) for every text shown in ``root`` (labels, buttons, titles, headers)."""
    texts = [("window title", root.windowTitle())]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel):
            texts.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append((name, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.append((name, widget.title()))
        elif isinstance(widget, QLineEdit):
            texts.append(("placeholder", widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            texts.append((name, widget.currentText()))
        elif isinstance(widget, QTabWidget):
            texts += [("tab", widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QMenuBar):
            for menu_action in widget.actions():
                texts.append(("menu", menu_action.text()))
                if menu_action.menu():
                    texts += [("menu item", a.text()) for a in menu_action.menu().actions()]
        elif isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
            model = widget.model()
            texts += [("column", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                      for c in range(model.columnCount(QModelIndex()))]
        tip = widget.toolTip()
        if tip:
            texts.append(("tooltip", tip))
    return [(what, text) for what, text in texts if text and text.strip()]


# A record's fingerprint or audit head (hex digits), which may hold a run of letters.
FINGERPRINT = re.compile(r"[0-9a-f]{12}")


def english_left(root: QWidget, allowed: set[str] = frozenset()) -> list[str]:
    """Texts that are one of the app's English messages, or carry English words."""
    problems = []
    for what, text in visible_texts(root):
        plain = re.sub(r"<[^>]+>", " ", text).replace("&", "")
        # paths and URLs, and the knowledge base's identifiers (history-not-reviewed:)
        plain = " ".join(word for word in plain.split()
                         if "/" not in word and not IDENTIFIER.fullmatch(word)
                         and not FINGERPRINT.fullmatch(word.strip(".,;:·()")))
        words = [w for w in LATIN_WORD.findall(plain) if w not in KEPT and not w.isupper()  # ASDS, PRP
                 and not any(w in kept for kept in allowed)]
        if plain in _english_sources() or words:
            problems.append(f"{what}: {text!r}")
    return problems


def clipped(root: QWidget) -> list[str]:
    """Single-line labels, buttons and column titles narrower than their text needs."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() == 0:
            continue
        if isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            problems += [f"column {i}: {widget.sectionSize(i)} px of the "
                         f"{widget.sectionSizeFromContents(i).width()} its title needs"
                         for i in range(widget.count()) if not widget.isSectionHidden(i)
                         and widget.sectionSizeFromContents(i).width() > widget.sectionSize(i) + 1
                         and widget.sectionResizeMode(i) != QHeaderView.ResizeMode.Stretch]
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text() \
                and widget.pixmap().isNull():
            needed = widget.sizeHint().width()
        elif isinstance(widget, QAbstractButton) and widget.text():
            needed = widget.sizeHint().width()
        else:
            continue
        if needed > widget.width() + 1:
            problems.append(f"{type(widget).__name__} {widget.text()!r}: {widget.width()} px "
                            f"of the {needed} it needs")
    return problems
