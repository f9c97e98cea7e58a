"""History answered, not ticked (issue 13, item 3), and the goals, clinical notes, weight
and documents' language (item 5, in part), driven through the real wizard."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from mesodesk.ui.wizard.wizard import CONCERNS, HISTORY, INGREDIENTS, LIFESTYLE

from .conftest import (
    TIMEOUT,
    answer_history,
    click_box,
    click_next,
    screenshot,
    settle,
    start_consultation,
    type_text,
)


def _next(wizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def test_every_question_needs_an_answer_before_going_on(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Ελένη <b>&</b> Βλάχου", born="1985-05-05",
                                concerns=["cellulite"], until=CONCERNS)
    click_next(qtbot, wizard, HISTORY)
    page = wizard.page_object(HISTORY)
    questions = wizard.state.questions
    assert "under-18" not in questions and len(questions) == len(page.yes) - 1
    # nothing answered: Next is disabled and says why, by name
    assert not _next(wizard).isEnabled()
    assert _next(wizard).text() == f"{len(questions)} unanswered"
    assert page.labels["pregnancy"].text() in _next(wizard).toolTip()
    assert "0 of" in page.progress.text()
    # the yeses by keyboard: focus on the Yes of an item, Space answers it
    page.yes["anticoagulants"].setFocus()
    qtbot.keyClick(page.yes["anticoagulants"], Qt.Key.Key_Space)
    assert page.yes["anticoagulants"].isChecked()
    click_box(qtbot, page.no["pregnancy"])
    assert wizard.state.history == ["anticoagulants"] and not wizard.state.history_reviewed
    assert _next(wizard).text() == f"{len(questions) - 2} unanswered"
    screenshot(wizard, "wizard-3-history-half-answered")
    # Enter on a page with questions left does not slip through either
    wizard.next()
    assert wizard.currentId() == HISTORY
    # then every other one no, in one action
    qtbot.mouseClick(page.no_to_rest, Qt.MouseButton.LeftButton)
    assert all(page.no[h].isChecked() for h in questions if h != "anticoagulants")
    assert page.yes["anticoagulants"].isChecked()  # the yes is kept
    assert wizard.state.history_reviewed and _next(wizard).isEnabled()
    assert _next(wizard).text().replace("&", "") == "Next"
    assert not page.no_to_rest.isEnabled()
    assert "All" in page.progress.text()
    # a no changed to yes afterwards counts as a yes
    click_box(qtbot, page.yes["allergy-soy"])
    assert wizard.state.history == ["anticoagulants", "allergy-soy"]
    click_next(qtbot, wizard, INGREDIENTS)
    assert _next(wizard).toolTip() == ""  # the history's hint stays on its page
    settle(qtbot, window)
    draft = window.session.db.consultations.latest_draft().document
    assert draft.history == ("anticoagulants", "allergy-soy") and draft.history_reviewed


def test_answers_are_saved_as_given_and_a_resumed_draft_keeps_them(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Μαρία Κ.", born="1979-01-31",
                                concerns=["skin-rejuvenation"], until=CONCERNS)
    click_next(qtbot, wizard, HISTORY)
    page = wizard.page_object(HISTORY)
    answer_history(qtbot, page, ["allergy-soy"])
    # saved as answered, without leaving the page
    qtbot.waitUntil(lambda: (d := window.session.db.consultations.latest_draft()) is not None
                    and d.document.history_reviewed, timeout=TIMEOUT)
    wizard.reject()
    settle(qtbot, window)
    draft = window.session.db.consultations.latest_draft()
    window.resume(draft)
    qtbot.waitUntil(lambda: window.wizard is not wizard and window.wizard is not None
                    and window.wizard.isVisible(), timeout=TIMEOUT)
    resumed = window.wizard
    assert resumed.currentId() == HISTORY  # where it was left, showing the answers given
    history = resumed.page_object(HISTORY)
    assert history.yes["allergy-soy"].isChecked()
    assert all(history.no[h].isChecked() for h in resumed.state.questions if h != "allergy-soy")
    assert _next(resumed).isEnabled()
    click_next(qtbot, resumed, INGREDIENTS)


def test_an_imported_version_1_draft_stops_at_the_history_with_its_yeses(qtbot, open_window,
                                                                          db_path):
    from mesodesk.paths import examples_dir
    from mesodesk.services import documents

    window = open_window(db_path)
    imported = documents.import_file(window.session.db, window.session.kb,
                                     examples_dir() / "v1" / "hair-loss-anticoagulants.json")
    assert not imported.record.document.history_reviewed
    window.resume(imported.record)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(),
                    timeout=TIMEOUT)
    wizard = window.wizard
    qtbot.waitUntil(lambda: wizard.currentId() == HISTORY, timeout=TIMEOUT)
    settle(qtbot, window)
    assert wizard.currentId() == HISTORY  # version 1 never asked the other questions
    page = wizard.page_object(HISTORY)
    assert page.yes["anticoagulants"].isChecked()
    assert page.answers["pregnancy"].checkedButton() is None
    assert not _next(wizard).isEnabled()
    qtbot.mouseClick(page.no_to_rest, Qt.MouseButton.LeftButton)
    click_next(qtbot, wizard, INGREDIENTS)


def test_goals_notes_weight_and_language(qtbot, open_window, db_path):
    from mesodesk.services.records import open_records

    with open_records(str(db_path)) as db:  # the clinic writes its papers in Greek
        db.settings.save(dataclasses.replace(db.settings.get(), default_language="el",
                                             practitioner_name="Dr Maria Ioannou"))
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Νίκη Α.", born="1990-03-03",
                                concerns=["cellulite"], until=CONCERNS)
    page = wizard.page_object(CONCERNS)
    assert page.language.currentData() == "el"  # the clinic's default
    # each field says who sees it
    goals_texts = [w.text() for w in page.findChildren(QLabel)]
    assert "The patient sees this on the plan." in goals_texts
    goals = "Λιγότερη κυτταρίτιδα στους μηρούς <b>&</b> 🙂"
    page.goals.setPlainText(goals)
    type_text(qtbot, page.weight, "abc")
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == CONCERNS
    assert page.error.text() == "Weight (kg): 'abc' is not a number of kilograms"
    page.weight.clear()
    type_text(qtbot, page.weight, "500")
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert page.error.text() == "Weight (kg): must be between 20 and 400 kg"
    assert page.goals.toPlainText() == goals  # nothing typed is lost
    page.weight.clear()
    type_text(qtbot, page.weight, "58,5")
    page.language.setCurrentIndex(page.language.findData("en"))
    page.goals.setPlainText("x" * 2001)
    qtbot.mouseClick(_next(wizard), Qt.MouseButton.LeftButton)
    assert page.error.text() == "The patient's goals: 2001 characters; at most 2000 fit"
    page.goals.setPlainText(goals)
    screenshot(wizard, "wizard-2-concerns-goals")
    click_next(qtbot, wizard, HISTORY)
    answer_history(qtbot, wizard.page_object(HISTORY))
    click_next(qtbot, wizard, INGREDIENTS)
    click_next(qtbot, wizard, LIFESTYLE)
    lifestyle = wizard.page_object(LIFESTYLE)
    assert "Only you see this; never printed." in [w.text() for w in
                                                   lifestyle.findChildren(QLabel)]
    private = "Σημείωση: <i>only</i> for me & nobody else"
    lifestyle.clinical_notes.setPlainText(private)
    lifestyle.notes.setPlainText("Drink water.")
    screenshot(wizard, "wizard-5-lifestyle-clinical-notes")
    doc = wizard.state.document()
    assert (doc.goals, doc.clinical_notes, doc.notes) == (goals, private, "Drink water.")
    assert (doc.patient.weight_kg, doc.patient.language, doc.language) == (58.5, "en", "en")
    assert doc.history_reviewed
    click_next(qtbot, wizard, LIFESTYLE + 1)
    settle(qtbot, window)
    stored = window.session.db.consultations.latest_draft().document
    assert (stored.goals, stored.clinical_notes, stored.patient.weight_kg) == (goals, private,
                                                                              58.5)


def test_the_history_and_concerns_pages_fit_a_small_laptop(qtbot, open_window, db_path):
    from PySide6.QtWidgets import QScrollArea

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Small Screen", born="1980-01-01",
                                concerns=["cellulite"], until=CONCERNS)
    wizard.resize(1024, 600)
    qtbot.waitUntil(lambda: wizard.width() == 1024, timeout=TIMEOUT)
    concerns = wizard.page_object(CONCERNS)
    assert concerns.goals.isVisible() and concerns.weight.isVisible()
    click_next(qtbot, wizard, HISTORY)
    page = wizard.page_object(HISTORY)
    [scroll] = page.findChildren(QScrollArea)
    # once the layout has settled at the new size, only a vertical scroll bar is left
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible(), timeout=TIMEOUT)
    screenshot(wizard, "wizard-3-history-1024x600")
    assert page.no_to_rest.isVisible() and page.notes.isVisible()
