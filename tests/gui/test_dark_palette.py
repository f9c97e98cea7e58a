"""A dark palette stays readable: every colour a screen names contrasts with its background.

The screens' rich text (the ingredients' details and warnings, the review) and banners take
their colours from mesodesk.ui.colours; a fixed light-theme colour (a dark grey note, a deep
red warning) would vanish on a dark background, and this test finds it.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QTextEdit

from tests.gui.conftest import click_next, screenshot, settle, start_consultation

WCAG_AA = 4.5
COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
             QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#26282b",
             QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2d2f31",
             QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
             QPalette.ColorRole.Highlight: "#8ab4f8", QPalette.ColorRole.HighlightedText: "#202124",
             QPalette.ColorRole.ToolTipBase: "#2d2f31", QPalette.ColorRole.ToolTipText: "#e8eaed"}
    for role, name in roles.items():
        palette.setColor(role, QColor(name))
    return palette


@pytest.fixture
def dark(qapp):
    original = QApplication.palette()
    QApplication.setPalette(dark_palette())
    yield
    QApplication.setPalette(original)


def unreadable_colours(root) -> list[str]:
    """Every colour named in the rich text under ``root`` that is below WCAG AA on it."""
    found = []
    for widget in root.findChildren(QTextEdit) + root.findChildren(QLabel):
        if not widget.isVisibleTo(root):
            continue
        html = widget.toHtml() if isinstance(widget, QTextEdit) else widget.text()
        background = widget.palette().color(
            QPalette.ColorRole.Base if isinstance(widget, QTextEdit) else QPalette.ColorRole.Window)
        for name in set(COLOUR.findall(html)) - {"#000000"}:  # Qt's own default in toHtml
            ratio = contrast(QColor(name), background)
            if ratio < WCAG_AA:
                found.append(f"{type(widget).__name__} {widget.objectName() or ''}: {name} on "
                             f"{background.name()} ({ratio:.1f}:1)")
    return found


def test_the_wizard_reads_on_a_dark_palette(qtbot, open_window, db_path, dark):
    from mesodesk.ui.wizard.wizard import INGREDIENTS, LIFESTYLE, COURSE, REVIEW

    window = open_window(db_path)
    settle(qtbot, window)
    wizard = start_consultation(qtbot, window, name="Ελένη <b>&</b>", born="12/04/1988",
                                concerns=["cellulite", "hair-loss"], history=["anticoagulants"])
    page = wizard.page_object(INGREDIENTS)
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))  # a substance's details
    qtbot.wait(50)
    assert unreadable_colours(wizard) == []
    screenshot(wizard, "dark-ingredients")
    for target in (LIFESTYLE, COURSE, REVIEW):
        click_next(qtbot, wizard, target)
        qtbot.wait(50)
        assert unreadable_colours(wizard) == [], target
    screenshot(wizard, "dark-review")


def test_banners_read_on_a_dark_palette(qtbot, dark):
    from mesodesk.ui.widgets import Banner

    for kind in ("blocked", "caution", "info", "ok"):
        banner = Banner(kind, f"{kind}: <b>&</b> Ελένη")
        qtbot.addWidget(banner)
        banner.show()
        sheet = banner.styleSheet()
        background = QColor(re.search(r"background: (#[0-9a-f]{6})", sheet).group(1))
        text = QColor(re.search(r"QLabel \{ color: (#[0-9a-f]{6})", sheet).group(1))
        assert contrast(text, background) >= WCAG_AA, kind
        assert background.lightness() < 128, f"a light {kind} banner on a dark window"


def test_the_main_window_on_a_dark_palette(qtbot, open_window, db_path, dark):
    window = open_window(db_path)
    settle(qtbot, window)
    assert unreadable_colours(window) == []
    screenshot(window, "dark-main-window")
