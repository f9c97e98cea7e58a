"""Course planning: a dated list of sessions for each chosen concern.

Defaults come from the knowledge base; a course starts after the cooling-off period
unless a start date is given. Values outside the knowledge base's range are allowed
(the practitioner decides) but give a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mesodesk.domain.findings import Warning
from mesodesk.domain.knowledge import KnowledgeBase

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation, Course


@dataclass(frozen=True)
class Session:
    number: int
    date: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "date": self.date.isoformat()}


@dataclass(frozen=True)
class PlannedCourse:
    concern: str
    interval_days: int
    sessions: tuple[Session, ...]
    maintenance: str
    from_defaults: bool

    @property
    def start_date(self) -> dt.date:
        return self.sessions[0].date

    @property
    def last_date(self) -> dt.date:
        return self.sessions[-1].date

    def to_dict(self) -> dict[str, Any]:
        return {"concern": self.concern, "interval_days": self.interval_days,
                "sessions": [s.to_dict() for s in self.sessions], "maintenance": self.maintenance}


def session_dates(start: dt.date, sessions: int, interval_days: int) -> tuple[Session, ...]:
    return tuple(Session(n + 1, start + dt.timedelta(days=n * interval_days)) for n in range(sessions))


def default_start(consultation_date: dt.date, kb: KnowledgeBase) -> dt.date:
    return consultation_date + dt.timedelta(days=kb.general.cooling_off_days)


def plan_course(concern_id: str, consultation_date: dt.date, kb: KnowledgeBase,
                given: Course | None = None, today: dt.date | None = None
                ) -> tuple[PlannedCourse, list[Warning]]:
    defaults = kb.concerns[concern_id].course
    name = kb.concerns[concern_id].name
    sessions = given.sessions if given and given.sessions is not None else defaults.sessions
    interval = given.interval_days if given and given.interval_days is not None else defaults.interval_days
    start = given.start_date if given and given.start_date is not None else default_start(consultation_date, kb)
    warnings = []
    if not defaults.sessions_min <= sessions <= defaults.sessions_max:
        warnings.append(Warning(
            "course-sessions-out-of-range",
            f"{name}: {sessions} sessions is outside the usual {defaults.sessions_min}-"
            f"{defaults.sessions_max} ({defaults.source_quality})"))
    if not defaults.interval_min <= interval <= defaults.interval_max:
        usual = (f"{defaults.interval_min} days" if defaults.interval_min == defaults.interval_max
                 else f"{defaults.interval_min}-{defaults.interval_max} days")
        warnings.append(Warning(
            "course-interval-out-of-range",
            f"{name}: an interval of {interval} days is outside the usual {usual} "
            f"({defaults.source_quality})"))
    earliest = default_start(consultation_date, kb)
    if start < earliest:
        warnings.append(Warning(
            "course-starts-early",
            f"{name}: the first session on {start.isoformat()} is before the end of the "
            f"{kb.general.cooling_off_days}-day cooling-off period ({earliest.isoformat()})."))
    today = today or dt.date.today()
    if start < today:
        # A draft resumed days later keeps its dates: the plan must not print past sessions.
        warnings.append(Warning(
            "course-in-the-past",
            f"{name}: the first session ({start.isoformat()}) is before today; choose a new start date."))
    course = PlannedCourse(concern_id, interval, session_dates(start, sessions, interval),
                           defaults.maintenance, from_defaults=given is None)
    return course, warnings


def plan_courses(doc: Consultation, kb: KnowledgeBase, today: dt.date | None = None,
                 concerns: Iterable[str] | None = None) -> tuple[list[PlannedCourse], list[Warning]]:
    """One course per chosen concern, in the order the concerns were chosen; ``concerns``
    (default: every chosen concern) limits it to those that have something to treat, and
    plans them in its order."""
    given = {course.concern: course for course in doc.courses}
    planned = doc.concerns if concerns is None else [c for c in concerns if c in doc.concerns]
    courses, warnings = [], []
    for concern_id in planned:
        course, course_warnings = plan_course(concern_id, doc.date, kb, given.get(concern_id), today)
        courses.append(course)
        warnings += course_warnings
    return courses, warnings
