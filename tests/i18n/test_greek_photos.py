"""The photographs in Greek: the Photographs tab, the dialogs and the comparison, with no
label cut short and no English left. Screenshots: tests/screenshots/el-photos-*.png."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import (  # noqa: F401 (fixtures)
    TIMEOUT,
    _collect_on_the_gui_thread,
    db_path,
    open_window,
    settle,
)
from tests.gui.photo_clinic import clinic_with_photos, photo_file, show_patient, show_photos
from tests.gui.test_photos import actions, show_comparison, wait_for
from tests.i18n.test_greek_screens import greek, look  # noqa: F401 (fixture)


def test_the_photographs_in_greek(greek, qtbot, open_window, db_path):
    clinic_with_photos(db_path, count=4)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    qtbot.waitUntil(lambda: set(panel.visible_ids()) <= set(panel.thumbnails), timeout=TIMEOUT)
    assert panel.consent_label.text().startswith("Συγκατάθεση για φωτογραφίες: ")
    look(window, "photos-timeline", allowed={"Dr Maria Ioannou"})

    dialog = show_comparison(qtbot, window)
    look(dialog, "photos-compare")
    dialog.slider_mode.setChecked(True)
    dialog.divider.setValue(520)
    look(dialog, "photos-compare-slider")
    qtbot.mouseClick(dialog.sheet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.previews) == 1, timeout=TIMEOUT)
    window.previews[0].close()
    dialog.close()

    actions(window).add_photos([photo_file(db_path.parent, "μηροί.jpg")])
    added = wait_for(qtbot, lambda: actions(window).import_dialog)
    look(added, "photos-add")
    added.close()
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    box = wait_for(qtbot, lambda: actions(window).withdraw_box)
    look(box, "photos-withdraw")
    box.close()
    settle(qtbot, window)
