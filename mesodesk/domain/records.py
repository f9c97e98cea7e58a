"""Plain domain objects for stored records.

The store's repositories return these (never ORM rows), so the GUI and the PDF work
with immutable values and no database session can leak out of ``mesodesk.store``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mesodesk.domain.enums import ConsultationStatus, Sex, as_member

if TYPE_CHECKING:  # pydantic stays off the path to the patient list's first rows
    from mesodesk.domain.document import Consultation

__all__ = [
    "AuditEvent", "ClinicSettings", "ConsultationRecord", "ConsultationStatus", "NewPatient",
    "PatientRecord", "PractitionerRecord", "Sex", "SignedConsent",
]


def _coerce(record: object, name: str, kind: type[Sex] | type[ConsultationStatus]) -> None:
    """Store a known value as its enum member (equal to the same text); leave others
    for the validation that names the field (``validate_patient``, the store)."""
    value = getattr(record, name)
    if value is not None:
        object.__setattr__(record, name, as_member(kind, value))


@dataclass(frozen=True)
class NewPatient:
    """What a person types to create or edit a patient."""

    name: str
    date_of_birth: dt.date
    sex: Sex | None = None
    phone: str | None = None
    email: str | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        _coerce(self, "sex", Sex)


@dataclass(frozen=True)
class PatientRecord:
    id: int
    name: str
    date_of_birth: dt.date
    sex: Sex | None
    phone: str | None
    email: str | None
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    # The columns whose stored values no longer parse (a damaged record, listed so the
    # other patients still show): their fields above hold placeholders, not the record.
    damaged: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _coerce(self, "sex", Sex)


@dataclass(frozen=True)
class ConsultationRecord:
    id: int
    patient_id: int
    date: dt.date
    concerns: tuple[str, ...]
    status: ConsultationStatus
    document: Consultation
    supersedes: int | None  # the earlier version this one replaces, if any
    created_at: dt.datetime
    updated_at: dt.datetime
    has_signed_consent: bool = False
    finalized_at: dt.datetime | None = None  # when it became final or not-treated
    superseded_by: int | None = None  # the newer version that replaces this one, if any

    def __post_init__(self) -> None:
        _coerce(self, "status", ConsultationStatus)


@dataclass(frozen=True)
class PractitionerRecord:
    """A practitioner named on a stored consultation."""

    id: int
    name: str
    registration: str


@dataclass(frozen=True)
class SignedConsent:
    id: int
    consultation_id: int
    pdf_sha256: str
    fingerprint: str  # the consultation's 12-hex-digit fingerprint
    signed_at: dt.datetime


DEFAULT_RETENTION_YEARS = 10
MAX_RETENTION_YEARS = 100


@dataclass(frozen=True)
class ClinicSettings:
    """The clinic's own details, printed on every plan and consent summary."""

    name: str = ""
    address: str = ""
    logo_png: bytes | None = None
    practitioner_name: str = ""
    practitioner_registration: str = ""
    default_paper: Literal["a4", "letter"] = "a4"
    default_language: str = "en"
    phone: str = ""
    # Where the clinic practises decides the regulatory status printed on the consent
    # (domain.md, "Regulatory status depends on where the clinic is"): EU, US or UK, and for
    # the EU the member state as an ISO 3166 code ("GR").
    jurisdiction: Literal["EU", "US", "UK"] = "EU"
    member_state: str = "GR"
    # How long a patient's clinical records are kept after their last one; erasure is
    # refused until then. The default is not a legal answer: the clinic must confirm it
    # (``retention_confirmed``), and the app says so until it does.
    retention_years: int = DEFAULT_RETENTION_YEARS
    retention_confirmed: bool = False


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str
    table: str
    record_id: int | None
    before: str | None  # fingerprint or hash of the record before the change
    after: str | None
    previous_hash: str
    hash: str
    details: dict[str, str] = field(default_factory=dict)
