"""The plan and the consent read plainly (issue 12, item 5): Flesch reading ease of the
whole patient text of each concern's plan and consent (at least 65), and of every
patient-facing text of the knowledge base longer than 15 words (at least 50).

textstat 0.7.3 counts syllables with pyphen's bundled dictionaries: nothing is
downloaded (pyproject.toml says why that release)."""

from __future__ import annotations

import pytest
import textstat

from tests.reports.conftest import CLINIC
from tests.reports.pdfcheck import body_text, one_line

DOCUMENT_MINIMUM = 65
KNOWLEDGE_MINIMUM = 50
AREAS = {"cellulite": ["thighs"], "localized-fat": ["submental"], "skin-rejuvenation": ["face"],
         "hair-loss": ["scalp"]}


def patient_texts(kb) -> list[tuple[str, str]]:
    """(where, text) for every text of the knowledge base a patient reads."""
    texts: list[tuple[str, str]] = []
    for concern in kb.concerns.values():
        texts += [(f"concern {concern.id}", concern.patient_text)]
        texts += [(f"concern {concern.id} advice", advice) for advice in concern.advice]
    texts += [(f"class {c.id}", c.patient_text) for c in kb.classes.values()]
    for s in kb.substances.values():
        texts += [(f"substance {s.id}", s.patient_text), (f"substance {s.id} status", s.regulatory_patient),
                  (f"substance {s.id} risks", s.risks)]
        texts += [(f"substance {s.id} status {where}", text) for where, text in s.status.items()]
    for item in kb.history.values():
        texts += [(f"history {item.id}", item.patient_text)]
        texts += [(f"history {item.id} rule {n}", r.patient_text) for n, r in enumerate(item.rules)]
    texts += [(f"interaction {i.code}", i.patient_text) for i in kb.interactions.values()]
    for risk in kb.lifestyle.values():
        texts += [(f"lifestyle {risk.id}", risk.advice)]
        texts += [(f"lifestyle {risk.id} with", e.advice) for e in risk.when_chosen]
    texts += [(f"adverse effect {e.id}", e.text) for e in kb.adverse_effects]
    texts += [(f"aftercare {a.id}", a.text) for a in kb.aftercare]
    texts += [(f"consent section {c.id}", c.text) for c in kb.consent_sections]
    texts += [(f"label limit {limit.code}", limit.patient_text) for limit in kb.label_limits]
    for authority in kb.jurisdictions.values():
        texts += [(f"jurisdiction {authority.id}", authority.text)]
        texts += [(f"jurisdiction {authority.id} {state}", text)
                  for state, text in authority.member_states.items()]
    texts += [(f"general {name}", getattr(kb.general, name))
              for name in ("what_is_mesotherapy", "depth_note", "results_disclaimer")]
    return [(where, str(text)) for where, text in texts if len(str(text).split()) > 15]


def test_every_long_knowledge_text_reads_plainly(kb):
    texts = patient_texts(kb)
    assert len(texts) > 80  # the whole base, not a few
    hard = {where: textstat.flesch_reading_ease(text) for where, text in texts
            if textstat.flesch_reading_ease(text) < KNOWLEDGE_MINIMUM}
    assert not hard, hard


def test_the_measure_catches_hard_text():
    # The same facts in clinical prose: what the test above must refuse.
    hard = ("Concomitant administration of sympathomimetic amines potentiates cardiovascular "
            "toxicity, including arrhythmogenic manifestations and haemodynamic instability.")
    assert textstat.flesch_reading_ease(hard) < KNOWLEDGE_MINIMUM


@pytest.mark.parametrize("concern", sorted(AREAS))
def test_each_concerns_plan_and_consent_read_plainly(render, concern):
    rendered = render({
        "format": "mesodesk.consultation/2", "date": "2026-11-20", "history_reviewed": True,
        "patient": {"name": "Ana Lopes", "date_of_birth": "1985-03-03"},
        "concerns": [concern], "areas": AREAS[concern]}, clinic=CLINIC)
    text = one_line(body_text(rendered.pdf))
    split = text.index("Consent summary A summary")
    plan, consent = text[:split], text[split:]
    assert len(plan.split()) > 500 and len(consent.split()) > 500
    for part, words in (("plan", plan), ("consent", consent)):
        score = textstat.flesch_reading_ease(words)
        assert score >= DOCUMENT_MINIMUM, (concern, part, score)


@pytest.mark.parametrize("term, explained", [
    ("off-label", "outside its approval"),
    ("atypical mycobacteria", "germs live in water and soil"),
    ("Tyndall effect", "a bluish tint of the skin"),
    ("wheals", "small raised bumps"),
    ("anticoagulant", "a medicine that thins the blood"),
])
def test_a_term_is_explained_where_it_first_appears(render, term, explained):
    rendered = render({
        "format": "mesodesk.consultation/2", "date": "2026-11-20", "history_reviewed": True,
        "patient": {"name": "Ana Lopes", "date_of_birth": "1985-03-03"},
        "concerns": ["skin-rejuvenation", "cellulite"], "areas": ["face", "thighs"],
        "history": ["anticoagulants"]}, clinic=CLINIC)
    text = one_line(body_text(rendered.pdf))
    first = text.find(term)
    assert first >= 0, term
    # The explanation stands within the same sentence or the one before it.
    around = text[max(0, first - 200):first + len(term) + 120]
    assert explained in around, (term, around)
