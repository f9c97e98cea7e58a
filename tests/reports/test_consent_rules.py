"""What the consent must say, written from domain.md ("Systemic effects", "Interactions
within one plan", "Label limits", "Areas", "Regulatory status depends on where the
clinic is", "What the consent summary contains"), not from the knowledge base: taking a
risk, a caution or a status out of resources/knowledge fails here."""

from __future__ import annotations

import pytest

from mesodesk.domain.records import ClinicSettings
from tests.reports.conftest import CLINIC
from tests.reports.pdfcheck import full_text, one_line, page_texts

BASE = {
    "format": "mesodesk.consultation/2", "date": "2026-11-20", "history_reviewed": True,
    "patient": {"name": "Ana Lopes", "date_of_birth": "1985-03-03"},
    "practitioner": {"name": "Dr Maria Ioannou"},
}
CELLULITE = ["isoproterenol", "aminophylline", "levothyroxine", "caffeine", "pentoxifylline",
             "lidocaine", "hyaluronidase", "collagenase", "ginkgo-biloba", "artichoke-extract"]
LEVOTHYROXINE_REASON = {"substance": "levothyroxine", "reason": "Hypothyroid; endocrinologist agrees."}
DOCUMENTS = {
    "cellulite": {**BASE, "concerns": ["cellulite"], "areas": ["thighs"], "substances": CELLULITE,
                  "overrides": [LEVOTHYROXINE_REASON]},
    "localized-fat": {**BASE, "concerns": ["localized-fat"], "areas": ["submental"],
                      "substances": ["phosphatidylcholine", "deoxycholic-acid"]},
    "hair-loss": {**BASE, "concerns": ["hair-loss"], "areas": ["scalp"], "substances": ["prp"]},
}

# domain.md, "Systemic effects: the material risks of each substance", in the words a
# patient reads (a term kept beside its explanation counts).
SYSTEMIC = {
    "isoproterenol": ("cellulite", ["fast or irregular heartbeat", "palpitations", "tremor",
                                    "headache", "flushing", "drop or rise in blood pressure"]),
    "aminophylline": ("cellulite", ["nausea", "palpitations", "fast heartbeat", "restlessness",
                                    "headache", "trouble sleeping", "rarely, seizures",
                                    "heart's rhythm", "skin reaction to ethylenediamine"]),
    "levothyroxine": ("cellulite", ["palpitations", "irregular heartbeat", "sweating", "anxiety",
                                    "trouble sleeping", "too much thyroid hormone",
                                    "boxed warning", "serious harm, or even death",  # life-threatening
                                    "sympathomimetic amines"]),
    "caffeine": ("cellulite", ["palpitations", "restless", "sleep badly",
                               "if caffeine affects you a lot"]),  # people sensitive to it
    "pentoxifylline": ("cellulite", ["nausea", "dizziness", "headache", "flushing",
                                     "more bleeding if you take a blood thinner"]),
    "lidocaine": ("cellulite", ["rarely, an allergy", "high doses", "numb lips or tongue",
                                "metallic taste", "dizziness", "ringing in the ears",
                                "irregular heartbeat", "seizures"]),
    "deoxycholic-acid": ("localized-fat", [
        "swelling (87 in 100", "bruising (72 in 100", "pain (70 in 100", "numbness (66 in 100",
        "redness (27 in 100", "hard feel of the area (23 in 100", "tingling (14 in 100",
        "lumps (13 in 100", "itching (12 in 100", "ulcer", "necrosis",
        "into the skin itself"]),
    "phosphatidylcholine": ("localized-fat", ["swelling", "pain", "bruising", "redness", "lumps",
                                              "days to weeks", "rarely, an open sore"]),
    "hyaluronidase": ("cellulite", ["allergic reaction", "animal tissue", "skin test"]),
    "collagenase": ("cellulite", ["bruising (very common)", "pain", "swelling", "lumps",
                                  "change in skin colour"]),
    "prp": ("hair-loss", ["bruising", "fainting where the blood is taken", "pain", "headache",
                          "hair shedding"]),
    "ginkgo-biloba": ("cellulite", ["more bleeding if you take a blood thinner"]),
    "artichoke-extract": ("cellulite", ["allergy", "daisy family"]),
}
RISKS_HEADING = "Risks of the substances chosen for you"


def consent_text(rendered) -> str:
    text = one_line(full_text(rendered.pdf))
    return text[text.index("Consent summary A summary"):]


