"""The photographs in the patient pane, driven as the practitioner does: the photo consent
given (with its date) and withdrawn (after a confirmation naming what is deleted),
photographs added through the dialog and by dropping files on the patient or a session,
refused without consent, thumbnails read only when shown, and the comparison."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from mesodesk.services import photos
from mesodesk.ui.operations import RecordsChange
from tests.gui.conftest import SCREENSHOTS, TIMEOUT, screenshot, settle
from tests.gui.photo_clinic import (
    ask,
    clinic_with_photos,
    drop_files,
    photo_file,
    show_patient,
    show_photos,
)
from tests.gui.test_accessible_names import repeated, unnamed
from tests.gui.test_dark_palette import dark  # noqa: F401 (fixture)
from tests.gui.test_small_screen import SMALL, too_wide

TODAY = dt.date.today()


def actions(window):
    return window.main_actions.photos


def wait_for(qtbot, found):
    qtbot.waitUntil(lambda: found() is not None and found().isVisible(), timeout=TIMEOUT)
    return found()


def test_photo_consent_given_with_its_date_then_withdrawn_after_the_confirmation(
        qtbot, open_window, db_path):
    ids = clinic_with_photos(db_path, consent=False)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    assert panel.consent_label.text() == "Photo consent: not given"
    assert panel.give_button.isEnabled() and not panel.withdraw_button.isEnabled()

    qtbot.mouseClick(panel.give_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, lambda: actions(window).give_dialog)
    assert dialog.date.text() == TODAY.isoformat()  # today unless changed
    dialog.date.edit.setText("2999-01-01")
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    assert "future" in dialog.message.text() and dialog.isVisible()
    given = TODAY - dt.timedelta(days=3)
    dialog.date.edit.setText(given.isoformat())
    qtbot.mouseClick(dialog.give_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "in force" in panel.consent_label.text(), timeout=TIMEOUT)
    assert panel.consent_label.text() == f"Photo consent: in force since {given.isoformat()}"
    assert panel.withdraw_button.isEnabled() and not panel.give_button.isEnabled()

    # two photographs, then the withdrawal: first cancelled, then confirmed
    for name in ("a.jpg", "b.png"):
        ask(qtbot, window, lambda db, path: photos.add_photo(
            db, ids["patient"], path, area="thighs", view="front"),
            photo_file(db_path.parent, name, kind="PNG" if name.endswith("png") else "JPEG"))
    window.ops.recordsChanged.emit(RecordsChange(patient_id=ids["patient"]))  # added aside
    qtbot.waitUntil(lambda: panel.timeline.count() == 2, timeout=TIMEOUT)

    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    box = wait_for(qtbot, lambda: actions(window).withdraw_box)
    assert "All 2 photographs kept for them will be deleted." in box.text()
    assert "cannot be undone" in box.text() and "Ελένη Παπαδοπούλου" in box.text()
    assert box.withdraw_button.text() == "Withdraw and delete 2 photographs"
    box.button(box.StandardButton.Cancel).click()
    settle(qtbot, window)
    assert ask(qtbot, window, photos.count_photos, ids["patient"]) == 2

    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions(window).withdraw_box is not box
                    and actions(window).withdraw_box.isVisible(), timeout=TIMEOUT)
    actions(window).withdraw_box.withdraw_button.click()
    qtbot.waitUntil(lambda: "withdrawn on" in panel.consent_label.text(), timeout=TIMEOUT)
    settle(qtbot, window)
    assert panel.timeline.count() == 0 and panel.series.count() == 0
    assert ask(qtbot, window, photos.count_photos, ids["patient"]) == 0
    assert "2 photographs deleted" in window.statusBar().currentMessage()
    assert panel.give_button.isEnabled() and not panel.withdraw_button.isEnabled()


def test_photographs_added_through_the_dialog_with_their_tags(qtbot, open_window, db_path):
    ids = clinic_with_photos(db_path)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    assert panel.timeline.count() == 0
    files = [photo_file(db_path.parent, "Ελένη μηροί.jpg"), photo_file(db_path.parent,
                                                                       "side <b>&.png",
                                                                       kind="PNG")]
    actions(window).add_photos(files)  # what the file dialog answers
    dialog = wait_for(qtbot, lambda: actions(window).import_dialog)
    assert [dialog.files.item(i).text() for i in range(dialog.files.count())] == [
        "Ελένη μηροί.jpg", "side <b>&.png"]
    assert dialog.session.currentData() is None  # before the course
    dialog.area.setCurrentIndex(dialog.area.findData("thighs"))
    assert dialog.area.currentText() == "Thighs"
    dialog.view.setCurrentIndex(dialog.view.findData("side"))
    dialog.session.setCurrentIndex(dialog.session.findData(ids["session"]))
    assert dialog.session.currentText().startswith("session 1, ")
    dialog.taken.edit.setText("31/02/2026")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text().startswith("Date taken:") and dialog.isVisible()
    dialog.taken.edit.setText(TODAY.isoformat())
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.timeline.count() == 2, timeout=TIMEOUT)
    assert panel.series.currentText() == "Thighs, Side view (2 photographs)"
    stored = ask(qtbot, window, photos.list_photos, ids["patient"])
    assert [(p.area, p.view, p.session_id, p.taken_on) for p in stored] == [
        ("thighs", "side", ids["session"], TODAY)] * 2
    assert "2 photographs added" in window.statusBar().currentMessage()


def test_a_file_that_is_not_a_photograph_is_named_and_the_rest_added(qtbot, open_window,
                                                                     db_path):
    ids = clinic_with_photos(db_path)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    broken = db_path.parent / "broken.jpg"
    broken.write_bytes(b"not an image at all")
    actions(window).add_photos([photo_file(db_path.parent, "good.jpg"), str(broken)])
    dialog = wait_for(qtbot, lambda: actions(window).import_dialog)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "broken.jpg:" in dialog.message.text(), timeout=TIMEOUT)
    assert dialog.isVisible() and dialog.paths == [str(broken)]
    assert "1 photograph added." in dialog.message.text()
    assert ask(qtbot, window, photos.count_photos, ids["patient"]) == 1
    qtbot.waitUntil(lambda: panel.timeline.count() == 1, timeout=TIMEOUT)


def test_files_dropped_on_the_patient_or_on_a_session_open_the_dialog(qtbot, open_window,
                                                                      db_path):
    ids = clinic_with_photos(db_path)
    window = open_window(db_path)
    show_patient(qtbot, window)
    window.history.selectRow(0)
    course = window.detail.course
    qtbot.waitUntil(lambda: course.record_button.isEnabled(), timeout=TIMEOUT)
    picture = photo_file(db_path.parent, "dropped.jpg")
    text = db_path.parent / "notes.txt"
    text.write_text("not a photograph")

    assert not drop_files(window.detail, [str(text)])  # only image files are taken
    assert drop_files(window.detail, [picture])
    dialog = wait_for(qtbot, lambda: actions(window).import_dialog)
    assert dialog.paths == [picture] and dialog.session.currentData() is None
    dialog.reject()

    panel = show_photos(qtbot, window)  # on the timeline: the patient's too
    assert drop_files(panel.timeline.viewport(), [picture])
    qtbot.waitUntil(lambda: actions(window).import_dialog is not dialog
                    and actions(window).import_dialog.isVisible(), timeout=TIMEOUT)
    dialog = actions(window).import_dialog
    assert dialog.paths == [picture] and dialog.session.currentData() is None
    dialog.reject()

    window.detail.sections.setCurrentIndex(0)
    table = course.table
    row_one = table.visualItemRect(table.item(0, 0)).center()
    assert drop_files(table.viewport(), [picture], row_one)
    qtbot.waitUntil(lambda: actions(window).import_dialog is not dialog
                    and actions(window).import_dialog.isVisible(), timeout=TIMEOUT)
    dialog = actions(window).import_dialog
    assert dialog.session.currentData() == ids["session"]  # the session it was dropped on
    assert dialog.area.currentData() == "thighs"            # that session's area
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    stored = ask(qtbot, window, photos.list_photos, ids["patient"])
    assert [(p.area, p.session_id) for p in stored] == [("thighs", ids["session"])]


def test_no_photograph_without_photo_consent(qtbot, open_window, db_path):
    ids = clinic_with_photos(db_path, consent=False)
    window = open_window(db_path)
    show_patient(qtbot, window)
    assert drop_files(window.detail, [photo_file(db_path.parent, "x.jpg")])
    box = wait_for(qtbot, lambda: actions(window).refusal_box)
    assert "photo consent is not in force" in box.text() and "Ελένη" in box.text()
    assert actions(window).import_dialog is None
    box.accept()
    panel = show_photos(qtbot, window)
    assert "once the patient's photo consent is given" in panel.message.text()
    # Add photographs… says so before a file is chosen (a file dialog would be closed here)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog)
                           and QApplication.activeModalWidget().reject())
    safety.start(3000)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: actions(window).refusal_box is not box
                    and actions(window).refusal_box.isVisible(), timeout=TIMEOUT)
    safety.stop()
    assert actions(window).import_dialog is None
    assert ask(qtbot, window, photos.count_photos, ids["patient"]) == 0


def test_thumbnails_are_read_only_when_shown(qtbot, open_window, db_path):
    ids = clinic_with_photos(db_path, count=24)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = window.detail.photos
    assert not panel.isVisible()
    settle(qtbot, window)
    assert not panel.loaded and panel.requested == set() and panel.thumbnails == {}
    window.detail.sections.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.loaded and len(panel.thumbnails) > 0, timeout=TIMEOUT)
    settle(qtbot, window)
    first = set(panel.requested)
    assert panel.timeline.count() == 24
    assert first == set(panel.visible_ids()) and 0 < len(first) < 24  # only what is on screen
    panel.timeline.verticalScrollBar().setValue(panel.timeline.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: panel.requested > first, timeout=TIMEOUT)
    settle(qtbot, window)
    assert set(panel.thumbnails) == panel.requested
    assert set(panel.visible_ids()) <= set(panel.thumbnails)
    assert panel.requested <= set(ids["photos"])


def test_compare_side_by_side_and_slider_then_the_sheet(qtbot, open_window, db_path):
    ids = clinic_with_photos(db_path, count=3)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    assert panel.compare_button.isEnabled()
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, lambda: actions(window).compare_dialog)
    assert dialog.pair() == (ids["photos"][0], ids["photos"][2])  # first and last
    qtbot.waitUntil(lambda: dialog.view.before is not None and dialog.view.after is not None,
                    timeout=TIMEOUT)
    before, after = dialog.view.frames()
    assert before.width() == after.width() and not before.intersects(after)

    qtbot.mouseClick(dialog.slider_mode, Qt.MouseButton.LeftButton)
    assert dialog.view.mode == "slider" and dialog.divider.isEnabled()
    frame = dialog.view.frames()[0]
    qtbot.mouseClick(dialog.view, Qt.MouseButton.LeftButton,
                     pos=QPoint(frame.center().x(), frame.center().y()))
    assert abs(dialog.divider.value() - 500) <= 10
    dialog.divider.setValue(250)
    assert dialog.view.divider == 0.25

    dialog.after_box.setCurrentIndex(0)
    assert not dialog.sheet_button.isEnabled() and "two different" in dialog.message.text()
    dialog.before_box.setCurrentIndex(2)
    dialog.after_box.setCurrentIndex(1)  # the later one as before: shown, but no sheet
    assert not dialog.sheet_button.isEnabled() and "taken after" in dialog.message.text()
    qtbot.waitUntil(lambda: dialog.view.before is not None and dialog.view.after is not None,
                    timeout=TIMEOUT)
    dialog.before_box.setCurrentIndex(0)
    assert dialog.sheet_button.isEnabled() and dialog.message.isHidden()
    qtbot.mouseClick(dialog.sheet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.previews) == 1, timeout=TIMEOUT)
    preview = window.previews[0]
    assert preview.pane.document.pageCount() >= 1 and preview.pane.pdf.startswith(b"%PDF")
    (SCREENSHOTS / "photos-sheet.pdf").write_bytes(preview.pane.pdf)  # to look at
    assert preview.windowTitle().startswith("Comparison sheet: Ελένη Παπαδοπούλου")
    preview.close()


def test_the_photographs_name_their_controls_and_fit_a_small_screen(qtbot, open_window,
                                                                   db_path):
    clinic_with_photos(db_path, count=3)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    assert unnamed(window) == [] and repeated(panel) == []
    window.resize(SMALL)
    settle(qtbot, window)
    assert too_wide(window) == []
    screenshot(window, "photos-small-screen")
    actions(window).give_consent()
    actions(window).add_photos([photo_file(db_path.parent, "n.jpg")])
    panel.compare_button.click()
    settle(qtbot, window)
    for dialog in (actions(window).give_dialog, actions(window).import_dialog,
                   actions(window).compare_dialog):
        assert dialog is not None and dialog.isVisible(), dialog
        assert unnamed(dialog) == [], type(dialog).__name__
        assert repeated(dialog) == [], type(dialog).__name__
        dialog.close()


def show_comparison(qtbot, window, slider: bool = False):
    panel = window.detail.photos
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    dialog = wait_for(qtbot, lambda: actions(window).compare_dialog)
    dialog.resize(980, 600)
    qtbot.waitUntil(lambda: dialog.view.before is not None and dialog.view.after is not None,
                    timeout=TIMEOUT)
    if slider:
        dialog.slider_mode.setChecked(True)
        dialog.divider.setValue(520)
    return dialog


def test_screenshots_of_the_timeline_and_the_comparison(qtbot, open_window, db_path):
    """tests/screenshots/photos-*.png (the ones in docs/ are these)."""
    clinic_with_photos(db_path, count=4)
    window = open_window(db_path)
    show_patient(qtbot, window)
    window.history.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.course.record_button.isEnabled(), timeout=TIMEOUT)
    screenshot(window, "photos-consultations-tab")  # the tab the photographs sit beside
    panel = show_photos(qtbot, window)
    qtbot.waitUntil(lambda: set(panel.visible_ids()) <= set(panel.thumbnails), timeout=TIMEOUT)
    screenshot(window, "photos-timeline")
    dialog = show_comparison(qtbot, window)
    screenshot(dialog, "photos-compare")
    dialog.slider_mode.setChecked(True)
    dialog.divider.setValue(520)
    screenshot(dialog, "photos-compare-slider")


def test_the_photographs_on_a_dark_palette(qtbot, open_window, db_path, dark):
    import re

    from PySide6.QtGui import QColor, QPalette

    from tests.gui.test_dark_palette import WCAG_AA, contrast

    clinic_with_photos(db_path, count=4)
    window = open_window(db_path)
    show_patient(qtbot, window)
    panel = show_photos(qtbot, window)
    qtbot.waitUntil(lambda: set(panel.visible_ids()) <= set(panel.thumbnails), timeout=TIMEOUT)
    screenshot(window, "dark-photos-timeline")
    dialog = show_comparison(qtbot, window, slider=True)
    screenshot(dialog, "dark-photos-compare-slider")
    dialog.after_box.setCurrentIndex(0)  # the same photograph twice: the problem in red
    shade = QColor(re.search(r"color: (#[0-9a-f]{6})", dialog.message.styleSheet()).group(1))
    assert contrast(shade, dialog.palette().color(QPalette.ColorRole.Window)) >= WCAG_AA
