"""Course planning: defaults, cooling-off, dated sessions, range warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from mesodesk.domain.document import parse_consultation
from mesodesk.domain.screening import screen

TODAY = dt.date(2026, 11, 26)
DEFAULTS = {"cellulite": (10, 7), "localized-fat": (4, 28), "skin-rejuvenation": (4, 14), "hair-loss": (3, 28)}


def plan(kb, **changes):
    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20",
            "patient": {"name": "Ana", "date_of_birth": "1990-05-05"}, "concerns": ["cellulite"]}
    data.update(changes)
    return screen(parse_consultation(data, kb, today=TODAY), kb, today=TODAY)


@pytest.mark.parametrize("concern", sorted(DEFAULTS))
def test_defaults_start_after_the_cooling_off_period(concern, kb):
    result = plan(kb, concerns=[concern])
    course = result.courses[0]
    sessions, interval = DEFAULTS[concern]
    assert len(course.sessions) == sessions and course.interval_days == interval
    assert course.sessions[0].date == dt.date(2026, 11, 27)  # 7 days after the 20th
    assert course.sessions[-1].date == dt.date(2026, 11, 27) + dt.timedelta(days=interval * (sessions - 1))
    assert [s.number for s in course.sessions] == list(range(1, sessions + 1))
    assert course.maintenance
    assert not [w for w in result.warnings if w.code.startswith("course-")]


def test_given_course_is_used_and_dated(kb):
    result = plan(kb, courses=[{"concern": "cellulite", "sessions": 6, "interval_days": 14, "start_date": "2026-12-03"}])
    dates = [s.date.isoformat() for s in result.courses[0].sessions]
    assert dates == ["2026-12-03", "2026-12-17", "2026-12-31", "2027-01-14", "2027-01-28", "2027-02-11"]


@pytest.mark.parametrize("course, code", [
    ({"sessions": 20}, "course-sessions-out-of-range"),
    ({"sessions": 5}, "course-sessions-out-of-range"),
    ({"interval_days": 3}, "course-interval-out-of-range"),
    ({"interval_days": 30}, "course-interval-out-of-range"),
    ({"start_date": "2026-11-21"}, "course-starts-early"),
])
def test_out_of_range_values_warn_but_plan(course, code, kb):
    result = plan(kb, courses=[{"concern": "cellulite", **course}])
    assert code in {w.code for w in result.warnings}
    assert result.status == "ok" and result.courses[0].sessions


def test_deoxycholic_acid_needs_28_days(kb):
    result = plan(kb, concerns=["localized-fat"], courses=[{"concern": "localized-fat", "interval_days": 21}])
    assert "course-interval-out-of-range" in {w.code for w in result.warnings}


def test_each_concern_gets_its_own_course(kb):
    result = plan(kb, concerns=["hair-loss", "cellulite"],
                  courses=[{"concern": "cellulite", "sessions": 8}])
    assert [c.concern for c in result.courses] == ["hair-loss", "cellulite"]
    assert [len(c.sessions) for c in result.courses] == [3, 8]
    assert result.courses[0].from_defaults and not result.courses[1].from_defaults


def test_sessions_before_today_warn(kb):
    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20",
            "patient": {"name": "Ana", "date_of_birth": "1990-05-05"}, "concerns": ["cellulite"]}
    doc = parse_consultation(data, kb, today=TODAY)
    assert "course-in-the-past" not in {w.code for w in screen(doc, kb, today=TODAY).warnings}
    later = screen(doc, kb, today=dt.date(2027, 1, 10))  # a draft resumed weeks later
    warning = next(w for w in later.warnings if w.code == "course-in-the-past")
    assert "2026-11-27" in warning.text


@pytest.mark.parametrize("start", ["2026-11-19", "2025-01-01"])
def test_a_session_before_the_consultation_date_is_an_error_by_path(start, kb):
    from mesodesk.domain.document import DocumentError

    data = {"format": "mesodesk.consultation/1", "date": "2026-11-20",
            "patient": {"name": "Ana", "date_of_birth": "1990-05-05"},
            "concerns": ["cellulite", "hair-loss"],
            "courses": [{"concern": "hair-loss"}, {"concern": "cellulite", "start_date": start}]}
    with pytest.raises(DocumentError) as raised:
        parse_consultation(data, kb, today=TODAY)
    [issue] = raised.value.issues
    assert issue.path == "courses[1].start_date"
    assert start in issue.message and "before the consultation date (2026-11-20)" in issue.message


def test_a_session_on_the_consultation_day_is_allowed(kb):
    result = plan(kb, courses=[{"concern": "cellulite", "start_date": "2026-11-20"}])
    assert result.courses[0].start_date == dt.date(2026, 11, 20)
    assert "course-starts-early" in {w.code for w in result.warnings}


def test_a_consultation_recorded_late_warns_for_sessions_before_today(kb):
    # Dated in the past and recorded late: sessions after its date but before today.
    result = plan(kb, date="2026-11-01", courses=[{"concern": "cellulite", "start_date": "2026-11-08"}])
    assert result.status == "ok"
    assert "course-in-the-past" in {w.code for w in result.warnings}
