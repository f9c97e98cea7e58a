"""What the patient reads: every section of the plan and the consent summary, read
back from the PDF with pypdf."""

from __future__ import annotations

import base64

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.screening import screen
from mesodesk.reports import ReportError, render_plan
from mesodesk.reports.words import long_date
from tests.reports.conftest import CLINIC, PRINTABLE, TODAY
from tests.reports.pdfcheck import (
    body_text,
    font_names,
    fonts_embedded,
    full_text,
    image_count,
    one_line,
    page_texts,
    reader,
    text_runs,
)
from tests.reports.samples import BIG_FONT_MARKUP, GREEK_NAME, MARKUP_NAME, logo_png, stress_document

PLAN_SECTIONS = [
    "Your treatment plan", "What you came to us about", "What mesotherapy is", "What we plan to use",
    "What we decided not to use, and why", "Your course of sessions", "What to expect",
    "What you can do", "Before and after each session", "Before each session", "After each session",
]
CONSENT_SECTIONS = [
    "Consent summary", "The procedure", "Why you would like this treatment", "Alternatives",
    "Results are not guaranteed", "Number of sessions and schedule",
    "What will be injected, and its approval status", "Your medical history",
    "Decisions to use a substance despite a reason not to", "Risks and side effects",
    "Rare but serious", "Important: painful lumps weeks later", "Photographs (optional)",
    "Your decision", "Agreement", "Patient's signature", "Practitioner's signature",
]


@pytest.mark.parametrize("name", PRINTABLE)
def test_every_section_is_printed_in_order(render, name):
    text = one_line(full_text(render(name).pdf))
    position = -1
    for title in PLAN_SECTIONS + CONSENT_SECTIONS:
        found = text.find(title, position + 1)
        assert found > position, f"{title!r} missing or out of order in {name}"
        position = found


@pytest.mark.parametrize("name", PRINTABLE)
def test_the_consent_summary_starts_on_its_own_page(render, name):
    pages = page_texts(render(name).pdf)
    plan_pages = [i for i, text in enumerate(pages) if "Your treatment plan" in text]
    consent_pages = [i for i, text in enumerate(pages) if "Consent summary\nA summary" in text]
    assert plan_pages == [0] and len(consent_pages) == 1
    assert consent_pages[0] > 0
    assert "Your treatment plan" not in pages[consent_pages[0]]


@pytest.mark.parametrize("name", PRINTABLE)
def test_knowledge_base_wording_reaches_the_page(render, kb, name):
    rendered = render(name)
    text = one_line(full_text(rendered.pdf))
    assert one_line(kb.general.what_is_mesotherapy) in text
    for section in kb.consent_sections:
        assert one_line(section.text) in text, section.id
    for concern in rendered.doc.concerns:
        assert kb.concerns[concern].patient_text in text
        for advice in kb.concerns[concern].advice:
            assert one_line(advice) in text
    for advice in rendered.result.advice:
        assert one_line(advice.text) in text


@pytest.mark.parametrize("name", PRINTABLE)
def test_substances_grouped_by_class_with_their_regulatory_status(render, kb, name):
    rendered = render(name)
    text = one_line(full_text(rendered.pdf))
    assert rendered.result.selected, "every printable example selects something"
    for item in rendered.result.selected:
        substance = kb.substances[item.id]
        assert kb.classes[item.class_id].name in text
        assert f"{substance.name}: {one_line(substance.patient_text)}" in text
        assert one_line(substance.status_for(CLINIC.jurisdiction)) in text
    for item in rendered.result.substances:
        if not item.selected and not item.excluded_by_screening:
            assert kb.substances[item.id].patient_text not in text, item.id


@pytest.mark.parametrize("name", PRINTABLE)
def test_every_session_date_is_printed(render, kb, name):
    rendered = render(name)
    text = one_line(full_text(rendered.pdf))
    for course in rendered.result.courses:
        assert one_line(course.maintenance) in text
        for session in course.sessions:
            assert long_date(session.date) in text
        title = f"{kb.concerns[course.concern].name}: {len(course.sessions)} sessions"
        assert title in text


def test_session_dates_are_the_planned_ones(render):
    text = one_line(full_text(render("format-example.json").pdf))
    # format-example starts cellulite on 2026-12-03, weekly; the defaults start localized
    # fat 7 days after the consultation of 2026-11-26, every 28 days.
    for day in ["3 December 2026", "10 December 2026", "4 February 2027", "25 February 2027"]:
        assert day in text
    assert "1 Session" not in text and "Thursday" in text


