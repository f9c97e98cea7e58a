"""Fixtures for the GUI tests: real windows on real databases, driven offscreen.

Screenshots go to ``tests/screenshots/`` (git-ignored); the tests look at them only
through the person running them, so every screenshot is made at 1366×768.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QWidget

from mesodesk.ui import gc_guard
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
SCREEN = QSize(1366, 768)
TIMEOUT = 30_000


def screenshot(widget: QWidget, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def settle(qtbot, window: MainWindow) -> None:
    """Wait until the window's background work is done and its callbacks have run."""
    qtbot.waitUntil(lambda: not window.db_runner.busy and not window.work_runner.busy,
                    timeout=TIMEOUT)
    QApplication.processEvents()


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type like a keyboard would, any script (QTest's keyClicks only knows ASCII)."""
    from PySide6.QtTest import QTest

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                               Qt.KeyboardModifier.NoModifier)


def click_box(qtbot, box: QWidget) -> None:
    """Click a check box on its indicator (its centre may be empty space beside the label)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def drag(qtbot, widget: QWidget, points: list[tuple[int, int]]) -> None:
    """Press, move through the points, release: a stroke with the mouse."""
    first = QPoint(*points[0])
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=first)
    for x, y in points[1:]:
        qtbot.mouseMove(widget, QPoint(x, y))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


@pytest.fixture(scope="package", autouse=True)
def _collect_on_the_gui_thread(qapp) -> Iterator[None]:
    """Garbage collected on the GUI thread only, as ``run_app`` sets it up for the app (see
    mesodesk.ui.gc_guard); the other test packages get automatic collection back after."""
    gc_guard.install()
    yield
    gc_guard.uninstall()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.db"


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """Open a main window on a database and wait until its first rows are shown."""
    windows: list[MainWindow] = []

    def make(location: Path | str | None = None, *, demo: bool = False,
             passphrase: str | None = None) -> MainWindow:
        options = StartOptions(location=str(location) if location else None, demo=demo,
                               passphrase=passphrase)
        window = MainWindow(options)
        qtbot.addWidget(window)
        window.resize(SCREEN)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.session is not None or window.problem_banner.isVisible(),
                        timeout=TIMEOUT)
        assert window.session is not None, window.problem_banner.text()
        qtbot.waitUntil(lambda: window.model.searched and window.is_ready, timeout=TIMEOUT)
        settle(qtbot, window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()


def click_next(qtbot, wizard, expected: int) -> None:
    """Press Next (or the commit button) and wait until the wizard shows ``expected``."""
    from PySide6.QtWidgets import QWizard

    button = wizard.button(QWizard.WizardButton.NextButton)
    if wizard.currentPage().isCommitPage():
        button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled(), f"the next button is disabled on page {wizard.currentId()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=TIMEOUT)


def answer_history(qtbot, page, yes: list[str] = (), *, rest_no: bool = True) -> None:
    """Answer the history questions as the practitioner does: the yeses one by one, then
    "No to all the rest"."""
    for item in yes:
        click_box(qtbot, page.yes[item])
        assert page.yes[item].isChecked(), item
    if rest_no:
        qtbot.mouseClick(page.no_to_rest, Qt.MouseButton.LeftButton)


def start_consultation(qtbot, window: MainWindow, *, name: str, born: str,
                       concerns: list[str], history: list[str] = (), notes: str = "",
                       until: int | None = None):
    """Open the wizard for a new patient and walk it to page ``until`` (default: ingredients)."""
    from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, INGREDIENTS

    until = INGREDIENTS if until is None else until
    wizard = window.new_consultation()
    wizard.resize(SCREEN)
    page = wizard.page_object(wizard.currentId())
    type_text(qtbot, page.form.name, name)
    qtbot.keyClicks(page.form.born.edit, born)
    if not page.practitioner.text():
        page.practitioner.setText("Dr Maria Ioannou")  # a consent is never anonymous
    if until == wizard.currentId():
        return wizard
    click_next(qtbot, wizard, CONCERNS)
    page = wizard.page_object(CONCERNS)
    for concern in concerns:
        click_box(qtbot, page.boxes[concern])
    if until == CONCERNS:
        return wizard
    click_next(qtbot, wizard, HISTORY)
    page = wizard.page_object(HISTORY)
    answer_history(qtbot, page, history)
    if notes:
        page.notes.setPlainText(notes)
    if until == HISTORY:
        return wizard
    click_next(qtbot, wizard, INGREDIENTS)
    return wizard
