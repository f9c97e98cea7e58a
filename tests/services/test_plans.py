"""A signed consultation's plan is its stored signed PDF, byte for byte, from the command
line as from the GUI (which shows ``plans.signed_pdf``: tests/gui/test_main_window.py)."""

from __future__ import annotations

from mesodesk.cli import main
from mesodesk.services import consultations, plans
from tests.services.test_consultations import SIGNATURES
from tests.store.helpers import example_document


def test_plan_of_a_signed_consultation_is_the_stored_signed_pdf(tmp_path, db, kb, patient):
    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    finished = consultations.finalize_signed(db, kb, None, patient.id, doc)
    stored = db.consents.pdf(finished.consent.id)
    assert plans.signed_pdf(db, finished.record) == stored
    db.settings.save(db.settings.get().__class__(name="A clinic renamed since"))
    out = tmp_path / "plan.pdf"
    assert main(["plan", "--consultation", str(finished.record.id), "--db", str(db.path),
                 "--out", str(out)]) == 0
    assert out.read_bytes() == stored  # not rendered again with today's settings


def test_plan_of_a_draft_is_rendered_now(tmp_path, db, kb, patient):
    doc = example_document("format-example.json", kb)
    draft = consultations.save_draft(db, patient.id, doc)
    assert plans.signed_pdf(db, draft) is None
    rendered = plans.stored_plan(db, kb, draft.id)
    assert not rendered.signed and rendered.pdf.startswith(b"%PDF-")


def test_no_plan_for_a_consultation_recorded_as_not_treated(db, kb, patient):
    import pytest

    from mesodesk.services import Blocked

    blocked = example_document("pregnant.json", kb)
    closed = consultations.save_not_treated(db, patient.id, blocked)
    with pytest.raises(Blocked, match="not treated"):
        plans.stored_plan(db, kb, closed.id)


def test_a_plan_from_the_records_prints_the_chain_head_it_was_made_in(db, kb, patient):
    from tests.reports.pdfcheck import full_text

    doc = example_document("format-example.json", kb)
    draft = consultations.save_draft(db, patient.id, doc)
    head = plans.recorded_head(db)
    assert head == db.audit.events(limit=1)[0].hash[:12]
    first = plans.stored_plan(db, kb, draft.id).pdf
    assert f"{doc.fingerprint()} · audit {head}" in full_text(first)
    assert plans.stored_plan(db, kb, draft.id).pdf == first  # nothing changed: same bytes
    db.audit.note("print", table="consultations", record_id=draft.id)
    later = plans.stored_plan(db, kb, draft.id).pdf
    assert later != first and f"audit {plans.recorded_head(db)}" in full_text(later)


def test_the_signed_pdf_carries_the_head_of_the_records_it_was_signed_in(db, kb, patient):
    from tests.reports.pdfcheck import full_text

    doc = example_document("format-example.json", kb, signatures=SIGNATURES)
    head = plans.recorded_head(db)
    finished = consultations.finalize_signed(db, kb, None, patient.id, doc)
    assert f"audit {head}" in full_text(finished.pdf)