def risk_entry(rendered, kb, substance: str) -> str:
    """The consent's line on one substance's own risks, up to the next one."""
    text = consent_text(rendered)
    section = text[text.index(RISKS_HEADING):]
    section = section[:section.index("Common and expected")]
    names = [kb.substance_name(s.id) + ":" for s in rendered.result.selected]
    start = section.index(kb.substance_name(substance) + ":")
    ends = [section.index(name, start + 1) for name in names if name in section[start + 1:]]
    return section[start:min(ends, default=len(section))]


@pytest.mark.parametrize("substance", sorted(SYSTEMIC))
def test_each_chosen_substance_has_its_own_risks_in_the_consent(render, kb, substance):
    concern, risks = SYSTEMIC[substance]
    rendered = render(DOCUMENTS[concern])
    assert not rendered.result.blocked
    entry = risk_entry(rendered, kb, substance).lower()
    for risk in risks:
        assert risk.lower() in entry, (substance, risk, entry)


def test_a_substance_not_chosen_has_no_risks_in_the_consent(render, kb):
    text = consent_text(render(DOCUMENTS["hair-loss"]))
    for substance in CELLULITE:
        assert f"{kb.substance_name(substance)}:" not in text


# domain.md, "Areas": the nerve and swallowing risks concern the submental area only.
@pytest.mark.parametrize("areas, printed", [(["submental"], True), (["abdomen", "flanks"], False)])
def test_the_swallowing_and_nerve_risks_only_for_the_chin(render, areas, printed):
    rendered = render({**DOCUMENTS["localized-fat"], "areas": areas, "history": ["dysphagia"]})
    text = consent_text(rendered).lower()
    assert ("trouble swallowing (about 2 in 100" in text) == printed
    assert ("uneven smile (about 4 in 100" in text) == printed
    assert ("treatment under the chin can cause trouble swallowing" in text) == printed
    # Outside the chin, deoxycholic acid is off-label, and the consent says so.
    assert ("its use on other areas is off-label" in text) != printed


def test_the_plans_interaction_cautions_are_named_in_the_consent(render):
    text = consent_text(render(DOCUMENTS["cellulite"])).lower()
    assert "because of the combination chosen" in text
    assert "can speed up your heartbeat" in text  # cardiac stimulants together
    assert "each make bleeding more likely" in text  # pentoxifylline with ginkgo biloba


@pytest.mark.parametrize("jurisdiction, member_state, named", [
    ("EU", "GR", "EOF, the National Organisation for Medicines"),
    ("EU", "", "European Medicines Agency (EMA)"),
    ("US", "", "Food and Drug Administration (FDA)"),
    ("UK", "", "MHRA (the Medicines and Healthcare products Regulatory Agency)"),
])
def test_the_status_is_the_clinics_jurisdictions(render, kb, jurisdiction, member_state, named):
    clinic = ClinicSettings(name="Clinic", jurisdiction=jurisdiction, member_state=member_state)
    rendered = render(DOCUMENTS["localized-fat"], clinic=clinic)
    text = consent_text(rendered)
    assert named in text
    status = one_line(kb.substances["deoxycholic-acid"].status_for(jurisdiction))
    assert status in text
    assert "only for fat under the chin" in status
    assert {"US": "2015", "EU": "2016", "UK": "licensed"}[jurisdiction] in status


@pytest.mark.parametrize("substance", ["artichoke-extract", "ginkgo-biloba", "rutin", "l-carnitine",
                                       "multivitamins", "trace-minerals", "amino-acids"])
@pytest.mark.parametrize("jurisdiction", ["EU", "US", "UK"])
def test_plant_extracts_and_nutrients_are_not_licensed_for_injection(kb, substance, jurisdiction):
    status = kb.substances[substance].status_for(jurisdiction)
    assert "not licensed for injection" in status
    assert "approved for this use" not in status


def test_no_status_says_not_approved_for_this_use(kb):
    for substance in kb.substances.values():
        for text in [substance.regulatory_patient, *substance.status.values()]:
            assert "approved for this use" not in text, substance.id
        assert set(substance.status) == {"EU", "US", "UK"}, substance.id


def test_the_goals_are_in_section_2_and_clinical_notes_never_printed(render):
    rendered = render({**DOCUMENTS["hair-loss"], "goals": "Thicker hair at the crown & <b>temples</b>.",
                       "clinical_notes": "PRIVATE-NOTE-42"})
    text = consent_text(rendered)
    why = text.index("2. Why you would like this treatment")
    assert why < text.index("Thicker hair at the crown & <b>temples</b>.") < text.index("3. Alternatives")
    assert "PRIVATE-NOTE-42" not in full_text(rendered.pdf)


