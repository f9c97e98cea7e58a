"""The clinic's logo shows in Settings and the first-run setup when the app is in Greek
(with a Qt translator installed, Qt's guess of an image's format from its bytes fails)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from mesodesk.domain.records import ClinicSettings
from mesodesk.ui.settings_dialog import SettingsDialog
from tests.i18n.test_greek_screens import greek  # noqa: F401 (fixture)


def _png() -> bytes:
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def test_the_logo_preview_shows_in_greek(greek, qtbot) -> None:  # noqa: F811
    dialog = SettingsDialog(ClinicSettings(), "a plain SQLite file", "/tmp/x.db")
    qtbot.addWidget(dialog)
    dialog.set_logo(_png())
    assert not dialog.logo_preview.pixmap().isNull()
