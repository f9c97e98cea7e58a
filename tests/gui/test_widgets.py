"""Smaller pieces: the icons, the signature pad (mouse, touch, clear), huge input."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from mesodesk.ui.icons import STATUS_ICONS, icon, icon_path
from mesodesk.ui.wizard.signature_pad import SignatureBox
from mesodesk.ui.wizard.wizard import HISTORY

from .conftest import TIMEOUT, click_next, drag, start_consultation

UI = Path(__file__).resolve().parents[2] / "mesodesk" / "ui"


def test_every_icon_the_code_names_exists_and_renders(qtbot):
    names = set(STATUS_ICONS.values()) | {"mesodesk"}
    for path in UI.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'(?<![a-z_])icon\("([a-z0-9-]+)"\)', text))
        names |= set(re.findall(r'add_button\([^)]*, "([a-z0-9-]+)"\)', text))
        names |= set(re.findall(r'a\("([a-z0-9-]+)", _\(', text))
    assert len(names) > 25
    for name in sorted(names):
        assert Path(icon_path(name)).is_file(), name
        image = icon(name).pixmap(48, 48).toImage()
        assert not image.isNull(), name
        # Something is drawn: not every pixel transparent.
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(0, 48, 3)
                   for y in range(0, 48, 3)), name


def test_signature_pad_mouse_touch_and_clear(qtbot):
    box = SignatureBox("Patient")
    qtbot.addWidget(box)
    box.resize(420, 160)
    box.show()
    pad = box.pad
    assert pad.is_empty() and not box.clear_button.isEnabled()
    drag(qtbot, pad, [(20, 60), (60, 30), (100, 80)])
    assert not pad.is_empty() and box.clear_button.isEnabled()
    png = base64.b64decode(pad.to_base64())
    image = QImage.fromData(png, "PNG")
    assert image.width() == 900 and image.height() == 300
    assert len(png) < 1024 * 1024
    qtbot.mouseClick(box.clear_button, Qt.MouseButton.LeftButton)
    assert pad.is_empty() and not box.clear_button.isEnabled()

    # A finger on a touch screen.
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(30, 50)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(90, 40)).commit()
    QTest.touchEvent(pad, device).move(0, QPoint(150, 70)).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(150, 70)).commit()
    assert not pad.is_empty()
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) >= 3

    # A tap leaves a dot, which counts as ink.
    pad.clear()
    qtbot.mouseClick(pad, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    assert not pad.is_empty()


def test_huge_notes_are_refused_by_name_and_nothing_is_lost(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Chloé Lefèvre", born="1995-01-30",
                                concerns=["skin-rejuvenation"], until=HISTORY)
    page = wizard.page_object(HISTORY)
    huge = "Ω<b>&" * 5001  # 25,005 characters
    page.notes.setPlainText(huge)
    next_button = wizard.button(wizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == HISTORY
    assert page.error.isVisible()
    assert page.error.text() == ("Medicines, other allergies and notes: 25005 characters; "
                                 "at most 20000 fit")
    assert page.notes.toPlainText() == huge  # the text stays for the practitioner to shorten
    page.notes.setPlainText(huge[:20000])
    from mesodesk.ui.wizard.wizard import INGREDIENTS

    click_next(qtbot, wizard, INGREDIENTS)
    assert wizard.state.history_notes == huge[:20000]
    qtbot.waitUntil(lambda: not window.db_runner.busy, timeout=TIMEOUT)