def test_before_and_after_care_are_in_the_consent_itself(render, kb):
    rendered = render(DOCUMENTS["hair-loss"])
    text = consent_text(rendered)
    care = text[text.index("Before and after each session"):]
    for advice in kb.aftercare:
        applies = "*" in advice.applies_to or "hair-loss" in advice.applies_to
        assert (one_line(advice.text) in care) == applies, advice.id


def test_a_label_limit_override_is_printed_with_its_reason(render):
    rendered = render({**DOCUMENTS["localized-fat"],
                       "courses": [{"concern": "localized-fat", "sessions": 8, "interval_days": 28}],
                       "overrides": [{"substance": "deoxycholic-acid", "limit": "sessions-max",
                                      "reason": "Large pad; 2 more sessions agreed & <noted>."}]})
    text = consent_text(rendered)
    assert "allow at most 6 sessions" in text
    assert "Why it is used for you: Large pad; 2 more sessions agreed & <noted>." in text


@pytest.mark.parametrize("weight, printed", [(50, "at most 225 mg"), (90, "at most 300 mg"), (None, None)])
def test_the_lidocaine_ceiling_in_mg_for_the_practitioner(render, weight, printed):
    patient = {**BASE["patient"], **({"weight_kg": weight} if weight else {})}
    text = consent_text(render({**DOCUMENTS["cellulite"], "patient": patient}))
    if printed:
        assert "For the practitioner: dose ceiling" in text
        assert f"Lidocaine: {printed} in one session for {weight} kg" in text
    else:
        assert "For the practitioner: dose ceiling" not in text


def test_signature_block_names_each_signature_with_printed_name_and_date(render):
    text = consent_text(render(DOCUMENTS["hair-loss"]))
    block = text[text.index("Agreement"):]
    assert "Patient's signature" in block and "Practitioner's signature" in block
    assert "Name: Ana Lopes" in block and "Name: Dr Maria Ioannou" in block
    assert block.count("Date:") == 2


def test_the_clinic_is_on_every_page_and_in_every_contact_us(render):
    rendered = render(DOCUMENTS["cellulite"], clinic=CLINIC)
    pages = page_texts(rendered.pdf)
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        flat = one_line(page)
        assert "Clinique Lumière" in flat, number
        assert "+30 210 123 4567" in flat and "105 63 Athens" in flat, number
    text = one_line(full_text(rendered.pdf))
    assert text.count("contact us") >= 2
    for start in [i for i in range(len(text)) if text.startswith("contact us", i)]:
        assert "Clinique Lumière" in text[start:start + 120] and "+30 210 123 4567" in text[start:start + 120]


# domain.md, "Rules that the first version got wrong or missed": wording.
def test_wording_corrections(render, kb):
    fat = consent_text(render(DOCUMENTS["localized-fat"])) + one_line(full_text(
        render({**DOCUMENTS["localized-fat"], "lifestyle": ["smoking", "genetic-predisposition"]}).pdf))
    assert "does not last without maintenance" not in fat
    # Smoking advice names PRP only when PRP is chosen.
    smoking = fat[fat.index("Smoking slows healing"):][:200]
    assert "PRP" not in smoking and "With PRP, smoking" not in fat
    hair = one_line(full_text(render({**DOCUMENTS["hair-loss"], "lifestyle": ["smoking"],
                                      "history": ["anticoagulants", "recent-aspirin"]}).pdf))
    assert "With PRP, smoking can also weaken the effect." in hair
    assert "adds to the bleeding risk of your blood thinner" not in hair
    assert "PRP may work less well" in hair
    assert "in the last 7 days" in hair  # aspirin's 7 days
    assert "middle layer of the embryo" in hair  # the mesoderm


@pytest.mark.parametrize("language", ["en", "el"])
def test_the_papers_words_come_from_the_documents_catalogue_of_its_language(kb, monkeypatch, language):
    import gettext

    from mesodesk.domain.document import parse_consultation
    from mesodesk.domain.screening import screen
    from mesodesk.reports import render_plan, words

    asked = set()

    class Marked(gettext.NullTranslations):
        def gettext(self, message):
            return "«" + message + "»" if message == "Patient's signature" else message

    def documents(code):
        asked.add(code)
        return Marked()

    monkeypatch.setattr(words, "documents", documents)
    doc = parse_consultation({**DOCUMENTS["hair-loss"], "language": language}, kb)
    pdf = render_plan(doc, screen(doc, kb), kb, CLINIC)
    assert asked == {language}
    assert "«Patient's signature»" in full_text(pdf)
