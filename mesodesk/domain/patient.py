"""A patient's own details, validated once for every way they come in.

``PatientFields`` is the one set of rules for a patient typed in the dialog or the
wizard, stored by the repositories or sent by a service: the name (1 to 200 characters
after trimming, any script, one line), the date of birth (a real date, not in the future,
not before 1900), the sex, the phone, the email (checked as the consultation document
checks it on import) and the notes. ``validate_patient`` returns the validated value or
raises ``PatientError``, which lists every (field, message) pair at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from mesodesk.domain import fields
from mesodesk.domain.dates import DateError, parse_date
from mesodesk.domain.enums import Sex
from mesodesk.domain.records import NewPatient
from mesodesk.i18n import _

# The fields in the order a form shows them (and errors are listed).
FIELDS = ("name", "date_of_birth", "sex", "phone", "email", "notes")


@dataclass(frozen=True)
class PatientIssue:
    field: str  # one of FIELDS, or "" for the whole patient
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class PatientError(ValueError):
    """The patient is invalid; ``issues`` names each wrong field, in form order."""

    def __init__(self, issues: list[PatientIssue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The issues as (field, message) pairs."""
        return [(issue.field, issue.message) for issue in self.issues]

    def message_for(self, field: str) -> str | None:
        """The first message about ``field``, if any."""
        return next((issue.message for issue in self.issues if issue.field == field), None)


class PatientFields(BaseModel):
    """A validated patient: trimmed text, a real date of birth, a known sex.

    Validate with ``validate_patient`` (or ``model_validate(data, context={"today": d})``):
    the date of birth may be a ``datetime.date`` or the text a person typed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    date_of_birth: dt.date
    sex: Sex | None = None
    phone: str | None = None
    email: str | None = None
    notes: str = ""

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        return fields.check_name(_text(value))

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _date_of_birth(cls, value: Any, info: ValidationInfo) -> dt.date:
        if value is None:
            raise ValueError(_("is required"))
        try:
            born = parse_date(value, typed=True)
        except DateError as error:
            raise ValueError(error.message) from None
        today = (info.context or {}).get("today") or dt.date.today()
        return fields.check_birth(born, today)

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: Any) -> Sex | None:
        if value is None or value == "":
            return None
        try:
            return Sex(value)
        except ValueError:
            raise ValueError(_("must be one of {values}")
                             .format(values=", ".join(s.value for s in Sex))) from None

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str | None:
        return fields.check_phone(_text(value, optional=True))

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str | None:
        return fields.check_email(_text(value, optional=True))

    @field_validator("notes", mode="before")
    @classmethod
    def _notes(cls, value: Any) -> str:
        return fields.check_notes(_text(value, optional=True) or "")

    def to_new_patient(self) -> NewPatient:
        """The value the store's repositories take."""
        return NewPatient(name=self.name, date_of_birth=self.date_of_birth, sex=self.sex,
                          phone=self.phone, email=self.email, notes=self.notes)


def _text(value: Any, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(_("is required") if value is None else _("must be text"))
    return value


def _issues(error: ValidationError) -> list[PatientIssue]:
    issues = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        if detail["type"] == "value_error":
            message = str(detail["ctx"]["error"])
        elif detail["type"] == "missing":
            message = _("is required")
        elif detail["type"] == "extra_forbidden":
            message = _("unknown field (check the spelling)")
        else:
            message = detail["msg"]
        issues.append(PatientIssue(field, message))
    order = {name: index for index, name in enumerate(FIELDS)}
    return sorted(issues, key=lambda issue: order.get(issue.field, len(FIELDS)))


def validate_patient(patient: NewPatient | BaseModel | Mapping[str, Any] | None = None, /, *,
                     today: dt.date | None = None, **values: Any) -> PatientFields:
    """Validate a patient given as a ``NewPatient``, a ``PatientFields``, a consultation
    document's ``Patient``, a mapping, keyword arguments, or several of these (keywords
    win). ``today`` (default: the real date) decides what is in the future. Raises
    ``PatientError`` listing every wrong field at once.
    """
    if isinstance(patient, BaseModel):
        # A document's patient also has what only the consultation needs (weight, language).
        data: dict[str, Any] = patient.model_dump(include=set(PatientFields.model_fields))
    elif isinstance(patient, NewPatient):
        data = dataclasses.asdict(patient)
    else:
        data = dict(patient or {})
    data.update(values)
    try:
        return PatientFields.model_validate(data, context={"today": today or dt.date.today()})
    except ValidationError as error:
        raise PatientError(_issues(error)) from None