@pytest.mark.parametrize("name, substance, reason", [
    ("localized-fat-soy.json", "Phosphatidylcholine (PC)",
     "This substance is made from soybeans, and you are allergic to soy."),
    ("format-example.json", "Phosphatidylcholine (PC)",
     "This substance is made from soybeans, and you are allergic to soy."),
])
def test_what_was_not_used_says_why_in_patient_words(render, name, substance, reason):
    text = one_line(full_text(render(name).pdf))
    start = text.index("What we decided not to use, and why")
    section = text[start:text.index("Your course of sessions", start)]
    assert f"{substance}: {reason}" in section


def test_nothing_left_out_is_said_plainly(render):
    rendered = render("cellulite-arrhythmia.json")
    assert not rendered.result.excluded
    text = one_line(full_text(rendered.pdf))
    assert "Nothing that is usually suggested for your concern had to be left out" in text


def test_cautions_are_named_in_the_plan_and_the_consent(render):
    text = one_line(full_text(render("cellulite-arrhythmia.json").pdf))
    heart = "This substance can affect the heartbeat, so it is used with care and in small amounts."
    assert f"Used with extra care: {heart}" in text
    assert f"Caffeine: {heart}" in text and f"Lidocaine: {heart}" in text
    bruising = "Because you take a blood thinner, you are likely to bruise more."
    assert one_line(full_text(render("hair-loss-anticoagulants.json").pdf)).count(bruising) == 2


def test_declared_history_and_notes_are_in_the_consent(render, kb):
    rendered = render("format-example.json")
    text = one_line(full_text(rendered.pdf))
    consent = text[text.index("Your medical history"):]
    for history_id in ["anticoagulants", "allergy-soy"]:
        assert kb.history[history_id].patient_text in consent
    assert "Takes apixaban 5 mg twice daily." in consent


def test_no_history_is_said_plainly(render):
    text = one_line(full_text(render("skin-rejuvenation.json").pdf))
    assert "You answered no to every question we asked about your health" in text


def test_the_declared_history_and_every_other_answer_no(render, kb):
    rendered = render("format-example.json")
    text = one_line(full_text(rendered.pdf))
    for history in ("anticoagulants", "allergy-soy"):
        assert one_line(kb.history[history].patient_text) in text
    assert "You answered no to every other question we asked about your health" in text
    assert "Not every question about your health has been answered" not in text


def test_an_override_that_does_not_apply_is_not_printed(render):
    # format-example overrides pentoxifylline, which it does not choose.
    text = one_line(full_text(render("format-example.json").pdf))
    assert "Cleared by the haematologist" not in text
    assert "None: nothing is used that your medical history rules out." in text


def test_each_applied_override_is_printed_with_its_reason(stress):
    assert [o.substance for o in stress.result.applied_overrides] == ["isoproterenol"]
    text = one_line(full_text(stress.pdf))
    section = text[text.index("Decisions to use a substance despite a reason not to"):]
    assert "Isoproterenol (isoprenaline)" in section
    assert ("Why it is normally not used: This substance can speed up or disturb the heartbeat, "
            "so it is not used with your heart condition.") in section
    assert ("Why it is used for you: Cardiologist agreed in writing <letter of 2026-11-02> & "
            "dose halved.") in section
    assert "Used after a considered decision by your practitioner" in text


@pytest.mark.parametrize("name", PRINTABLE)
def test_risks_are_those_that_apply(render, kb, name):
    rendered = render(name)
    text = one_line(full_text(rendered.pdf))
    ids = set(rendered.doc.concerns) | {s.id for s in rendered.result.selected} | {
        s.class_id for s in rendered.result.selected}
    for effect in kb.adverse_effects:
        applies = "*" in effect.applies_to or bool(ids & set(effect.applies_to))
        applies = applies and rendered.result.area_applies(effect.areas)
        assert (one_line(effect.text) in text) == applies, effect.id


@pytest.mark.parametrize("name", PRINTABLE)
def test_the_delayed_infection_warning_is_always_there(render, name):
    text = one_line(full_text(render(name).pdf))
    assert "Important: painful lumps weeks later" in text
    assert "1 to 12 weeks after a session, as painful lumps or abscesses" in text
    assert "see a doctor" in text


def test_aftercare_is_filtered_by_concern(render, kb):
    hair = one_line(full_text(render("hair-loss-anticoagulants.json").pdf))
    cellulite = one_line(full_text(render("cellulite-arrhythmia.json").pdf))
    assert "Scalp: no hair washing." in hair and "Scalp: no hair washing." not in cellulite
    assert "No make-up on the treated skin." not in hair
    for advice in kb.aftercare:
        if "*" in advice.applies_to:
            assert one_line(advice.text) in hair and one_line(advice.text) in cellulite


@pytest.mark.parametrize("name, agreed", [("cellulite-arrhythmia.json", True),
                                          ("format-example.json", False)])
