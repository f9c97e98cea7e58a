"""The photo consent decided by its events, and the timeline by area and view."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesodesk.domain.photos import (
    PhotoConsentEvent,
    PhotoInfo,
    PhotoView,
    consent_state,
    export_name,
    timeline,
)

UTC = dt.timezone.utc
D = dt.date


def event(given_: bool, day: dt.date, source: str = "recorded", hour: int = 9):
    return PhotoConsentEvent(given=given_, on=day, source=source,
                             at=dt.datetime.combine(day, dt.time(hour), UTC))


def photo(number: int, area: str, view: str, day: dt.date) -> PhotoInfo:
    return PhotoInfo(id=number, patient_id=1, area=area, view=view, session_id=None,
                     taken_on=day, width=10, height=10,
                     added_at=dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_the_views_are_the_agreed_ids():
    assert [view.value for view in PhotoView] == ["front", "side", "back", "close-up"]


def test_no_events_no_consent():
    state = consent_state([])
    assert (state.in_force, state.since, state.events, state.last) == (False, None, (), None)


def test_a_withdrawal_ends_it_and_a_later_give_restores_it_from_its_own_date():
    events = [event(True, D(2026, 1, 5), "consultation 4"), event(False, D(2026, 3, 1)),
              event(True, D(2026, 6, 1))]
    assert consent_state(events[:1]).since == D(2026, 1, 5)
    assert not consent_state(events[:2]).in_force
    state = consent_state(reversed(events))  # in any order given
    assert (state.in_force, state.since) == (True, D(2026, 6, 1))
    assert [e.on for e in state.events] == [D(2026, 1, 5), D(2026, 3, 1), D(2026, 6, 1)]


def test_a_second_give_keeps_the_first_date_and_one_day_is_ordered_by_time():
    state = consent_state([event(True, D(2026, 1, 5)), event(True, D(2026, 2, 1))])
    assert state.since == D(2026, 1, 5)
    same_day = [event(False, D(2026, 2, 1), hour=15), event(True, D(2026, 2, 1), hour=10)]
    assert not consent_state(same_day).in_force


@given(st.lists(st.tuples(st.booleans(), st.dates(D(2020, 1, 1), D(2030, 1, 1))), max_size=8))
def test_the_latest_event_decides(pairs):
    events = [event(g, day, hour=number % 24) for number, (g, day) in enumerate(pairs)]
    state = consent_state(events)
    latest = max(events, key=lambda e: (e.on, e.at)) if events else None
    assert state.in_force == (latest is not None and latest.given)
    assert (state.since is None) == (not state.in_force)
    if state.in_force:
        assert state.since <= latest.on


def test_the_timeline_groups_by_area_and_view_oldest_first():
    photos = [photo(1, "face", "front", D(2026, 5, 1)), photo(2, "neck", "side", D(2026, 1, 1)),
              photo(3, "face", "front", D(2026, 2, 1)), photo(4, "face", "side", D(2026, 3, 1))]
    groups = timeline(photos)
    assert list(groups) == [("neck", "side"), ("face", "front"), ("face", "side")]
    assert [p.id for p in groups[("face", "front")]] == [3, 1]


def test_the_export_name():
    assert export_name(photo(12, "face", "close-up", D(2026, 5, 1))) == \
        "12-face-close-up-2026-05-01.jpg"
