"""A Greek consultation prints a Greek plan and consent: every heading, sentence, table,
footer and knowledge text, dates with Greek month names, numbers as Greek readers write
them. Only names and what the practitioner typed stay as they are."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.screening import screen
from mesodesk.i18n import documents
from mesodesk.paths import knowledge_dir
from mesodesk.reports import ReportError, render_plan
from mesodesk.reports.words import join_words, long_date, number, weekday, writing_in
from tests.conftest import example
from tests.reports.conftest import CLINIC, PRINTABLE, TODAY
from tests.reports.pdfcheck import full_text, one_line, page_texts, reader
from tests.reports.samples import stress_document
from tests.reports.test_content import CONSENT_SECTIONS, PLAN_SECTIONS

# Words of any English sentence; none is a name, a unit or an abbreviation kept in Greek
# text (PRP, FDA, mg), so any of them on a Greek paper is English left untranslated.
ENGLISH_WORDS = {
    "the", "and", "your", "you", "session", "sessions", "page", "of", "with", "for", "is",
    "are", "to", "not", "this", "what", "we", "from", "on", "at", "by", "or", "in", "if",
    "be", "it", "day", "days", "date", "patient", "practitioner", "consent", "treatment",
    "plan", "before", "after", "used", "may", "can", "each", "approved", "skin", "risk",
}


def english_words(text: str) -> list[str]:
    return sorted({word for word in re.findall(r"[A-Za-z]+", text) if word.lower() in ENGLISH_WORDS})


def typed_in_greek(data: dict) -> dict:
    """The consultation in Greek, with what the practitioner typed typed in Greek too."""
    data = {**data, "language": "el"}
    data["areas"] = ["μηροί", "γλουτοί", "κοιλιά", "πρόσωπο"][:len(data.get("areas", []))]
    data["notes"] = "Σημειώσεις της επίσκεψης." if data.get("notes") else ""
    data["history_notes"] = "Παίρνει απιξαμπάνη 5 mg δύο φορές την ημέρα." if data.get("history_notes") else ""
    if data.get("goals"):  # a version-2 field, printed in the consent
        data["goals"] = "Πιο λείοι μηροί πριν από το καλοκαίρι."
    data["overrides"] = [{**o, "reason": "Με τη γραπτή σύμφωνη γνώμη του καρδιολόγου."}
                         for o in data.get("overrides", [])]
    return data


GREEK_CASES = [*PRINTABLE, "stress"]


def greek(render, name: str):
    source = stress_document() if name == "stress" else example(name)
    return render(typed_in_greek(source))


@pytest.mark.parametrize("name", GREEK_CASES)
def test_a_greek_consultation_prints_no_english_sentence(render, name):
    text = full_text(greek(render, name).pdf)
    assert english_words(text) == []


def test_the_english_word_check_finds_english(render):
    text = full_text(render("cellulite-arrhythmia.json").pdf)
    assert {"the", "your", "session", "Page", "of"} <= set(english_words(text))


@pytest.mark.parametrize("name", PRINTABLE)
def test_every_section_is_printed_in_greek_in_order(render, name):
    text = one_line(full_text(greek(render, name).pdf))
    position = -1
    for title in PLAN_SECTIONS + CONSENT_SECTIONS:
        greek_title = documents("el").gettext(title)
        assert greek_title != title, title
        found = text.find(greek_title, position + 1)
        assert found > position, f"{greek_title!r} missing or out of order in {name}"
        position = found


@pytest.mark.parametrize("name", PRINTABLE)
def test_the_knowledge_base_speaks_greek_on_the_page(render, kb, name):
    rendered = greek(render, name)
    text = one_line(full_text(rendered.pdf))
    assert one_line(kb.general.what_is_mesotherapy.in_language("el")) in text
    for section in kb.consent_sections:
        assert one_line(section.text.in_language("el")) in text, section.id
    for concern in rendered.doc.concerns:
        assert one_line(kb.concerns[concern].patient_text.in_language("el")) in text
    for item in rendered.result.selected:
        substance = kb.substances[item.id]
        status = substance.status_for(CLINIC.jurisdiction)
        assert one_line(status.in_language("el")) in text, item.id


def test_cellulite_is_said_at_once_to_be_harmless_and_no_infection(render):
    text = one_line(full_text(greek(render, "cellulite-arrhythmia.json").pdf))
    assert "Κυτταρίτιδα. Ακίνδυνη αλλαγή του δέρματος, όχι λοίμωξη:" in text


@pytest.mark.parametrize("name", PRINTABLE)
def test_the_footer_is_greek_on_every_page(render, name):
    rendered = greek(render, name)
    pages = page_texts(rendered.pdf)
    with writing_in("el"):
        date = long_date(rendered.doc.date)
    for page, text in enumerate(pages, start=1):
        assert f"Σελίδα {page} από {len(pages)} · {date} · {rendered.doc.fingerprint()}" in text


def test_dates_have_greek_months_in_the_genitive_and_greek_weekdays(render):
    text = full_text(greek(render, "format-example.json").pdf)
    assert "26 Νοεμβρίου 2026" in text  # the consultation
    assert "12 Απριλίου 1988" in text  # the date of birth
    assert "3 Δεκεμβρίου 2026\nΠέμπτη" in text  # the first session and its day
    assert "December" not in text and "Thursday" not in text


def test_the_signature_date_is_greek(render):
    text = full_text(greek(render, "stress").pdf)
    assert "Ημερομηνία: 20 Νοεμβρίου 2026" in text


def test_greek_metadata(render):
    pdf = reader(greek(render, "format-example.json").pdf)
    assert pdf.metadata.title == "Σχέδιο θεραπείας και σύνοψη συγκατάθεσης: Ελένη Παπαδοπούλου"
    assert pdf.trailer["/Root"]["/Lang"] == "el"


@pytest.mark.parametrize("language, day, words, weekday_name, figure, listed", [
    ("en", "3 December 2026", "1 March 2027", "Thursday", "12,345.5", "a, b and c"),
    ("el", "3 Δεκεμβρίου 2026", "1 Μαρτίου 2027", "Πέμπτη", "12.345,5", "a, b και c"),
])
def test_dates_numbers_and_lists_through_babel(language, day, words, weekday_name, figure, listed):
    with writing_in(language):
        assert long_date(dt.date(2026, 12, 3)) == day
        assert long_date(dt.date(2027, 3, 1)) == words
        assert weekday(dt.date(2026, 12, 3)) == weekday_name
        assert number(12345.5) == figure
        assert join_words(["a", "b", "c"]) == listed


def test_the_papers_language_is_the_consultations_whatever_else_renders_at_once(kb):
    """Two papers rendered at the same time, one Greek and one English, each in its own."""
    docs = {language: parse_consultation({**example("skin-rejuvenation.json"), "language": language},
                                         kb, today=TODAY) for language in ("el", "en")}

    def render(language: str) -> str:
        doc = docs[language]
        return full_text(render_plan(doc, screen(doc, kb), kb, CLINIC))

    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = dict(zip(["el", "en", "el2", "en2"], pool.map(render, ["el", "en", "el", "en"])))
    for language in ("el", "el2"):
        assert "Σελίδα 1 από" in texts[language] and english_words(texts[language]) == []
    for language in ("en", "en2"):
        assert "Page 1 of" in texts[language] and "Σελίδα" not in texts[language]


def test_a_knowledge_text_without_greek_stops_the_greek_paper_not_the_english(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    general = target / "general.toml"
    general.write_text(re.sub(r"\ndepth_note\.el = .*", "", general.read_text(encoding="utf-8")),
                       encoding="utf-8")
    kb = load_knowledge(target)
    data = example("skin-rejuvenation.json")
    english = parse_consultation(data, kb, today=TODAY)
    assert render_plan(english, screen(english, kb), kb, CLINIC)
    doc = parse_consultation({**data, "language": "el"}, kb, today=TODAY)
    with pytest.raises(ReportError, match=r"no 'el' text for “How deep each injection.*"
                                          r"run 'mesodesk knowledge check'"):
        render_plan(doc, screen(doc, kb), kb, CLINIC)
