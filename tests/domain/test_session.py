"""The session document, mesodesk.session/1: shape errors by path and the clinical checks."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from mesodesk.domain.document import DocumentError, parse_consultation
from mesodesk.domain.session import (
    PastSession,
    SessionRefused,
    check_session,
    context_for,
    parse_session,
    parse_session_structure,
)

TODAY = dt.date(2026, 12, 20)

CELLULITE = {
    "format": "mesodesk.consultation/1", "date": "2026-11-26",
    "patient": {"name": "Ελένη Παπαδοπούλου", "date_of_birth": "1988-04-12"},
    "concerns": ["cellulite"], "areas": ["thighs"],
    "substances": ["caffeine", "l-carnitine", "lidocaine"],
    "courses": [{"concern": "cellulite", "sessions": 10, "interval_days": 7,
                 "start_date": "2026-12-03"}],
}
FAT = {
    "format": "mesodesk.consultation/1", "date": "2026-01-05",
    "patient": {"name": "Ana", "date_of_birth": "1980-02-02"},
    "concerns": ["localized-fat"], "areas": ["submental"],
    "substances": ["deoxycholic-acid"],
    "courses": [{"concern": "localized-fat", "sessions": 6, "interval_days": 28,
                 "start_date": "2026-01-10"}],
}


def session(**changes) -> dict:
    data = {
        "format": "mesodesk.session/1", "consultation": "1", "concern": "cellulite",
        "number": 1, "date": "2026-12-03",
        "practitioner": {"name": "Dr Maria Ioannou", "registration": "12345"},
        "areas": ["thighs", "buttocks"],
        "products": [
            {"substance": "lidocaine", "product": "Lidocaine 2% 5 mL", "manufacturer": "Demo Pharma",
             "lot": "LD2291", "expiry": "2027-06", "concentration_mg_per_ml": 20, "volume_ml": 2.0},
            {"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": "CF0042",
             "expiry": "2027-01", "volume_ml": 4.0}],
        "technique": {"depth": "intradermal", "needle": "30G 4 mm", "method": "nappage"},
        "adverse_events": [{"kind": "bruising", "severity": "mild", "note": "left thigh"}],
        "notes": "Tolerated well.", "patient_weight_kg": 68,
    }
    data.update(changes)
    return data


def context(kb, consultation=CELLULITE, status="final", past=()):
    doc = parse_consultation(consultation, kb, today=TODAY)
    return context_for(1, doc, status, kb, past=past, today=TODAY)


def refused(kb, data, ctx=None) -> tuple[dict[str, str], dict[str, str]]:
    with pytest.raises(SessionRefused) as caught:
        parse_session(data, ctx or context(kb), kb)
    check = caught.value.check
    return ({i.path: i.message for i in check.invalid}, {i.path: i.message for i in check.blocked})


def shape_errors(data) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        parse_session_structure(data)
    return {issue.path: issue.message for issue in caught.value.issues}


def test_the_specs_example_is_accepted(kb):
    parsed = parse_session(session(), context(kb), kb)
    assert parsed.products[0].lot == "LD2291"
    assert parsed.products[0].expires == dt.date(2027, 6, 30)
    assert parsed.to_dict() == session()


def test_unknown_fields_and_wrong_types_are_named_by_path():
    data = session(colour="blue")
    data["products"][1]["volume"] = 4
    data["products"][0]["volume_ml"] = 0
    data["products"][0]["lot"] = ""
    data["technique"]["depth"] = "deep"
    data["adverse_events"][0]["severity"] = "awful"
    errors = shape_errors(data)
    assert "unknown field" in errors["colour"]
    assert "unknown field" in errors["products[1].volume"]
    assert "greater than 0" in errors["products[0].volume_ml"]
    assert "1 to 40" in errors["products[0].lot"]
    assert "technique.depth" in errors
    assert "adverse_events[0].severity" in errors


@pytest.mark.parametrize("bad", ["2027-13", "27-06", "2027/06", "2027-02-30", ""])
def test_an_expiry_that_is_not_a_date_is_named(bad):
    data = session()
    data["products"][0]["expiry"] = bad
    assert "products[0].expiry" in shape_errors(data)


def test_format_json_and_duplicates():
    assert "format" in shape_errors(session(format="mesodesk.session/2"))
    assert "" in shape_errors("{not json")
    assert "twice" in shape_errors('{"format": "mesodesk.session/1", "number": 1, "number": 2}')[""]
    assert "products" in shape_errors(session(products=[]))
    lot41 = session()
    lot41["products"][0]["lot"] = "L" * 41
    assert "products[0].lot" in shape_errors(lot41)


def test_greek_emoji_and_markup_are_text(kb):
    data = session(notes="Ήπιο μώλωπα 😊 <b>&", areas=["μηροί <i>"])
    data["products"][1]["product"] = "Καφεΐνη <b>&"
    parsed = parse_session(data, context(kb), kb)
    assert parsed.notes == "Ήπιο μώλωπα 😊 <b>&"


def test_a_substance_outside_the_signed_consent_is_blocked_by_path(kb):
    data = session()
    data["products"].append({"substance": "isoproterenol", "lot": "IS1", "expiry": "2027-01",
                             "volume_ml": 1})
    invalid, blocked = refused(kb, data)
    assert not invalid
    assert "not covered by the signed consent" in blocked["products[2].substance"]
    assert "caffeine" in blocked["products[2].substance"]


def test_an_unknown_substance_is_invalid_not_blocked(kb):
    data = session()
    data["products"][1]["substance"] = "unicorn-dust"
    invalid, blocked = refused(kb, data)
    assert "not a known substance" in invalid["products[1].substance"]


def test_an_expired_lot_is_blocked(kb):
    data = session(date="2026-12-10")
    data["products"][1]["expiry"] = "2026-11"
    invalid, blocked = refused(kb, data)
    assert "expired on 2026-11-30" in blocked["products[1].expiry"]
    data["products"][1]["expiry"] = "2026-12-10"  # usable on its last day
    parse_session(data, context(kb), kb)


def test_lidocaine_over_the_ceiling_for_the_weight_is_blocked_with_the_figures(kb):
    data = session(patient_weight_kg=30)  # 4.5 × 30 = 135 mg
    data["products"][0]["volume_ml"] = 4.0  # 80 mg
    data["products"].append({"substance": "lidocaine", "lot": "LD2292", "expiry": "2027-06",
                             "concentration_mg_per_ml": 10, "volume_ml": 6})  # 60 mg
    invalid, blocked = refused(kb, data)
    message = blocked["products"]
    assert "140 mg" in message and "135 mg" in message and "30 kg" in message
    data["products"][2]["volume_ml"] = 5.5  # 80 + 55 = 135: at the ceiling, allowed
    parse_session(data, context(kb), kb)


def test_lidocaine_never_over_300_mg_whatever_the_weight(kb):
    data = session(patient_weight_kg=120)  # 4.5 × 120 = 540, capped at 300
    data["products"][0]["volume_ml"] = 15.5  # 310 mg
    invalid, blocked = refused(kb, data)
    assert "310 mg" in blocked["products"] and "300 mg" in blocked["products"]


def test_lidocaine_needs_a_weight_and_a_concentration(kb):
    data = session()
    del data["patient_weight_kg"]
    invalid, _blocked = refused(kb, data)
    assert "4.5 mg/kg" in invalid["patient_weight_kg"]
    data = session()
    del data["products"][0]["concentration_mg_per_ml"]
    invalid, _blocked = refused(kb, data)
    assert "products[0].concentration_mg_per_ml" in invalid


def test_the_record_rules(kb):
    invalid, _b = refused(kb, session(date="2026-11-20"))
    assert "before the consultation" in invalid["date"]
    invalid, _b = refused(kb, session(date="2026-12-21"))
    assert "future" in invalid["date"]
    invalid, _b = refused(kb, session(number=16))
    assert "at most 15" in invalid["number"]
    parse_session(session(number=15), context(kb), kb)
    invalid, _b = refused(kb, session(concern="hair-loss"))
    assert "concern" in invalid
    invalid, _b = refused(kb, session(), context(kb, status="draft"))
    assert "a draft" in invalid["consultation"]
    invalid, _b = refused(kb, session(), context(kb, status="not-treated"))
    assert "not treated" in invalid["consultation"]


def test_adverse_events_are_known_ids_or_other_with_a_note(kb):
    invalid, _b = refused(kb, session(adverse_events=[{"kind": "sneezing", "severity": "mild"}]))
    assert "adverse_events[0].kind" in invalid
    invalid, _b = refused(kb, session(adverse_events=[{"kind": "other", "severity": "severe"}]))
    assert "adverse_events[0].note" in invalid
    parse_session(session(adverse_events=[{"kind": "other", "severity": "severe",
                                            "note": "fainted"}]), context(kb), kb)


def _past(kb, data, session_id, consultation_id=1):
    return PastSession(session_id, consultation_id, parse_session_structure(data))


def test_one_session_per_number_unless_it_is_a_correction(kb):
    first = _past(kb, session(), 7)
    invalid, _b = refused(kb, session(), context(kb, past=[first]))
    assert "already recorded (session 7)" in invalid["number"]
    correction = session(corrects={"session": 7, "reason": "wrong lot typed"})
    parse_session(correction, context(kb, past=[first]), kb)
    invalid, _b = refused(kb, session(corrects={"session": 99, "reason": "x"}),
                          context(kb, past=[first]))
    assert "corrects.session" in invalid


def dc_session(number: int, day: str, volume: float = 2.0, **changes) -> dict:
    return session(concern="localized-fat", number=number, date=day, areas=["submental"],
                   products=[{"substance": "deoxycholic-acid", "product": "Belkyra 2 mL",
                              "lot": "DC11", "expiry": "2027-12", "volume_ml": volume}],
                   adverse_events=[], **changes)


def test_deoxycholic_acid_over_10_ml_is_blocked(kb):
    ctx = context(kb, FAT)
    invalid, blocked = refused(kb, dc_session(1, "2026-01-10", volume=10.5), ctx)
    assert "10.5 mL" in blocked["products"] and "10 mL" in blocked["products"]
    parse_session(dc_session(1, "2026-01-10", volume=10), ctx, kb)


def test_deoxycholic_acid_sessions_at_least_28_days_apart(kb):
    past = [_past(kb, dc_session(1, "2026-01-10"), 1)]
    ctx = context(kb, FAT, past=past)
    invalid, blocked = refused(kb, dc_session(2, "2026-02-06"), ctx)
    assert "27 days" in blocked["date"] and "28 days" in blocked["date"]
    parse_session(dc_session(2, "2026-02-07"), ctx, kb)


def test_a_seventh_deoxycholic_acid_session_is_blocked(kb):
    start = dt.date(2026, 1, 10)
    past = [_past(kb, dc_session(n, (start + dt.timedelta(days=28 * (n - 1))).isoformat()), n)
            for n in range(1, 7)]
    seventh = (start + dt.timedelta(days=28 * 6)).isoformat()
    invalid, blocked = refused(kb, dc_session(7, seventh), context(kb, FAT, past=past))
    assert "session 7" in blocked["number"] and "at most 6" in blocked["number"]
    # A correction of the sixth is not a seventh.
    parse_session(dc_session(6, past[5].session.date.isoformat(),
                             corrects={"session": 6, "reason": "volume"}),
                  context(kb, FAT, past=past), kb)


def test_the_check_reports_every_problem_at_once(kb):
    data = session(date="2026-11-20", patient_weight_kg=10 + 10)
    data["products"][0]["volume_ml"] = 10.0
    result = check_session(parse_session_structure(data), context(kb), kb)
    assert {i.path for i in result.invalid} == {"date"}
    assert {i.path for i in result.blocked} == {"products"}


FAT_V2_OVERRIDES = {
    **{k: v for k, v in FAT.items() if k != "format"}, "format": "mesodesk.consultation/2",
    "history_reviewed": True,
    "overrides": [
        {"substance": "deoxycholic-acid", "limit": "volume-max", "reason": "Large submental area."},
        {"substance": "deoxycholic-acid", "limit": "interval-min", "reason": "Patient travels."},
        {"substance": "deoxycholic-acid", "limit": "sessions-max", "reason": "Partial response."},
    ],
}


def test_the_signed_consents_overrides_lift_the_deoxycholic_acid_limits(kb):
    start = dt.date(2026, 1, 10)
    past = [_past(kb, dc_session(n, (start + dt.timedelta(days=21 * (n - 1))).isoformat()), n)
            for n in range(1, 7)]
    seventh = dc_session(7, (start + dt.timedelta(days=21 * 6)).isoformat(), volume=12)
    ctx = context(kb, FAT_V2_OVERRIDES, past=past)
    parse_session(seventh, ctx, kb)
    # Each override lifts its own limit only.
    for kept in ("volume-max", "interval-min", "sessions-max"):
        one_less = dict(FAT_V2_OVERRIDES, overrides=[
            o for o in FAT_V2_OVERRIDES["overrides"] if o["limit"] != kept])
        _invalid, blocked = refused(kb, seventh, context(kb, one_less, past=past))
        assert len(blocked) == 1, (kept, blocked)


def test_the_weight_may_come_from_the_consultation(kb):
    consultation = {**CELLULITE, "format": "mesodesk.consultation/2",
                    "patient": {**CELLULITE["patient"], "weight_kg": 30}}
    data = session()
    del data["patient_weight_kg"]
    data["products"][0]["volume_ml"] = 7.0  # 140 mg over 135 mg for 30 kg
    _invalid, blocked = refused(kb, data, context(kb, consultation))
    assert "135 mg" in blocked["products"] and "30 kg" in blocked["products"]
    data["patient_weight_kg"] = 60  # the session's own weight comes first
    parse_session(data, context(kb, consultation), kb)


def _base_with_limits(tmp_path, **replacements):
    """A copy of the shipped knowledge base with some label limits changed."""
    import shutil

    from mesodesk.domain.knowledge import load_knowledge
    from mesodesk.paths import knowledge_dir

    base = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), base)
    limits = base / "label_limits.toml"
    text = limits.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    limits.write_text(text, encoding="utf-8")
    return load_knowledge(base)


def test_the_label_limits_are_the_knowledge_bases(tmp_path, kb):
    """The checks read label_limits.toml: a stricter label there is a stricter check."""
    strict = _base_with_limits(
        tmp_path,
        **{'value = 10\nunit = "mL"': 'value = 8\nunit = "mL"',
           'value = 28\nunit = "days"': 'value = 35\nunit = "days"',
           'value = 6\nunit = "sessions"': 'value = 3\nunit = "sessions"',
           "per_kg = 4.5": "per_kg = 2"})
    nine_ml = dc_session(1, "2026-01-10", volume=9)
    parse_session(nine_ml, context(kb, FAT), kb)
    _invalid, blocked = refused(strict, nine_ml, context(strict, FAT))
    assert "9 mL" in blocked["products"] and "label's 8 mL" in blocked["products"]

    past = [_past(kb, dc_session(1, "2026-01-10"), 1)]
    thirty_days = dc_session(2, "2026-02-09")
    parse_session(thirty_days, context(kb, FAT, past=past), kb)
    _invalid, blocked = refused(strict, thirty_days, context(strict, FAT, past=past))
    assert "30 days" in blocked["date"] and "at least 35 days" in blocked["date"]

    start = dt.date(2026, 1, 10)
    three = [_past(kb, dc_session(n, (start + dt.timedelta(days=35 * (n - 1))).isoformat()), n)
             for n in range(1, 4)]
    fourth = dc_session(4, (start + dt.timedelta(days=35 * 3)).isoformat())
    parse_session(fourth, context(kb, FAT, past=three), kb)
    _invalid, blocked = refused(strict, fourth, context(strict, FAT, past=three))
    assert "session 4" in blocked["number"] and "at most 3" in blocked["number"]

    lidocaine = session()
    lidocaine["products"][0]["volume_ml"] = 7.0  # 140 mg: under 300 mg, over 2 mg/kg x 68 kg
    parse_session(lidocaine, context(kb), kb)
    _invalid, blocked = refused(strict, lidocaine, context(strict))
    assert "ceiling of 136 mg" in blocked["products"] and "2 mg/kg" in blocked["products"]


def test_without_a_label_limit_nothing_is_checked(tmp_path):
    """A limit the knowledge base does not hold is not checked from a copy in the code."""
    moved = 'code = "deoxycholic-acid-volume"\nsubstance = "{}"'
    kb = _base_with_limits(tmp_path, **{moved.format("deoxycholic-acid"): moved.format("lidocaine")})
    parse_session(dc_session(1, "2026-01-10", volume=12), context(kb, FAT), kb)


def test_an_overlay_cannot_redefine_a_shipped_label_limit(tmp_path):
    """The label is changed in the base, never loosened beside it by a practitioner's overlay:
    a second deoxycholic acid volume limit is refused by the loader, naming it."""
    from mesodesk.domain.knowledge import KnowledgeError, load_knowledge
    from mesodesk.paths import knowledge_dir

    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "label_limits.toml").write_text(
        '[[limit]]\ncode = "my-volume"\nsubstance = "deoxycholic-acid"\nkind = "volume-max"\n'
        'value = 20\nunit = "mL"\ntext = "More."\npatient_text = "More."\n'
        'sources = ["kybella-label"]\n', encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_dir(), overlay)
    assert "already has a limit of kind 'volume-max'" in str(caught.value)
