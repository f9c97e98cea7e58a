"""The app in Greek: the main window and every page of the wizard at 1366×768, with no
label cut short and no English left (outside names and what was typed). Screenshots:
tests/screenshots/el-*.png."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWizard

from mesodesk.i18n import set_language
from mesodesk.ui.qt_translations import install_qt_translators
from mesodesk.ui.wizard.wizard import COURSE, FINISH, HISTORY, INGREDIENTS, LIFESTYLE, REVIEW
from tests.gui.conftest import (  # noqa: F401 (fixtures)
    SCREEN,
    TIMEOUT,
    _collect_on_the_gui_thread,
    answer_history,
    click_box,
    click_next,
    db_path,
    drag,
    open_window,
    screenshot,
    settle,
    start_consultation,
)
from tests.i18n.screen_check import clipped, english_left

NAME = "Ελένη Παπαδοπούλου"


def knowledge_without_greek(kb) -> set[str]:
    """The knowledge base's texts written in English only (a bilingual text knows its
    translations and is not excused): none once every text has its Greek."""
    found: set[str] = set()

    def walk(value, depth: int = 0) -> None:
        if isinstance(value, str):
            if "el" not in (getattr(value, "translations", None) or {}):
                found.add(str(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item, depth)
        elif depth < 4 and hasattr(value, "__dict__"):
            for item in vars(value).values():
                walk(item, depth + 1)

    walk(kb)
    return {text for text in found if len(text) > 3}
PRACTITIONER = "Δρ Μαρία Ιωάννου"


@pytest.fixture
def greek(qapp, monkeypatch):
    monkeypatch.setenv("MESODESK_LANGUAGE", "el")
    set_language("el")
    install_qt_translators(qapp)
    yield
    set_language("en")
    install_qt_translators(qapp)


def look(widget, name: str, allowed: set[str] = frozenset()) -> None:
    screenshot(widget, f"el-{name}")
    assert not clipped(widget), clipped(widget)
    assert not english_left(widget, allowed), english_left(widget, allowed)


def test_main_window_in_greek(greek, qtbot, open_window, db_path):
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.store import open_database
    from mesodesk.ui.demo import fill_demo_database

    db = open_database(str(db_path))  # the demo clinic: Greek and Latin names
    fill_demo_database(db, default_knowledge())
    db.close()
    window = open_window(db_path)
    window.resize(SCREEN)
    settle(qtbot, window)
    look(window, "main-window", allowed=window_names(window))
    assert window.menuBar().actions()[0].text() == "&Αρχείο"


def window_names(window) -> set[str]:
    """The demo patients' names, as typed (Latin or Greek)."""
    model = window.model
    return {str(model.index(row, 0).data()) for row in range(model.rowCount())}


def test_every_wizard_page_in_greek(greek, qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name=NAME, born="1988-04-12",
                                concerns=["cellulite"], until=0)
    wizard.page_object(0).practitioner.setText(PRACTITIONER)
    typed = {NAME, PRACTITIONER} | knowledge_without_greek(window.session.kb)
    look(wizard, "wizard-1-patient", typed)
    wizard = wizard
    click_next(qtbot, wizard, 1)
    click_box(qtbot, wizard.page_object(1).boxes["cellulite"])
    look(wizard, "wizard-2-concerns", typed)
    click_next(qtbot, wizard, HISTORY)
    look(wizard, "wizard-3-history", typed)  # unanswered: Next says what is left, in Greek
    answer_history(qtbot, wizard.page_object(HISTORY))
    look(wizard, "wizard-3-history-answered", typed)
    click_next(qtbot, wizard, INGREDIENTS)
    look(wizard, "wizard-4-ingredients", typed)
    click_next(qtbot, wizard, LIFESTYLE)
    look(wizard, "wizard-5-lifestyle", typed)
    click_next(qtbot, wizard, COURSE)
    look(wizard, "wizard-6-course", typed)
    click_next(qtbot, wizard, REVIEW)
    page = wizard.page_object(REVIEW)
    drag(qtbot, page.patient_signature.pad, [(30, 70), (60, 40), (90, 80), (130, 45)])
    drag(qtbot, page.practitioner_signature.pad, [(40, 80), (80, 50), (120, 85), (200, 60)])
    look(wizard, "wizard-7-review", typed)
    click_next(qtbot, wizard, FINISH)
    finish = wizard.page_object(FINISH)
    # finished, or refused with the reason (either is a screen the practitioner reads)
    qtbot.waitUntil(lambda: finish.done or finish.result_banner.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    qtbot.wait(500)
    look(wizard, "wizard-8-finished", typed)
    if finish.done:
        wizard.button(QWizard.WizardButton.FinishButton).click()


def test_qt_own_buttons_in_greek(greek, qtbot):
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    texts = {b.text().replace("&", "") for b in buttons.buttons()}
    assert texts == {"Αποθήκευση", "Άκυρο"}


def test_english_again_after_greek(qapp, qtbot):
    set_language("el")
    install_qt_translators(qapp)
    set_language("en")
    install_qt_translators(qapp)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.buttons()[0].text().replace("&", "") == "Cancel"


def test_the_screen_checks_find_what_they_look_for(greek, qtbot):
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    short = QLabel("Ημερομηνία γέννησης του ασθενούς")
    short.setFixedWidth(40)
    layout.addWidget(short)
    layout.addWidget(QPushButton("Settings"))  # one of the app's messages, left in English
    layout.addWidget(QLabel("Ελένη Παπαδοπούλου"))
    layout.addWidget(QLabel("Dr Maria Ioannou"))
    root.show()
    assert [p for p in clipped(root) if "Ημερομηνία" in p]
    assert english_left(root, {"Maria Ioannou"}) == ["QPushButton: 'Settings'"]
    assert len(english_left(root)) == 2  # an English name is English unless it was typed


def test_qt_file_dialog_and_message_box_in_greek(greek, qtbot, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, "mesodesk", "Να κλείσει η επίσκεψη;",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Discard)
    qtbot.addWidget(box)
    box.show()
    assert {b.text().replace("&", "") for b in box.buttons()} == {"Ναι", "Όχι", "Απόρριψη"}
    dialog = QFileDialog(None, "Αποθήκευση του PDF", str(tmp_path), "Έγγραφα PDF (*.pdf)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on a bare desktop
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.resize(800, 500)
    dialog.show()
    screenshot(dialog, "el-qt-file-dialog")
    assert not english_left(dialog, {"mesodesk"}), english_left(dialog)
