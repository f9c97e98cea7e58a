"""The ingredients page: a contraindicated substance is checked only through the override
dialog with a written reason; a general contraindication stops the wizard and offers
"save as not treated"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWizard

from mesodesk.ui.wizard.wizard import HISTORY, INGREDIENTS, LIFESTYLE

from .conftest import TIMEOUT, click_next, screenshot, settle, start_consultation


def press_space_on(qtbot, page, substance: str) -> None:
    """Select the substance in the tree and toggle it with the keyboard, as a person would."""
    item = page.items[substance][0]
    page.tree.setCurrentItem(item)
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Space)


def test_contraindicated_substance_needs_a_written_reason(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Claire Dubois", born="1979-06-03",
                                concerns=["cellulite", "localized-fat"],
                                history=["allergy-soy", "cardiac-arrhythmia"])
    page = wizard.page_object(INGREDIENTS)
    pc = page.items["phosphatidylcholine"][0]
    assert pc.text(1) == "Contraindicated"

    # Ticking it opens the override dialog and leaves it unticked.
    press_space_on(qtbot, page, "phosphatidylcholine")
    qtbot.waitUntil(lambda: page.override_dialog is not None and page.override_dialog.isVisible(),
                    timeout=TIMEOUT)
    dialog = page.override_dialog
    assert pc.checkState(0) == Qt.CheckState.Unchecked
    assert "phosphatidylcholine" not in wizard.state.substances
    assert not dialog.ok_button.isEnabled()
    screenshot(dialog, "override-dialog")
    # Blank space is not a reason.
    dialog.boxes[0][1].setPlainText("   \n  ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # even forced, an empty reason does not close it
    assert dialog.isVisible()
    # Cancel: still unticked, nothing recorded.
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: page.override_dialog is None, timeout=TIMEOUT)
    assert pc.checkState(0) == Qt.CheckState.Unchecked
    assert "phosphatidylcholine" not in wizard.state.substances
    assert wizard.state.overrides_for("phosphatidylcholine") == []
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    # With a reason it is chosen, shown as an override, and the reason is kept.
    press_space_on(qtbot, page, "phosphatidylcholine")
    qtbot.waitUntil(lambda: page.override_dialog is not None, timeout=TIMEOUT)
    dialog = page.override_dialog
    dialog.boxes[0][1].setPlainText("Soy-free preparation <b>confirmed</b> by the pharmacy & lab.")
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert pc.checkState(0) == Qt.CheckState.Checked
    assert pc.text(1) == "Chosen with override"
    assert "phosphatidylcholine" in wizard.state.substances
    assert wizard.state.overrides_for("phosphatidylcholine") == [{
        "substance": "phosphatidylcholine", "history": "allergy-soy",
        "reason": "Soy-free preparation <b>confirmed</b> by the pharmacy & lab."}]
    page.tree.setCurrentItem(pc)
    assert "confirmed" in page.details.toPlainText()

    # Levothyroxine: contraindicated by the arrhythmia AND always needs a reason: two boxes.
    press_space_on(qtbot, page, "levothyroxine")
    qtbot.waitUntil(lambda: page.override_dialog is not None, timeout=TIMEOUT)
    dialog = page.override_dialog
    assert [history for history, _box in dialog.boxes] == ["cardiac-arrhythmia", None]
    dialog.boxes[0][1].setPlainText("Cardiologist agrees.")
    assert not dialog.ok_button.isEnabled()
    dialog.boxes[1][1].setPlainText("Documented hypothyroidism, not for weight loss.")
    dialog.ok_button.click()
    assert {o["history"] for o in wizard.state.overrides_for("levothyroxine")} == {
        "cardiac-arrhythmia", None}

    # Unticking drops the override; the screening stays unblocked throughout.
    press_space_on(qtbot, page, "levothyroxine")
    assert wizard.state.overrides_for("levothyroxine") == []
    assert not page.result.blocked
    screenshot(wizard, "wizard-4-ingredients-override")
    click_next(qtbot, wizard, LIFESTYLE)
    settle(qtbot, window)

    # The draft holds the override with its reason.
    record = window.session.db.consultations.get(wizard.state.consultation_id)
    assert record.status == "draft"
    assert [(o.substance, o.history) for o in record.document.overrides] == [
        ("phosphatidylcholine", "allergy-soy")]


def test_general_contraindication_stops_and_saves_not_treated(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Anna Kowalska", born="1992-02-14",
                                concerns=["cellulite"], history=["pregnancy"],
                                notes="About 10 weeks pregnant.", until=HISTORY)
    history_page = wizard.page_object(HISTORY)
    assert history_page.status.isVisible()
    assert "Pregnancy: no mesotherapy" in history_page.status.text()
    click_next(qtbot, wizard, INGREDIENTS)
    page = wizard.page_object(INGREDIENTS)
    assert page.blocked.isVisible()
    assert "cannot be given" in page.blocked.text()
    assert "Pregnancy: no mesotherapy" in page.blocked.text()
    assert not page.tree.isEnabled()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    screenshot(wizard, "wizard-4-ingredients-blocked")

    page.not_treated_button.click()
    qtbot.waitUntil(lambda: wizard.state.finished, timeout=TIMEOUT)
    settle(qtbot, window)
    assert "not treated" in page.blocked.text()
    records = window.session.db.consultations.for_patient(wizard.state.patient_id)
    assert [r.status for r in records] == ["not-treated"]
    assert records[0].document.history_notes == "About 10 weeks pregnant."
    wizard.reject()
    settle(qtbot, window)
    # Closing after that makes no draft.
    assert window.session.db.consultations.latest_draft() is None


def test_under_18_is_flagged_from_the_date_of_birth(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Sofia Rossi", born="2010-07-01",
                                concerns=["skin-rejuvenation"], until=HISTORY)
    page = wizard.page_object(HISTORY)
    assert page.under_18.isChecked()
    assert not page.under_18.isEnabled()
    label = page.labels["under-18"].text()
    assert "16 years" in label or "15 years" in label
    assert page.status.isVisible()
    click_next(qtbot, wizard, INGREDIENTS)
    assert wizard.page_object(INGREDIENTS).blocked.isVisible()


def test_going_back_to_change_the_concerns_keeps_the_choices_made(qtbot, open_window, db_path):
    from mesodesk.ui.wizard.wizard import CONCERNS

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Inês Gonçalves", born="1987-02-11",
                                concerns=["cellulite"], history=["allergy-lidocaine"])
    page = wizard.page_object(INGREDIENTS)
    assert "lidocaine" not in wizard.state.substances  # contraindicated: left out
    press_space_on(qtbot, page, "caffeine")  # the practitioner drops caffeine
    assert "caffeine" not in wizard.state.substances
    # Back twice, add skin rejuvenation, forward again.
    wizard.back()
    wizard.back()
    assert wizard.currentId() == CONCERNS
    concerns = wizard.page_object(CONCERNS)
    concerns.boxes["skin-rejuvenation"].setChecked(True)
    click_next(qtbot, wizard, HISTORY)
    assert wizard.page_object(HISTORY).yes["allergy-lidocaine"].isChecked()
    click_next(qtbot, wizard, INGREDIENTS)
    chosen = set(wizard.state.substances)
    assert "caffeine" not in chosen  # still dropped
    assert "lidocaine" not in chosen
    assert {"l-carnitine", "rutin", "hyaluronic-acid-non-cross-linked", "multivitamins"} <= chosen
    assert "prp" not in chosen  # never pre-selected for skin
    settle(qtbot, window)
    draft = window.session.db.consultations.latest_draft()
    assert list(draft.document.concerns) == ["cellulite", "skin-rejuvenation"]


def test_the_page_asks_the_domain_which_written_reasons_are_needed(qtbot, open_window, db_path,
                                                                   monkeypatch):
    """Which reasons a substance needs is the domain's decision (SubstanceResult.overridable,
    needs_written_reason, missing_reasons); the page and the dialog only follow it. Here the
    domain is made to say that caffeine needs a written reason for anticoagulants."""
    from mesodesk.domain.screening import Reason, SubstanceResult

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Léa Fontaine", born="1998-10-25",
                                concerns=["cellulite"])
    page = wizard.page_object(INGREDIENTS)
    caffeine = page.items["caffeine"][0]
    assert caffeine.checkState(0) == Qt.CheckState.Checked
    press_space_on(qtbot, page, "caffeine")  # untick it first
    assert "caffeine" not in wizard.state.substances

    real = SubstanceResult.overridable
    lifted = Reason("anticoagulants", "contraindicated", "Said so by the test.", "", False)
    monkeypatch.setattr(SubstanceResult, "overridable", property(
        lambda self: (lifted,) if self.id == "caffeine" else real.fget(self)))
    press_space_on(qtbot, page, "caffeine")
    qtbot.waitUntil(lambda: page.override_dialog is not None and page.override_dialog.isVisible(),
                    timeout=TIMEOUT)
    dialog = page.override_dialog
    assert caffeine.checkState(0) == Qt.CheckState.Unchecked
    assert [history for history, _box in dialog.boxes] == ["anticoagulants"]
    dialog.boxes[0][1].setPlainText("Cleared by the haematologist.")
    dialog.ok_button.click()
    assert caffeine.checkState(0) == Qt.CheckState.Checked
    assert wizard.state.overrides_for("caffeine") == [{
        "substance": "caffeine", "history": "anticoagulants",
        "reason": "Cleared by the haematologist."}]
    monkeypatch.undo()


def test_nothing_left_to_treat_keeps_the_choice_open(qtbot, open_window, db_path):
    """Unticking the last substance blocks signing (nothing to consent to), but the
    practitioner can still choose again or save as not treated: nothing is locked."""
    from tests.gui.conftest import TIMEOUT, start_consultation

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Giorgos Nikolaou", born="1969-01-22",
                                concerns=["hair-loss"])
    page = wizard.page_object(wizard.currentId())
    qtbot.waitUntil(lambda: page.result is not None, timeout=TIMEOUT)
    press_space_on(qtbot, page, "prp")  # the only pre-selected substance
    qtbot.waitUntil(lambda: page.blocked.isVisible(), timeout=TIMEOUT)
    assert page.tree.isEnabled()
    assert "cannot be signed yet" in page.blocked.text()
    assert "save the consultation as not treated" in page.blocked.text()
    assert page.not_treated_button.isVisible()
    from tests.gui.conftest import screenshot

    screenshot(wizard, "wizard-4-nothing-to-treat")
    press_space_on(qtbot, page, "prp")
    qtbot.waitUntil(lambda: not page.blocked.isVisible(), timeout=TIMEOUT)
    wizard.close()
