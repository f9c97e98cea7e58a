"""A stored consultation that names what the knowledge base no longer has (an item of the
practitioner's overlay, removed since): the window says what is unknown instead of a
traceback, and neither screens, prints nor silently rewrites it."""

from __future__ import annotations

import datetime as dt
import json

from mesodesk.domain.document import parse_consultation, parse_structure
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.records import NewPatient
from mesodesk.paths import examples_dir, knowledge_dir

from .conftest import TIMEOUT, screenshot, settle

OVERLAY_HISTORY = '''
[[history]]
id = "clinic-implant"
group = "Skin"
label = "Permanent filler or implant in the area"
patient_text = "You have a permanent filler or implant where you would be treated."
sources = ["general-contraindications"]
[[history.rules]]
effect = "caution"
applies_to = ["caffeine"]
text = "Permanent filler in the area: inject around it, not into it."
patient_text = "We inject around your filler, not into it."
sources = ["general-contraindications"]
'''


def document(**changes):
    data = json.loads((examples_dir() / "skin-rejuvenation.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def stored_patient(db):
    return db.patients.create(NewPatient(name="José Álvarez Núñez",
                                         date_of_birth=dt.date(1975, 9, 30), sex="male"))


def test_a_draft_naming_a_removed_history_item_is_not_resumed(qtbot, open_window, db_path):
    from mesodesk.store import open_database

    db = open_database(str(db_path))
    patient = stored_patient(db)
    doc = parse_structure(document(history=["clinic-implant"],
                                   substances=["multivitamins", "clinic-peptide"]))
    draft = db.consultations.save_draft(patient.id, doc)
    db.close()

    window = open_window(db_path)
    assert window.draft_banner.isVisible()
    window.draft_resume_button.click()
    qtbot.waitUntil(lambda: window.knowledge_box is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    box = window.knowledge_box
    text = box.text()
    assert "cannot be continued" in text and "José Álvarez Núñez" in text
    assert "Medical history (history[0]): 'clinic-implant' is not a known medical history item" \
        in text
    assert "Ingredients (substances[1]): 'clinic-peptide' is not a known substance" in text
    assert window.wizard is None  # not opened: it would have dropped both without a word
    screenshot(box, "knowledge-mismatch-draft")
    box.close()
    stored = window.session.db.consultations.get(draft.id)
    assert stored.document.to_dict() == doc.to_dict()  # nothing was changed


def test_an_unsigned_plan_naming_a_removed_history_item_is_not_printed(qtbot, open_window,
                                                                       db_path, tmp_path):
    from mesodesk.services import consultations
    from mesodesk.store import open_database

    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "history.toml").write_text(OVERLAY_HISTORY, encoding="utf-8")
    with_overlay = load_knowledge(knowledge_dir(), overlay)
    db = open_database(str(db_path))
    patient = stored_patient(db)
    # Dated today, its course takes the default start (no session before the consultation).
    doc = parse_consultation(document(history=["clinic-implant"], date=dt.date.today().isoformat(),
                                      courses=[]), with_overlay)
    consultations.check_treatable(doc, with_overlay)  # finalized while the overlay was there
    final = db.consultations.finalize(db.consultations.save_draft(patient.id, doc).id, doc)
    db.close()

    window = open_window(db_path)  # the overlay is gone
    window.search.setText("alvarez")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.selected_consultation().id == final.id
    window.print_selected()
    qtbot.waitUntil(lambda: window.knowledge_box is not None, timeout=TIMEOUT)
    settle(qtbot, window)
    text = window.knowledge_box.text()
    assert "cannot be printed" in text
    assert "(history[0]): 'clinic-implant' is not a known medical history item" in text
    assert window.previews == [] and not window.problem_banner.isVisible()
    window.knowledge_box.close()
    window.open_selected_consultation()
    qtbot.waitUntil(lambda: window.knowledge_box.isVisible(), timeout=TIMEOUT)
    assert "cannot be shown" in window.knowledge_box.text()
    assert window.statusBar().currentMessage() == ""
    screenshot(window, "main-window-knowledge-mismatch")
    window.knowledge_box.close()
