"""Desktop conventions (issue 13): the window's size, position and splitter are
remembered, and the first window fits the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.session import StartOptions
from tests.gui.conftest import settle


def window_on(qtbot, db_path) -> MainWindow:
    window = MainWindow(StartOptions(location=str(db_path)))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.usable, timeout=30_000)
    return window


def test_the_first_window_fits_the_screen(qtbot, db_path):
    window = window_on(qtbot, db_path)
    available = QApplication.primaryScreen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    window.close()


def test_size_and_splitter_are_remembered(qtbot, db_path):
    window = window_on(qtbot, db_path)
    window.resize(700, 500)  # as small as the window lets itself be made
    window.splitter.setSizes([200, 480])
    settle(qtbot, window)
    sizes, size = window.splitter.sizes(), (window.width(), window.height())
    assert window.height() < 600  # the resize took: the test is not of the default size
    window.close()
    again = window_on(qtbot, db_path)
    assert (again.width(), again.height()) == size
    assert again.splitter.sizes() == sizes
    again.close()


def test_ctrl_w_closes_a_preview(qtbot):
    from PySide6.QtGui import QKeySequence

    from mesodesk.ui.preview import PreviewWindow

    preview = PreviewWindow(b"%PDF-1.4\n%%EOF\n", "Plan", "plan")
    qtbot.addWidget(preview)
    preview.show()
    # (offscreen windows are never active, so the key itself cannot be sent here)
    assert QKeySequence("Ctrl+W") in preview.close_action.shortcuts()
    assert preview.close_action in preview.actions()
    preview.close_action.trigger()
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=5_000)
