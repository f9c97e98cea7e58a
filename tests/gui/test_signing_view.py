"""Signing as a patient would (issue 13, item 5): the whole consent as it will print in
large type, a large pad, and a typed name as the keyboard's alternative."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from mesodesk.ui.wizard.wizard import COURSE, FINISH, LIFESTYLE, REVIEW

from .conftest import TIMEOUT, click_next, drag, screenshot, settle, start_consultation

NAME = "Ελένη <b>&</b> Ραλλη"


def _to_review(qtbot, window):
    wizard = start_consultation(qtbot, window, name=NAME, born="1984-09-09",
                                concerns=["cellulite"])
    click_next(qtbot, wizard, LIFESTYLE)
    click_next(qtbot, wizard, COURSE)
    click_next(qtbot, wizard, REVIEW)
    return wizard


def test_the_patient_reads_the_consent_as_printed_and_signs_with_a_typed_name(
        qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = _to_review(qtbot, window)
    page = wizard.page_object(REVIEW)
    qtbot.mouseClick(page.read_and_sign, Qt.MouseButton.LeftButton)
    dialog = page.signing
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: NAME in dialog.text.toPlainText(), timeout=TIMEOUT)
    text = dialog.text.toPlainText()
    assert "consent" in text.lower() and len(text) > 1000  # the whole text, not a summary
    assert dialog.text.font().pointSize() >= 14
    assert dialog.pad.height() >= 200
    assert not dialog.sign_button.isEnabled()  # nothing signed yet
    # keyboard only: the name field, then the button that signs with it
    dialog.name.setFocus()
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Eleni Ralli")
    dialog.name.setFocus()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.typed_button
    qtbot.keyClick(dialog.typed_button, Qt.Key.Key_Space)
    assert dialog.pad.typed == "Eleni Ralli" and not dialog.pad.is_empty()
    assert dialog.sign_button.isEnabled()
    screenshot(dialog, "signing-view-typed-name")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.patient_signature.pad.typed == "Eleni Ralli"
    assert not page.isComplete()  # the practitioner has not signed yet
    drag(qtbot, page.practitioner_signature.pad, [(40, 80), (80, 50), (120, 85), (200, 60)])
    click_next(qtbot, wizard, FINISH)
    qtbot.waitUntil(lambda: wizard.final_record is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    signatures = wizard.final_record.document.signatures
    assert signatures.patient and signatures.practitioner


def test_a_drawn_signature_in_the_large_pad_and_cancel_keeps_nothing(qtbot, open_window,
                                                                    db_path):
    window = open_window(db_path)
    wizard = _to_review(qtbot, window)
    page = wizard.page_object(REVIEW)
    page.open_signing()
    dialog = page.signing
    drag(qtbot, dialog.pad, [(40, 150), (120, 90), (220, 160), (340, 100)])
    assert not dialog.pad.is_empty() and not dialog.pad.typed
    dialog.reject()
    assert page.patient_signature.pad.is_empty()  # cancelled: nothing signed
    page.open_signing()
    dialog = page.signing
    drag(qtbot, dialog.pad, [(40, 150), (120, 90), (220, 160), (340, 100)])
    qtbot.waitUntil(lambda: NAME in dialog.text.toPlainText(), timeout=TIMEOUT)
    screenshot(dialog, "signing-view-drawn")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert not page.patient_signature.pad.is_empty()
    assert len(page.patient_signature.pad.strokes) == 1
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled() is False  # one to go


def test_lines_the_pdf_wrapped_are_joined_again():
    from mesodesk.ui.wizard.signing import reflow

    assert reflow("Please keep it and bring it to your\nsessions.\nPatient Ελένη\nμε σημειώσεις") \
        == "Please keep it and bring it to your sessions.\nPatient Ελένη με σημειώσεις"
