"""Every control a person can reach has a name a screen reader speaks, distinct on its page.

The name is what Qt's accessibility layer reports (an explicit accessible name, a button's
text, or the label that is the control's buddy), read through QAccessible as a screen
reader would. The two signature pads and each course's fields must not share a name.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

from tests.gui.conftest import click_next, settle, start_consultation


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) or "").strip() if interface else ""


def reachable(root: QWidget) -> list[QWidget]:
    """The controls Tab reaches under ``root`` (the editor inside a spin or combo box
    speaks for its box, so only the box counts)."""
    return [widget for widget in root.findChildren(QWidget)
            if widget.isVisibleTo(root) and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))]


def unnamed(root: QWidget) -> list[str]:
    return sorted(f"{type(w).__name__} in {type(w.parent()).__name__}"
                  for w in reachable(root) if not spoken_name(w))


def repeated(root: QWidget) -> list[str]:
    names = Counter(spoken_name(w) for w in reachable(root))
    return sorted(name for name, count in names.items() if name and count > 1)


def test_every_wizard_page_names_its_controls_once(qtbot, open_window, db_path):
    from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, REVIEW

    window = open_window(db_path)
    settle(qtbot, window)
    problems = {"main window": unnamed(window)}
    wizard = start_consultation(qtbot, window, name="Anna", born="12/04/1988",
                                concerns=["cellulite", "hair-loss"], until=CONCERNS)
    problems["step 1"] = unnamed(wizard.page_object(0))
    for step in range(CONCERNS, REVIEW + 1):
        if step > CONCERNS:
            click_next(qtbot, wizard, step)
        page = wizard.page_object(step)
        problems[f"step {step + 1}"] = unnamed(page) + [f"repeated: {n}" for n in repeated(page)]
        if step == HISTORY:
            page.no_to_rest.click()  # every question answered before going on
    problems = {where: found for where, found in problems.items() if found}
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_the_dialogs_name_their_controls(qtbot):
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.ui.patient_dialog import PatientDialog
    from mesodesk.ui.settings_dialog import SettingsDialog
    from mesodesk.ui.wizard.signing import SigningDialog

    for dialog in (PatientDialog(), SettingsDialog(ClinicSettings(), "a plain SQLite file", "/tmp/x.db"),
                   SigningDialog("Ελένη")):
        qtbot.addWidget(dialog)
        dialog.show()
        assert unnamed(dialog) == [], type(dialog).__name__
        assert repeated(dialog) == [], type(dialog).__name__
