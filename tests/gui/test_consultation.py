"""A whole consultation through the real widgets: patient, concerns, a soy allergy, the
ingredients, lifestyle, the course, two signatures drawn with the mouse, finish; then the
stored consultation, the signed PDF's text and the audit trail are checked."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from mesodesk.ui.wizard.wizard import (
    CONCERNS,
    COURSE,
    FINISH,
    HISTORY,
    INGREDIENTS,
    LIFESTYLE,
    PATIENT,
    REVIEW,
)

from .conftest import (
    SCREEN,
    TIMEOUT,
    answer_history,
    click_box,
    click_next,
    drag,
    screenshot,
    settle,
    type_text,
)

NAME = "Ελένη <b>&</b> Παπαδοπούλου"


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_whole_consultation(qtbot, open_window, db_path, tmp_path):
    window = open_window(db_path)
    screenshot(window, "main-window-empty")
    assert "No patients yet" in window.list_message.text()

    wizard = window.new_consultation()
    assert wizard is not None
    wizard.resize(SCREEN)
    assert wizard.currentId() == PATIENT

    # -- patient: a new one, typed with the keyboard
    page = wizard.page_object(PATIENT)
    type_text(qtbot, page.form.name, NAME)
    qtbot.keyClicks(page.form.born.edit, "1988-04-12")
    page.form.sex.setCurrentIndex(page.form.sex.findData("female"))
    qtbot.keyClicks(page.form.phone, "+30 210 000 0000")
    page.practitioner.setText("Dr Maria Ioannou")
    page.registration.setText("12345")
    screenshot(wizard, "wizard-1-patient")
    click_next(qtbot, wizard, CONCERNS)
    assert wizard.state.patient_id is not None

    # -- concerns and areas
    page = wizard.page_object(CONCERNS)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    click_box(qtbot, page.boxes["cellulite"])
    page.boxes["localized-fat"].setChecked(True)
    qtbot.keyClicks(page.areas, "thighs, abdomen")
    screenshot(wizard, "wizard-2-concerns")
    click_next(qtbot, wizard, HISTORY)
    assert wizard.state.concerns == ["cellulite", "localized-fat"]
    assert wizard.state.areas == ["thighs", "abdomen"]

    # -- medical history: a soy allergy
    page = wizard.page_object(HISTORY)
    answer_history(qtbot, page, ["allergy-soy"])
    page.notes.setPlainText("Hives after soy milk 🙂")
    assert not page.under_18.isChecked()
    assert page.status.isHidden()
    screenshot(wizard, "wizard-3-history")
    click_next(qtbot, wizard, INGREDIENTS)

    # -- ingredients: phosphatidylcholine is out because of the soy allergy
    page = wizard.page_object(INGREDIENTS)
    chosen = set(wizard.state.substances)
    assert {"l-carnitine", "caffeine", "rutin", "artichoke-extract", "lidocaine",
            "deoxycholic-acid"} <= chosen
    assert "phosphatidylcholine" not in chosen
    pc = page.items["phosphatidylcholine"][0]
    assert pc.checkState(0) == Qt.CheckState.Unchecked
    assert pc.text(1) == "Contraindicated"
    assert "Soy allergy" in pc.toolTip(0)
    page.tree.setCurrentItem(pc)
    assert "soy" in page.details.toPlainText().lower()
    # lidocaine with injection lipolysis: the domain's warning is shown
    assert "lipolysis" in page.warnings.toPlainText().lower()
    page.tree.setCurrentItem(page.items["deoxycholic-acid"][0])
    screenshot(wizard, "wizard-4-ingredients")
    click_next(qtbot, wizard, LIFESTYLE)

    # -- lifestyle
    page = wizard.page_object(LIFESTYLE)
    page.boxes["smoking"].setChecked(True)
    page.boxes["physical-inactivity"].setChecked(True)
    assert "smoking" in page.advice.toPlainText().lower()
    page.notes.setPlainText("Prefers morning appointments.")
    screenshot(wizard, "wizard-5-lifestyle")
    click_next(qtbot, wizard, COURSE)

    # -- course: 8 cellulite sessions, the dates update live
    page = wizard.page_object(COURSE)
    cellulite = page.editors["cellulite"]
    assert cellulite.dates.count() == 10
    cellulite.sessions.setValue(8)
    assert cellulite.dates.count() == 8
    assert cellulite.warnings.isHidden()
    fat = page.editors["localized-fat"]
    fat.interval.setValue(14)  # below the 28 days deoxycholic acid needs
    assert not fat.warnings.isHidden()
    assert "28" in fat.warnings.text()
    screenshot(wizard, "wizard-6-course")
    fat.interval.setValue(28)
    assert fat.warnings.isHidden()
    click_next(qtbot, wizard, REVIEW)

    # -- review and consent: everything on one page, two signatures drawn with the mouse
    page = wizard.page_object(REVIEW)
    summary = page.summary.toPlainText()
    assert NAME in summary
    assert "Phosphatidylcholine" in summary  # left out, and why
    assert "8 sessions" in summary
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert not commit.isEnabled()
    page.photo.setChecked(True)
    drag(qtbot, page.patient_signature.pad, [(30, 70), (60, 40), (90, 80), (130, 45), (170, 75)])
    assert not commit.isEnabled()  # the practitioner has not signed yet
    drag(qtbot, page.practitioner_signature.pad, [(40, 80), (80, 50), (120, 85), (200, 60)])
    assert not page.patient_signature.pad.is_empty()
    assert commit.isEnabled()
    screenshot(wizard, "wizard-7-review")
    click_next(qtbot, wizard, FINISH)

    # -- finish: the final consultation and the signed PDF are stored
    page = wizard.page_object(FINISH)
    qtbot.waitUntil(lambda: page.done, timeout=TIMEOUT)
    settle(qtbot, window)
    assert page.pane is not None and page.pane.document.pageCount() >= 2
    qtbot.wait(1000)  # QPdfView draws its pages in the background: let it, for the picture
    screenshot(wizard, "wizard-8-finished")
    assert "fingerprint" in page.result_banner.text()
    # Saved with the calendar option: the course's sessions beside the PDF, as <name>.ics.
    page.pane.calendar_option.click()
    assert page.pane.save_to(tmp_path / "Ελένη plan.pdf")
    qtbot.waitUntil(lambda: ".ics" in page.pane.message.text(), timeout=TIMEOUT)
    calendar = icalendar.Calendar.from_ical((tmp_path / "Ελένη plan.ics").read_bytes())
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert "Mesotherapy session 1 of 8: Cellulite" in summaries
    assert len(summaries) == 8 + wizard.state.document().courses[1].sessions
    wizard.button(QWizard.WizardButton.FinishButton).click()

    db = window.session.db
    records = db.consultations.for_patient(wizard.state.patient_id)
    assert len(records) == 1
    record = records[0]
    assert record.status == "final"
    assert record.has_signed_consent
    doc = record.document
    assert doc.patient.name == NAME
    assert doc.date == dt.date.today()
    assert list(doc.concerns) == ["cellulite", "localized-fat"]
    assert "allergy-soy" in doc.history
    assert doc.history_notes == "Hives after soy milk 🙂"
    assert "phosphatidylcholine" not in doc.substances
    assert set(doc.lifestyle) == {"smoking", "physical-inactivity"}
    courses = {c.concern: c for c in doc.courses}
    assert courses["cellulite"].sessions == 8
    assert courses["localized-fat"].interval_days == 28
    assert doc.photo_consent is True
    assert doc.signatures is not None and doc.signatures.patient and doc.signatures.practitioner
    assert doc.practitioner.name == "Dr Maria Ioannou"

    consent = db.consents.for_consultation(record.id)
    assert consent.fingerprint == doc.fingerprint()
    pdf = db.consents.pdf(consent.id)
    text = pdf_text(pdf)
    assert "Παπαδοπούλου" in text
    assert "<b>&</b>" in text  # markup in a name is printed as text
    assert "Phosphatidylcholine" in text
    assert "Soy" in text or "soy" in text

    actions = [(event.action, event.table) for event in db.audit.events(limit=100)]
    assert ("create", "patients") in actions
    assert ("create-draft", "consultations") in actions
    assert ("finalize", "consultations") in actions
    assert any(action == "record-consent" for action, _table in actions)
    assert db.audit.verify().ok

    # The main window shows the new consultation, signed.
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=TIMEOUT)
    assert window.current_patient is not None and window.current_patient.name == NAME
    assert window.history_model.record(0).has_signed_consent
    screenshot(window, "main-window-after-consultation")


def test_the_wizard_finds_an_existing_patient_and_keeps_their_details(qtbot, open_window,
                                                                      db_path):
    from mesodesk.domain.records import NewPatient

    window = open_window(db_path)
    db = window.session.db
    stored = db.patients.create(NewPatient(name="José Álvarez Núñez",
                                           date_of_birth=dt.date(1975, 9, 30), sex="male",
                                           phone="+34 600 000 003", notes="Prefers Spanish."))
    wizard = window.new_consultation()
    wizard.resize(SCREEN)
    page = wizard.page_object(PATIENT)
    qtbot.keyClicks(page.search, "alvarez nunez")
    qtbot.waitUntil(lambda: page.matches_model.rowCount() == 1, timeout=TIMEOUT)
    assert page.matches.isVisible()
    screenshot(wizard, "wizard-1-patient-search")
    index = page.matches_model.index(0, 0)
    rect = page.matches.visualRect(index)
    qtbot.mouseClick(page.matches.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.form.name.text() == "José Álvarez Núñez"
    assert page.record.id == stored.id
    assert "Existing patient" in page.who.text()
    # A corrected phone number is saved to the patient when the page is left.
    page.form.phone.setText("+34 600 111 222")
    assert "changes are saved" in page.who.text()
    click_next(qtbot, wizard, CONCERNS)
    settle(qtbot, window)
    again = db.patients.get(stored.id)
    assert again.phone == "+34 600 111 222"
    assert again.notes == "Prefers Spanish."  # not shown in the wizard, not lost either
    assert wizard.state.patient_id == stored.id
    assert len(db.patients.search("", limit=10)) == 1  # no duplicate made


def sign_and_finish(qtbot, wizard) -> None:
    """From the ingredients page: on through lifestyle and course, both sign, finish."""
    click_next(qtbot, wizard, LIFESTYLE)
    click_next(qtbot, wizard, COURSE)
    click_next(qtbot, wizard, REVIEW)
    page = wizard.page_object(REVIEW)
    drag(qtbot, page.patient_signature.pad, [(30, 70), (60, 40), (90, 80), (130, 45)])
    drag(qtbot, page.practitioner_signature.pad, [(40, 80), (80, 50), (120, 85), (200, 60)])
    click_next(qtbot, wizard, FINISH)


def test_a_consent_that_fails_to_record_leaves_the_consultation_a_draft(qtbot, open_window,
                                                                        db_path, monkeypatch):
    """The disk fills up as the signed consent is written: the consultation is not left
    final without its consent, the message says it is a draft (true), and trying again
    finishes it."""
    from mesodesk.store import audit

    from .conftest import start_consultation

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Claire Dubois", born="1979-06-03",
                                concerns=["cellulite"])
    real_append = audit.append

    def disk_full_at_the_consent(connection, **event):
        if event["action"] == "record-consent":
            raise OSError(28, "No space left on device")
        return real_append(connection, **event)

    monkeypatch.setattr(audit, "append", disk_full_at_the_consent)
    sign_and_finish(qtbot, wizard)
    page = wizard.page_object(FINISH)
    qtbot.waitUntil(lambda: page.result_banner.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    assert not page.done
    text = page.result_banner.text()
    assert "No space left on device" in text and "kept as a draft" in text
    assert page.retry_button.isVisible()
    db = window.session.db
    record = db.consultations.get(wizard.state.consultation_id)
    assert record.status == "draft" and not record.has_signed_consent
    assert db.consents.for_consultation(record.id) is None
    screenshot(wizard, "wizard-8-not-stored")

    monkeypatch.undo()
    page.retry_button.click()
    qtbot.waitUntil(lambda: page.done, timeout=TIMEOUT)
    settle(qtbot, window)
    record = db.consultations.get(record.id)
    assert record.status == "final" and record.has_signed_consent
    assert db.consents.for_consultation(record.id).fingerprint == record.document.fingerprint()
    assert "fingerprint" in page.result_banner.text()
    assert db.audit.verify().ok
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_the_notes_fields_say_that_they_are_printed_for_the_patient(qtbot, open_window, db_path):
    """Both free-text fields reach the patient: the notes on the plan ("Notes from your
    consultation"), the medicines and allergies on the consent summary. The labels say so,
    and the review page shows them under those names."""
    from PySide6.QtWidgets import QLabel

    from mesodesk.domain.screening import screen
    from mesodesk.reports import render_plan

    from .conftest import start_consultation

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Noémie Giraud", born="1993-08-08",
                                concerns=["skin-rejuvenation"], until=HISTORY)
    history = wizard.page_object(HISTORY)
    label = next(w for w in history.findChildren(QLabel) if w.buddy() is history.notes)
    assert "printed on the consent summary" in label.text()
    history.notes.setPlainText("Takes levothyroxine 50 µg.")
    click_next(qtbot, wizard, INGREDIENTS)
    click_next(qtbot, wizard, LIFESTYLE)
    page = wizard.page_object(LIFESTYLE)
    label = next(w for w in page.findChildren(QLabel) if w.buddy() is page.notes)
    assert label.text().replace("&", "") == "Notes for the patient's plan (printed):"
    assert "record" not in label.text()
    assert "treatment plan the patient takes home" in page.notes.placeholderText()
    page.notes.setPlainText("Drink plenty of water the day before each session.")
    screenshot(wizard, "wizard-5-lifestyle-notes")
    click_next(qtbot, wizard, COURSE)
    click_next(qtbot, wizard, REVIEW)
    summary = wizard.page_object(REVIEW).summary.toPlainText()
    assert "Notes for the patient's plan (printed)\nDrink plenty of water" in summary
    assert "Notes (printed on the consent summary): Takes levothyroxine 50 µg." in summary
    assert "Notes for the record" not in summary
    wizard.page_object(REVIEW).summary.verticalScrollBar().setValue(10_000)
    screenshot(wizard, "wizard-7-review-notes")
    # What the labels promise is what the PDF does.
    doc = wizard.state.document()
    text = pdf_text(render_plan(doc, screen(doc, wizard.kb), wizard.kb))
    assert "Drink plenty of water the day before each session." in text
    assert "Takes levothyroxine 50 µg." in text
    wizard.reject()
    settle(qtbot, window)


def test_a_consent_without_a_named_practitioner_is_not_signed(qtbot, open_window, db_path):
    from .conftest import start_consultation

    window = open_window(db_path)
    wizard = start_consultation(qtbot, window, name="Claire Dubois", born="1979-06-03",
                                concerns=["cellulite"])
    wizard.state.practitioner = None  # as if nobody's name had been typed or set
    sign_and_finish(qtbot, wizard)
    page = wizard.page_object(FINISH)
    qtbot.waitUntil(lambda: page.result_banner.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    assert not page.done
    text = page.result_banner.text()
    assert "named practitioner" in text and "Nothing was stored" in text
    record = window.session.db.consultations.get(wizard.state.consultation_id)
    assert record.status == "draft" and not record.has_signed_consent
    wizard.close()
