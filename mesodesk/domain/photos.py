"""Photographs of the treated areas, and the separate consent they need.

A photograph is kept only while the patient's photo consent is in force. The consent has
a history of its own: a signed consultation whose document says ``photo_consent: true``
gives it on the signing date, and it may be given or withdrawn on its own at any time,
each with its date. The latest event decides (``consent_state``). Withdrawing it deletes
the image data; what a photograph was (area, view, date) stays in the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

RECORDED = "recorded"  # a consent event entered on its own (not from a consultation)


class PhotoView(StrEnum):
    FRONT = "front"
    SIDE = "side"
    BACK = "back"
    CLOSE_UP = "close-up"


@dataclass(frozen=True)
class PhotoInfo:
    """What is known about a photograph, without its image data."""

    id: int
    patient_id: int
    area: str
    view: str
    session_id: int | None  # None: taken "before" the course
    taken_on: dt.date
    width: int
    height: int
    added_at: dt.datetime
    deleted_at: dt.datetime | None = None  # its image data was deleted (consent withdrawn)

    @property
    def has_image(self) -> bool:
        return self.deleted_at is None


@dataclass(frozen=True)
class PhotoConsentEvent:
    given: bool
    on: dt.date
    source: str  # "recorded", or "consultation <id>"
    actor: str = ""
    at: dt.datetime | None = None  # when it was recorded: orders the events of one day


@dataclass(frozen=True)
class PhotoConsentState:
    in_force: bool
    since: dt.date | None  # the date it was given, while in force
    events: tuple[PhotoConsentEvent, ...] = ()

    @property
    def last(self) -> PhotoConsentEvent | None:
        return self.events[-1] if self.events else None


def _order(event: PhotoConsentEvent) -> tuple:
    at = event.at or dt.datetime.combine(event.on, dt.time(), dt.timezone.utc)
    return (event.on, at)


def consent_state(events: Iterable[PhotoConsentEvent]) -> PhotoConsentState:
    """The consent as the events leave it: in force when the latest was a give, since the
    first give after the last withdrawal."""
    ordered = tuple(sorted(events, key=_order))
    since: dt.date | None = None
    for event in ordered:
        if not event.given:
            since = None
        elif since is None:
            since = event.on
    in_force = bool(ordered) and ordered[-1].given
    return PhotoConsentState(in_force=in_force, since=since if in_force else None,
                             events=ordered)


def timeline(photos: Iterable[PhotoInfo]) -> dict[tuple[str, str], list[PhotoInfo]]:
    """The photographs by (area, view), each list oldest first; groups in first-taken order."""
    groups: dict[tuple[str, str], list[PhotoInfo]] = {}
    for photo in sorted(photos, key=lambda p: (p.taken_on, p.id)):
        groups.setdefault((photo.area, photo.view), []).append(photo)
    return groups


def export_name(photo: PhotoInfo) -> str:
    """``<id>-<area>-<view>-<date>.jpg``: the name a photograph has outside mesodesk."""
    return f"{photo.id}-{photo.area}-{photo.view}-{photo.taken_on.isoformat()}.jpg"


__all__ = ["PhotoConsentEvent", "PhotoConsentState", "PhotoInfo", "PhotoView", "RECORDED",
           "consent_state", "export_name", "timeline"]
