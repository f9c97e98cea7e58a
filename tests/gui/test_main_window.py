"""The main window: patients created and edited through the dialog (with errors that name
the field), the status bar, shortcuts, the history with the signed PDF a double-click away,
preview/print/save, export and import, settings."""

from __future__ import annotations

import datetime as dt
import io
import json

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser

from mesodesk.domain.knowledge import default_knowledge
from mesodesk.paths import examples_dir
from mesodesk.ui.demo import DEMO_PATIENTS, fill_demo_database

from .conftest import SCREEN, TIMEOUT, screenshot, settle, type_text


def test_new_patient_dialog_names_the_wrong_field(qtbot, open_window, db_path):
    window = open_window(db_path)
    assert "clinic.db" in window.db_label.text()
    # A new database is encrypted by default, its key in the (test's) key store.
    assert "(encrypted)" in window.db_label.text() and "not encrypted" not in window.db_label.text()
    assert "key store" in window.db_icon.toolTip()
    window.new_patient_action.trigger()
    dialog = window.main_actions.patient_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    form = dialog.form

    dialog.accept()
    assert dialog.isVisible()
    assert form.error.text() == "Name: is required"
    type_text(qtbot, form.name, "x" * 201)
    dialog.accept()
    assert form.error.text().startswith("Name: is 201 characters long")
    form.name.setText("<b>Zoë</b> & Ελένη 👩‍⚕️")
    dialog.accept()
    assert form.error.text() == "Date of birth: is required"
    qtbot.keyClicks(form.born.edit, "1988-02-30")
    dialog.accept()
    assert form.error.text() == "Date of birth: '1988-02-30' is not a real date"
    form.born.edit.setText("12.04.2999")
    dialog.accept()
    assert form.error.text() == "Date of birth: is in the future"
    form.born.edit.setText("12/04/1988")
    assert form.born.hint.text() == "12 April 1988"
    form.email.setText("not an address")
    dialog.accept()
    assert form.error.text() == "Email: 'not an address' is not an email address"
    assert dialog.focusWidget() is form.email  # the wrong field takes the focus
    screenshot(dialog, "patient-dialog-error")
    form.email.setText("zoe@example.org")
    dialog.accept()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: window.current_patient is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    patient = window.current_patient
    assert patient.name == "<b>Zoë</b> & Ελένη 👩‍⚕️"
    assert patient.date_of_birth == dt.date(1988, 4, 12)
    # Markup is shown as text, not rendered.
    assert window.patient_name.text() == patient.name
    assert window.patient_name.textFormat() == Qt.TextFormat.PlainText
    assert window.model.rowCount() == 1
    assert window.count_label.text() == "1 patient"

    # Edit: the same dialog, filled in.
    window.edit_patient_action.trigger()
    dialog = window.main_actions.patient_dialog
    assert dialog.form.name.text() == patient.name
    dialog.form.phone.setText("+30 210 123 4567")
    dialog.accept()
    qtbot.waitUntil(lambda: window.current_patient.phone == "+30 210 123 4567", timeout=TIMEOUT)
    assert window.fact_phone.text() == "+30 210 123 4567"


def test_shortcuts_and_labels_are_plain_text(qtbot, open_window, db_path):
    window = open_window(db_path)
    assert window.new_consultation_action.shortcut().toString() == "Ctrl+N"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert window.help_action.shortcut().toString() == "F1"
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.main_actions.help_dialog is not None
                    and window.main_actions.help_dialog.isVisible(), timeout=TIMEOUT)
    assert "Keyboard shortcuts" in window.main_actions.help_dialog.findChild(QTextBrowser).toPlainText()
    screenshot(window.main_actions.help_dialog, "help")
    window.main_actions.help_dialog.close()
    # Every QLabel that shows user data is plain text.
    for label in window.findChildren(QLabel):
        if label in (window.patient_name, window.fact_notes, window.fact_phone, window.fact_email,
                     window.list_message, window.db_label):
            assert label.textFormat() == Qt.TextFormat.PlainText


@pytest.fixture
def demo_db(db_path):
    from mesodesk.store import open_database

    db = open_database(str(db_path))
    fill_demo_database(db, default_knowledge())
    db.close()
    return db_path