def test_photograph_consent_is_its_own_tick_box(render, name, agreed):
    text = one_line(full_text(render(name).pdf))
    box = "☑" if agreed else "☐"
    statement = "I agree to photographs of the treated areas being taken, as described above."
    assert f"{box} {statement}" in text
    assert text.count(statement) == 1 and text.count("☑") == int(agreed)


def test_the_plan_never_promises_and_never_says_cellulitis(render, kb):
    for name in PRINTABLE:
        text = one_line(full_text(render(name).pdf)).lower()
        assert "cellulitis" not in text
        assert "cannot be guaranteed" in text
        for promise in ["we guarantee", "is guaranteed", "will definitely", "will remove",
                        "will get rid", "permanent result", "100%"]:
            assert promise not in text


# -- the patient's own text ---------------------------------------------------------------

def test_the_greek_name_prints_exactly(render):
    rendered = render("localized-fat-soy.json")
    text = full_text(rendered.pdf)
    assert "Ελένη Παπαδοπούλου" in text
    assert text.count("Ελένη Παπαδοπούλου") >= 3  # plan box, consent box, signature line


def test_markup_characters_print_literally(stress):
    text = one_line(full_text(stress.pdf))
    assert MARKUP_NAME in text
    assert "Smith & <Jones>" in text and BIG_FONT_MARKUP in text
    assert "thighs & <b>buttocks</b>" in text
    assert "Dr Maria Ioannou & <Partners>, registration no. 12345" in text
    assert "Atrial fibrillation since 2019 & <stable>." in text
    assert "&amp;" not in text and "&lt;" not in text


def test_markup_in_a_name_changes_no_font_size(stress, render):
    sizes = {round(run.size, 1) for page in text_runs(stress.pdf) for run in page}
    plain = render(stress_document(), patient={"name": GREEK_NAME, "date_of_birth": "1984-02-29"})
    assert sizes == {round(run.size, 1) for page in text_runs(plain.pdf) for run in page}
    assert max(sizes) < 25


def test_markup_in_clinic_settings_prints_literally(render):
    clinic = ClinicSettings(name="Smith & <Jones> <font size=40>", address="<b>1 Main St</b> & co")
    text = one_line(full_text(render("skin-rejuvenation.json", clinic=clinic).pdf))
    assert "Smith & <Jones> <font size=40>" in text and "<b>1 Main St</b> & co" in text


def test_control_characters_are_dropped_not_printed(kb, render):
    # A consultation document with them is refused now; one built in code (after
    # validation) can still carry them, and the page must not.
    doc = render("skin-rejuvenation.json").doc.model_copy(
        update={"notes": "before\x00\x07after\x1b end"})
    text = full_text(render_plan(doc, screen(doc, kb), kb, CLINIC))
    assert "beforeafter end" in text


# -- header, signatures, metadata ---------------------------------------------------------

def test_clinic_header_and_practitioner(render):
    text = full_text(render("skin-rejuvenation.json").pdf)
    first = page_texts(render("skin-rejuvenation.json").pdf)[0]
    assert first.startswith("Clinique Lumière\n12 Odos Ermou\n105 63 Athens\n")
    assert "Dr Maria Ioannou, registration no. 12345" in first
    assert text.count("Clinique Lumière") >= 3  # both headers and the running header


def test_without_clinic_settings_the_practitioner_heads_the_page(render):
    first = page_texts(render("skin-rejuvenation.json", clinic=None).pdf)[0]
    assert first.startswith("Dr Maria Ioannou, registration no. 12345\nYour treatment plan")


def test_practitioner_defaults_from_the_clinic_settings(render, example_doc):
    data = example_doc("skin-rejuvenation.json")
    del data["practitioner"]
    clinic = ClinicSettings(name="C", practitioner_name="Dr Nikos Pappas",
                            practitioner_registration="777")
    text = full_text(render(data, clinic=clinic).pdf)
    assert "Dr Nikos Pappas, registration no. 777" in text


def test_logo_is_drawn_on_both_first_pages(render):
    rendered = render("skin-rejuvenation.json", clinic=ClinicSettings(name="C", logo_png=logo_png()))
    pages = page_texts(rendered.pdf)
    consent_first = next(i for i, t in enumerate(pages) if "Consent summary\nA summary" in t)
    assert image_count(rendered.pdf, 0) == 1 and image_count(rendered.pdf, consent_first) == 1
    assert image_count(rendered.pdf, 1) == 0
    assert image_count(render("skin-rejuvenation.json").pdf, 0) == 0


