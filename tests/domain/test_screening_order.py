"""Screening does not depend on order (domain.md, "Rules that the first version got wrong
or missed"): the same concerns, substances and history in any order give the same result,
and a substance several concerns offer is attributed to the concern that pre-selects it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import load_knowledge
from mesodesk.domain.screening import screen
from mesodesk.paths import knowledge_dir

TODAY = dt.date(2026, 11, 26)
KB = load_knowledge(knowledge_dir())
CONCERNS = ["cellulite", "localized-fat", "skin-rejuvenation", "hair-loss"]
HISTORY = sorted(set(KB.history) - {"pregnancy", "breastfeeding", "active-skin-infection",
                                    "cancer", "under-18"}) + ["pregnancy"]


def document(concerns, history=(), substances=None, overrides=()):
    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20",
            "patient": {"name": "Ana", "date_of_birth": "1990-05-05"},
            "concerns": list(concerns), "history": list(history), "overrides": list(overrides)}
    if substances is not None:
        data["substances"] = list(substances)
    return parse_consultation(data, KB, today=TODAY)


def offered(concerns):
    return sorted({s for c in concerns for k in KB.classes_of(c) for s in KB.classes[k].substances})


def normalized(result):
    """The whole result as JSON, plus what to_dict leaves out; only the courses keep the
    order in which the concerns were chosen, and the history as it was declared."""
    data = result.to_dict()
    data["history"] = sorted(data["history"])
    data["courses"] = sorted(data["courses"], key=lambda course: course["concern"])
    data["attribution"] = [(s.id, s.concern, s.class_id, s.concerns, s.preselected)
                           for s in result.substances]
    data["warning_texts"] = [(w.code, w.text, w.patient_text) for w in result.warnings]
    data["blocks"] = [(b.code, b.history, b.substance, b.general) for b in result.blocked_by]
    data["overrides"] = [(o.substance, o.history) for o in result.applied_overrides]
    return data


@st.composite
def consultations(draw):
    concerns = draw(st.lists(st.sampled_from(CONCERNS), min_size=1, max_size=4, unique=True))
    history = draw(st.lists(st.sampled_from(HISTORY), max_size=5, unique=True))
    substances = draw(st.none() | st.lists(st.sampled_from(offered(concerns)), max_size=8, unique=True))
    candidates = [{"substance": s, "history": h, "reason": "Specialist agrees."}
                  for s in (substances or []) for h in history]
    candidates += [{"substance": "levothyroxine", "history": None, "reason": "Endocrinologist agrees."}]
    overrides = draw(st.lists(st.sampled_from(candidates), max_size=3, unique_by=lambda o: (
        o["substance"], o["history"])))
    if "levothyroxine" not in (substances or []):
        overrides = [o for o in overrides if o["substance"] != "levothyroxine"]
    return concerns, history, substances, overrides


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=consultations(), data=st.data())
def test_screening_is_the_same_for_any_order(case, data):
    concerns, history, substances, overrides = case
    first = screen(document(concerns, history, substances, overrides), KB, today=TODAY)
    other_concerns = data.draw(st.permutations(concerns), label="concerns")
    other_history = data.draw(st.permutations(history), label="history")
    other_substances = None if substances is None else data.draw(st.permutations(substances),
                                                                 label="substances")
    shuffled = screen(document(other_concerns, other_history, other_substances, overrides), KB,
                      today=TODAY)
    assert normalized(shuffled) == normalized(first)
    # The courses follow the order in which the concerns were chosen, nothing else.
    planned = {course.concern for course in first.courses}
    assert [c.concern for c in shuffled.courses] == [c for c in other_concerns if c in planned]


# (substance, concerns in either order) -> the concern it belongs to, and its class there.
ATTRIBUTION = [
    ("prp", ["skin-rejuvenation", "hair-loss"], "hair-loss", "autologous"),
    ("rutin", ["cellulite", "hair-loss"], "cellulite", "vasoactive"),
    ("multivitamins", ["skin-rejuvenation", "hair-loss"], "skin-rejuvenation", "vitamins-minerals"),
    ("pentoxifylline", ["cellulite", "hair-loss"], "cellulite", "vasoactive"),
]


@pytest.mark.parametrize("substance, concerns, concern, class_id", ATTRIBUTION)
@pytest.mark.parametrize("reverse", [False, True])
def test_a_substance_of_several_concerns_is_attributed_to_the_one_that_preselects_it(
        substance, concerns, concern, class_id, reverse):
    order = list(reversed(concerns)) if reverse else concerns
    result = screen(document(order), KB, today=TODAY)
    item = result.substance(substance)
    assert (item.concern, item.class_id) == (concern, class_id)
    assert set(item.concerns) == set(concerns)


@pytest.mark.parametrize("order", [["skin-rejuvenation", "hair-loss"], ["hair-loss", "skin-rejuvenation"]])
def test_prp_for_hair_loss_whichever_concern_comes_first(order):
    """The review's case: PRP with skin rejuvenation and hair loss belongs to hair loss
    (pre-selected there, never for skin), so hair loss keeps its course."""
    result = screen(document(order, substances=["prp"]), KB, today=TODAY)
    assert result.substance("prp").concern == "hair-loss"
    assert [c.concern for c in result.courses] == ["hair-loss"]
    assert [w.code for w in result.warnings] == ["concern-without-substances"]
    assert "skin rejuvenation" in result.warnings[0].text
