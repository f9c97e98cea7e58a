"""Drafts: every page change saves one; closing the window mid-wizard loses nothing, and
the next start offers the draft and resumes it where it was left."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from mesodesk.ui.wizard.wizard import HISTORY, INGREDIENTS, LIFESTYLE, REVIEW

from .conftest import TIMEOUT, click_box, click_next, screenshot, settle, start_consultation


def test_close_mid_wizard_and_find_the_draft_on_restart(qtbot, open_window, db_path):
    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Ирина Смирнова", born="1986-03-19",
                                concerns=["skin-rejuvenation", "hair-loss"],
                                history=["anticoagulants"], until=HISTORY)
    page = wizard.page_object(HISTORY)
    # Typed on the current page and never confirmed with Next: must survive the close too.
    page.notes.setPlainText("Apixaban 5 mg twice daily; <i>no</i> NSAIDs & no aspirin.")
    click_box(qtbot, page.yes["recent-nsaids"])
    settle(qtbot, window)
    first_draft = window.session.db.consultations.latest_draft()
    assert first_draft is not None  # saved when the history page was reached
    assert first_draft.document.history_notes == ""

    window.close()  # the window (and the wizard in it) closes mid-consultation
    assert not wizard.isVisible()

    again = open_window(db_path)
    assert again.draft_banner.isVisible()
    assert "Ирина Смирнова" in again.draft_banner.text()
    assert again.resume_action.isEnabled()
    screenshot(again, "main-window-draft-offered")

    again.draft_resume_button.click()
    qtbot.waitUntil(lambda: again.wizard is not None and again.wizard.isVisible(), timeout=TIMEOUT)
    resumed = again.wizard
    state = resumed.state
    assert state.consultation_id == first_draft.id
    assert state.patient["name"] == "Ирина Смирнова"
    assert state.concerns == ["skin-rejuvenation", "hair-loss"]
    assert state.history == ["anticoagulants", "recent-nsaids"]
    assert state.history_notes == "Apixaban 5 mg twice daily; <i>no</i> NSAIDs & no aspirin."
    # It reopens where the practitioner was, with the page showing what was typed.
    assert resumed.currentId() == HISTORY
    page = resumed.page_object(HISTORY)
    assert page.yes["recent-nsaids"].isChecked()
    assert page.notes.toPlainText() == state.history_notes

    # Carry on from there: the same draft is updated, not a second one made.
    click_next(qtbot, resumed, INGREDIENTS)
    click_next(qtbot, resumed, LIFESTYLE)
    settle(qtbot, again)
    drafts = [r for r in again.session.db.consultations.for_patient(state.patient_id)
              if r.status == "draft"]
    assert [r.id for r in drafts] == [first_draft.id]
    assert drafts[0].document.substances is not None

    # Closing the wizard itself (not the window) also keeps the draft, and the next resume
    # goes on past the pages already done.
    resumed.button(QWizard.WizardButton.CancelButton).click()
    settle(qtbot, again)
    record = again.session.db.consultations.latest_draft()
    assert record.id == first_draft.id
    again.resume(record)
    qtbot.waitUntil(lambda: again.wizard is not resumed and again.wizard is not None
                    and again.wizard.isVisible(), timeout=TIMEOUT)
    assert again.wizard.currentId() == LIFESTYLE


def test_resume_goes_to_review_when_the_course_was_set(qtbot, open_window, db_path):
    from mesodesk.ui.wizard.wizard import COURSE

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Zoë Müller", born="1990-12-24",
                                concerns=["cellulite"])
    click_next(qtbot, wizard, LIFESTYLE)
    click_next(qtbot, wizard, COURSE)
    click_next(qtbot, wizard, REVIEW)
    wizard.reject()
    settle(qtbot, window)
    draft = window.session.db.consultations.latest_draft()
    assert draft.document.courses
    window.resume(draft)
    qtbot.waitUntil(lambda: window.wizard is not wizard and window.wizard is not None,
                    timeout=TIMEOUT)
    assert window.wizard.currentId() == REVIEW


def test_closing_on_the_first_page_keeps_a_typed_patient(qtbot, open_window, db_path):
    from PySide6.QtWidgets import QMessageBox

    from .conftest import type_text

    window = open_window(db_path)
    wizard = window.new_consultation()
    page = wizard.currentPage()
    type_text(qtbot, page.form.name, "Αικατερίνη Σταύρου")
    # Incomplete (no date of birth): closing asks before losing it.
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()
    box = wizard.discard_box
    assert box is not None and box.isVisible()
    assert "Date of birth" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert wizard.isVisible()
    assert page.form.error.text() == "Date of birth: is required"
    # Complete: closing keeps the patient, nothing asked.
    qtbot.keyClicks(page.form.born.edit, "1991-09-09")
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    settle(qtbot, window)
    patients = window.session.db.patients.search("", limit=10)
    assert [p.name for p in patients] == ["Αικατερίνη Σταύρου"]
    qtbot.waitUntil(lambda: window.current_patient is not None, timeout=TIMEOUT)
    assert window.current_patient.name == "Αικατερίνη Σταύρου"

    # And when the whole window closes, an incomplete form is not allowed to block quitting.
    wizard = window.new_consultation()
    wizard.page_object(wizard.currentId()).start_new_patient()
    type_text(qtbot, wizard.currentPage().form.name, "Half typed")
    window.close()
    assert not wizard.isVisible()


def test_a_draft_resumed_on_a_later_day_warns_of_sessions_before_today(qtbot, open_window,
                                                                       db_path):
    """The draft was planned 40 days ago with its first session 33 days ago: the course
    page shows the domain's warning that the course starts before today, until the first
    session date is changed."""
    import datetime as dt
    import json

    from PySide6.QtCore import QDate

    from mesodesk.domain.document import parse_structure
    from mesodesk.domain.records import NewPatient
    from mesodesk.paths import examples_dir
    from mesodesk.ui.wizard.wizard import COURSE

    from .conftest import SCREEN

    today = dt.date.today()
    planned = today - dt.timedelta(days=40)
    first = planned + dt.timedelta(days=7)
    data = json.loads((examples_dir() / "skin-rejuvenation.json").read_text(encoding="utf-8"))
    data["date"] = planned.isoformat()
    data["courses"] = [{"concern": "skin-rejuvenation", "sessions": 4, "interval_days": 14,
                        "start_date": first.isoformat()}]
    window = open_window(db_path)
    db = window.session.db
    doc = parse_structure(data)
    patient = db.patients.create(NewPatient(name=doc.patient.name,
                                            date_of_birth=doc.patient.date_of_birth, sex="male"))
    draft = db.consultations.save_draft(patient.id, doc)

    window.resume(draft)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(),
                    timeout=TIMEOUT)
    wizard = window.wizard
    wizard.resize(SCREEN)
    assert wizard.currentId() == REVIEW
    wizard.back()
    assert wizard.currentId() == COURSE
    editor = wizard.page_object(COURSE).editors["skin-rejuvenation"]
    assert editor.warnings.isVisible()
    warning = editor.warnings.text()
    assert f"the first session ({first.isoformat()}) is before today" in warning
    assert "choose a new start date" in warning
    screenshot(wizard, "wizard-6-course-past-sessions")

    start = today + dt.timedelta(days=3)
    editor.start.setDate(QDate(start.year, start.month, start.day))
    assert editor.warnings.isHidden()
    yesterday = today - dt.timedelta(days=1)
    editor.start.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert f"({yesterday.isoformat()}) is before today" in editor.warnings.text()
    wizard.reject()
    settle(qtbot, window)