def test_a_damaged_logo_is_a_clear_error(kb, render):
    base = render("skin-rejuvenation.json")
    clinic = ClinicSettings(name="C", logo_png=b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(ReportError, match="clinic logo is not a readable image"):
        render_plan(base.doc, base.result, kb, clinic)


def test_signatures_are_drawn_on_their_lines_with_the_date(stress, render):
    last = page_texts(stress.pdf)[-1]
    assert image_count(stress.pdf, -1) == 2
    assert last.count("Date: 20 November 2026") == 2
    unsigned = render({k: v for k, v in stress_document().items() if k != "signatures"})
    assert image_count(unsigned.pdf, -1) == 0
    assert "Date: ___" in page_texts(unsigned.pdf)[-1]


def test_metadata_and_language(stress, render):
    pdf = reader(stress.pdf)
    meta = pdf.metadata
    assert meta.title == f"Treatment plan and consent summary: {MARKUP_NAME}"
    assert meta.author == "Dr Maria Ioannou & <Partners>"
    assert stress.doc.fingerprint() in meta.subject and "2026-11-20" in meta.subject
    assert pdf.trailer["/Root"]["/Lang"] == "en"
    greek = reader(render("skin-rejuvenation.json", language="el").pdf)
    assert greek.trailer["/Root"]["/Lang"] == "el"


def test_only_the_embedded_dejavu_font_is_used(stress):
    names = font_names(stress.pdf)
    assert names and all("DejaVuSans" in name for name in names), names
    assert fonts_embedded(stress.pdf)


@pytest.mark.parametrize("name", PRINTABLE)
def test_footer_on_every_page(render, name):
    rendered = render(name)
    pages = page_texts(rendered.pdf)
    fingerprint = rendered.doc.fingerprint()
    date = long_date(rendered.doc.date)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)} · {date} · {fingerprint}" in text


def test_the_footer_fingerprint_is_the_consultations(render):
    a = render("skin-rejuvenation.json")
    b = render("skin-rejuvenation.json", notes="changed")
    assert a.doc.fingerprint() != b.doc.fingerprint()
    assert b.doc.fingerprint() in full_text(b.pdf) and a.doc.fingerprint() not in full_text(b.pdf)


def test_running_header_names_the_part_and_the_patient(render):
    pages = page_texts(render("format-example.json").pdf)
    assert "Treatment plan · Ελένη Παπαδοπούλου" in pages[1]
    assert "Consent summary · Ελένη Παπαδοπούλου" in pages[-1]
    assert "Treatment plan ·" not in pages[0]


def test_body_text_excludes_header_and_footer(stress):
    body = body_text(stress.pdf)
    assert "Page 1 of" not in body and "Treatment plan · " not in body
    assert "What mesotherapy is" in body


def test_blocked_consultation_is_refused(kb, render, example_doc):
    doc = parse_consultation(example_doc("pregnant.json"), kb)
    with pytest.raises(ReportError, match="pregnancy"):
        render_plan(doc, screen(doc, kb), kb, CLINIC)


def test_unknown_paper_is_refused(kb, render):
    base = render("skin-rejuvenation.json")
    with pytest.raises(ReportError, match="unknown paper size 'a5'"):
        render_plan(base.doc, base.result, kb, CLINIC, "a5")


def test_a_damaged_signature_is_a_clear_error_naming_it(kb):
    damaged = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode()
    data = stress_document()
    data["signatures"] = dict(data["signatures"], practitioner=damaged)
    doc = parse_consultation(data, kb, today=TODAY)  # the format checks only the PNG's first bytes
    with pytest.raises(ReportError, match="signatures.practitioner is not a readable image"):
        render_plan(doc, screen(doc, kb), kb, CLINIC)


def test_no_clinic_name_and_no_practitioner_still_prints(render, example_doc):
    data = example_doc("skin-rejuvenation.json")
    del data["practitioner"]
    rendered = render(data, clinic=None)
    pages = page_texts(rendered.pdf)
    assert pages[0].startswith("Your treatment plan")
    assert "Practitioner\nnot recorded" in pages[0]
    assert "Treatment plan · José Álvarez Núñez" in pages[1]


def test_the_chain_head_is_printed_beside_the_fingerprint_on_every_page(kb, render):
    plain = render("format-example.json")
    head = "3fa9c2e1b7d4"
    pdf = render_plan(plain.doc, plain.result, kb, CLINIC, "a4", chain_head=head)
    pages = page_texts(pdf)
    for number, text in enumerate(pages, start=1):
        assert (f"Page {number} of {len(pages)} · {long_date(plain.doc.date)} · "
                f"{plain.doc.fingerprint()} · audit {head}") in text
    assert "audit " not in full_text(plain.pdf)  # a document file alone has no records' head
    # deterministic: the same inputs, the same bytes; another head, other bytes
    assert render_plan(plain.doc, plain.result, kb, CLINIC, "a4", chain_head=head) == pdf
    assert render_plan(plain.doc, plain.result, kb, CLINIC, "a4",
                       chain_head="000000000000") != pdf