def test_history_signed_pdf_preview_print_save_export_import(qtbot, open_window, demo_db,
                                                             tmp_path):
    window = open_window(demo_db)
    assert window.model.total == len(DEMO_PATIENTS)
    # Ελένη has three consultations, the first signed.
    window.search.setText("ελενη παπαδοπουλου")
    qtbot.waitUntil(lambda: window.model.searched and window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 3, timeout=TIMEOUT)
    settle(qtbot, window)
    signed = [row for row in range(3) if window.history_model.record(row).has_signed_consent]
    assert signed
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == len(DEMO_PATIENTS), timeout=TIMEOUT)
    settle(qtbot, window)
    screenshot(window, "main-window")

    # Double-click the signed consultation: its stored PDF opens.
    row = signed[0]
    rect = window.history.visualRect(window.history_model.index(row, 0))
    # A real double-click starts with a press (QTest's mouseDClick leaves it out).
    qtbot.mouseClick(window.history.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.history.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(window.previews) == 1, timeout=TIMEOUT)
    preview = window.previews[0]
    record = window.history_model.record(row)
    stored = window.session.db.consents.pdf(window.session.db.consents.for_consultation(record.id).id)
    assert preview.pane.pdf == stored
    assert "Signed consent" in preview.windowTitle()
    pane = preview.pane
    assert pane.document.pageCount() >= 2
    assert pane.page_count.text() == f" of {pane.document.pageCount()}"
    pane.next_page()
    qtbot.waitUntil(lambda: pane.current_page == 1, timeout=TIMEOUT)
    assert pane.page.value() == 2
    before = pane.view.zoomFactor()
    pane.zoom_in()
    assert pane.view.zoomFactor() > before
    pane.fit_width()
    preview.resize(SCREEN)
    qtbot.wait(600)  # let QPdfView draw the pages for the picture
    screenshot(preview, "preview")

    # Save as: the same bytes.
    target = tmp_path / "Ελένη plan"
    assert pane.save_to(target)
    assert (tmp_path / "Ελένη plan.pdf").read_bytes() == stored
    qtbot.waitUntil(lambda: "Saved to" in pane.message.text(), timeout=TIMEOUT)  # audited
    # Print: to a PDF printer; every page arrives.
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    printer.setResolution(100)
    pane.print_to(printer)
    qtbot.waitUntil(lambda: "Sent" in pane.message.text(), timeout=TIMEOUT)
    assert len(pypdf.PdfReader(io.BytesIO(printed.read_bytes())).pages) == pane.document.pageCount()
    preview.close()

    # Export: the document as JSON, the same consultation.
    exported = tmp_path / "export.json"
    window.history.selectRow(row)
    window.export_to(window.selected_consultation(), exported)
    qtbot.waitUntil(lambda: "Exported to" in window.statusBar().currentMessage(), timeout=TIMEOUT)
    # the patient's data left the database: the audit trail says where, as `mesodesk export`
    event = window.session.db.audit.events(limit=1)[0]
    assert event.action == "export" and event.record_id == record.id
    assert event.details["to"] == str(exported.absolute())
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["format"] == "mesodesk.consultation/2"  # export writes version 2
    assert data["patient"]["name"] == "Ελένη Παπαδοπούλου"

    # Import it back unchanged: it is already stored, so nothing is added (as with
    # `mesodesk import`) and the stored consultation is shown.
    db = window.session.db
    before = len(db.consultations.for_patient(record.patient_id))
    window.history.selectRow((row + 1) % 3)
    window.import_path(exported)
    qtbot.waitUntil(lambda: "already stored" in window.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    settle(qtbot, window)
    assert "Nothing was added" in window.statusBar().currentMessage()
    assert window.wizard is None
    assert len(db.consultations.for_patient(record.patient_id)) == before
    assert window.selected_consultation().id == record.id
    screenshot(window, "main-window-import-already-stored")

    # Changed, it becomes a draft of the same patient, opened in the wizard.
    data["notes"] = "Second opinion."
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    window.import_path(exported)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    wizard = window.wizard
    assert wizard.state.patient_id == record.patient_id
    assert wizard.state.signatures is None  # signatures are not carried into a new draft
    assert "signatures in the file were not carried over" in window.statusBar().currentMessage()
    draft = db.consultations.get(wizard.state.consultation_id)
    assert draft.status == "draft" and draft.document.signatures is None
    assert len(db.consultations.for_patient(record.patient_id)) == before + 1
    wizard.reject()
    settle(qtbot, window)

    # A file `mesodesk import` stored already: the GUI opens that draft, adds none.
    from mesodesk.cli import main

    other = examples_dir() / "skin-rejuvenation.json"
    assert main(["import", str(other), "--db", str(demo_db)]) == 0
    stored = db.consultations.latest_draft()
    count = len(db.consultations.for_patient(stored.patient_id))
    window.import_path(other)
    qtbot.waitUntil(lambda: window.wizard is not wizard and window.wizard is not None
                    and window.wizard.isVisible(), timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.wizard.state.consultation_id == stored.id
    assert "already stored as a draft" in window.statusBar().currentMessage()
    assert len(db.consultations.for_patient(stored.patient_id)) == count
    window.wizard.reject()
    settle(qtbot, window)


def test_import_errors_name_the_path(qtbot, open_window, db_path, tmp_path, monkeypatch):
    window = open_window(db_path)
    broken = json.loads((examples_dir() / "format-example.json").read_text(encoding="utf-8"))
    broken["courses"][0]["start_date"] = "2026-13-01"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    window.import_path(path)
    qtbot.waitUntil(lambda: window.main_actions.import_box is not None, timeout=TIMEOUT)
    box = window.main_actions.import_box
    assert f"{path} is not a valid consultation document" in box.text()
    assert "courses[0].start_date: '2026-13-01' is not a real date" in box.detailedText()
    box.close()
    broken["courses"][0]["start_date"] = "2026-12-03"
    broken["concerns"].append("wrinkles")
    path.write_text(json.dumps(broken), encoding="utf-8")
    window.import_path(path)
    qtbot.waitUntil(lambda: window.main_actions.import_box is not box, timeout=TIMEOUT)
    box = window.main_actions.import_box
    assert "concerns[2]: 'wrinkles' is not a known concern" in box.detailedText()
    box.close()
    (tmp_path / "latin1.json").write_bytes("{\"name\": \"Zo\xeb\"}".encode("latin-1"))
    window.import_path(tmp_path / "latin1.json")
    qtbot.waitUntil(lambda: window.main_actions.import_box is not box, timeout=TIMEOUT)
    assert "not UTF-8" in window.main_actions.import_box.text()


def test_settings_are_stored_in_the_database(qtbot, open_window, db_path, tmp_path):
    window = open_window(db_path)
    window.settings_action.trigger()
    dialog = window.main_actions.settings_dialog
    dialog.name.setText("Κλινική <Αισθητικής> & Co")
    dialog.address.setPlainText("12 Example Street\n10558 Athens")
    dialog.practitioner.setText("Dr Maria Ioannou")
    dialog.registration.setText("12345")
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    logo = tmp_path / "logo.png"
    image = QImage(1600, 400, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    assert image.save(str(logo))
    assert dialog.load_logo(str(logo))
    not_an_image = tmp_path / "logo.txt"
    not_an_image.write_text("hello")
    assert not dialog.load_logo(str(not_an_image))
    assert dialog.error.text().startswith("Logo: the file is not an image")
    dialog.registration.setText("9" * 201)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == "Registration number: is longer than 200 characters"
    dialog.registration.setText("12345")
    other = tmp_path / "elsewhere" / "clinic.db"
    dialog._set_location(str(other))  # what "Use another database file…" does once chosen
    assert "From the next start" in dialog.database_next.text()
    screenshot(dialog, "settings")
    dialog.accept()
    settle(qtbot, window)
    # The database location is this computer's setting, used from the next start.
    from types import SimpleNamespace

    from mesodesk.ui.config import saved_database_location
    from mesodesk.ui.session import StartOptions

    assert saved_database_location() == str(other)
    options = StartOptions.from_args(SimpleNamespace(db=None, demo=False, passphrase_file=None))
    assert options.location == str(other) and options.from_settings
    saved = window.session.db.settings.get()
    assert saved.name == "Κλινική <Αισθητικής> & Co"
    assert saved.default_paper == "letter"
    assert saved.practitioner_name == "Dr Maria Ioannou"
    assert saved.logo_png is not None
    assert QImage.fromData(saved.logo_png).width() == 800  # scaled down
    assert window.session.settings == saved
    # The wizard takes its practitioner from there.
    wizard = window.new_consultation()
    assert wizard.state.practitioner == {"name": "Dr Maria Ioannou", "registration": "12345"}
    wizard.reject()


def test_an_encrypted_database_asks_for_its_passphrase(qtbot, db_path):
    from mesodesk.domain.records import NewPatient
    from mesodesk.store import open_database
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions

    db = open_database(str(db_path), passphrase="correct horse")
    db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου", date_of_birth=dt.date(1988, 4, 12)))
    db.close()

    window = MainWindow(StartOptions(location=str(db_path)))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(window.problem_banner.isVisible, timeout=TIMEOUT)
    assert "encrypted" in window.problem_banner.text()
    buttons = [b.text() for b in window.problem_banner.findChildren(QPushButton)]
    assert "Enter passphrase…" in buttons
    assert window.session is None
    assert not window.new_consultation_action.isEnabled()
    screenshot(window, "main-window-passphrase")

    window.open_with_passphrase("wrong")
    qtbot.waitUntil(lambda: window.problem_banner.isVisible()
                    and "wrong passphrase" in window.problem_banner.text(), timeout=TIMEOUT)
    window.open_with_passphrase("correct horse")
    qtbot.waitUntil(lambda: window.is_ready, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    assert not window.problem_banner.isVisible()
    assert window.db_label.text().endswith("(encrypted)")
    assert window.db_icon.toolTip() == "The database is encrypted with a passphrase"
    window.close()


def test_ctrl_n_starts_a_consultation_for_the_selected_patient(qtbot, open_window, db_path):
    from mesodesk.domain.records import NewPatient

    window = open_window(db_path)
    window.session.db.patients.create(NewPatient(name="Léa Fontaine",
                                                 date_of_birth=dt.date(1998, 10, 25)))
    window.refresh()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.current_patient is not None, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.wizard is not None and window.wizard.isVisible(), timeout=TIMEOUT)
    page = window.wizard.currentPage()
    assert page.form.name.text() == "Léa Fontaine"
    assert window.wizard.windowTitle() == "Consultation: Léa Fontaine"
    window.wizard.reject()
    settle(qtbot, window)
