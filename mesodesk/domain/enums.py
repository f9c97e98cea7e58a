"""The fixed vocabularies of stored records: a consultation's status, a patient's sex.

``StrEnum`` members are their own text: ``ConsultationStatus.FINAL == "final"``, and
they are written to JSON and the database as that text, so stored values, documents
and comparisons with plain strings keep working unchanged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class ConsultationStatus(StrEnum):
    DRAFT = "draft"  # still being edited
    FINAL = "final"  # finalized with the patient's consent; never changes again
    NOT_TREATED = "not-treated"  # closed without treatment; never changes again


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNSPECIFIED = "unspecified"  # the patient prefers not to say


def as_member(kind: type[E], value: object) -> E | object:
    """``value`` as a member of ``kind`` when it names one; anything else unchanged."""
    try:
        return kind(value)
    except ValueError:
        return value
