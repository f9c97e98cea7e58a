"""Every wizard page is usable on a 1024×600 screen: nothing wider than the screen, no
horizontal scroll bar; the main window fits too."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractScrollArea

from tests.gui.conftest import answer_history, click_next, screenshot, settle, start_consultation

SMALL = QSize(1024, 600)


def too_wide(root) -> list[str]:
    problems = []
    if root.minimumSizeHint().width() > SMALL.width():
        problems.append(f"needs {root.minimumSizeHint().width()} px")
    for area in root.findChildren(QAbstractScrollArea):
        bar = area.horizontalScrollBar()
        if area.isVisibleTo(root) and bar.isVisible() and bar.maximum() > 0:
            problems.append(f"{type(area).__name__} {area.accessibleName()!r} scrolls sideways")
    return problems


def test_every_wizard_page_fits_1024_by_600(qtbot, open_window, db_path):
    from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, REVIEW

    window = open_window(db_path)
    window.resize(SMALL)
    settle(qtbot, window)
    assert too_wide(window) == []
    wizard = start_consultation(qtbot, window, name="Παναγιώτα Κωνσταντινοπούλου-Αλεξανδροπούλου",
                                born="12/04/1988", concerns=["cellulite", "hair-loss",
                                                             "localized-fat", "skin-rejuvenation"],
                                until=CONCERNS)
    wizard.resize(SMALL)
    problems = {}
    for step in range(CONCERNS, REVIEW + 1):
        if step > CONCERNS:
            click_next(qtbot, wizard, step)
        if step == HISTORY:
            answer_history(qtbot, wizard.page_object(HISTORY))
        qtbot.wait(30)
        found = too_wide(wizard)
        if found:
            problems[step + 1] = found
        screenshot(wizard, f"small-screen-step-{step + 1}")
    assert problems == {}
