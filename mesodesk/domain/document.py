"""The consultation document, ``mesodesk.consultation/2`` (and version 1, upgraded).

A consultation arrives as JSON (from a file, the database or the wizard), is parsed
into immutable pydantic models, and is checked against the knowledge base. Every
problem becomes a ``DocumentIssue`` naming its JSON path (``courses[0].start_date``)
and what was wrong; nothing else escapes ``parse_consultation``.

A version-1 document is upgraded as it is read (``upgrade_v1``): the model is always
version 2. Export writes back exactly the fields that were given (as version 2), so a
round trip is lossless.

Fingerprints are versioned: a document read as version 1 and not changed since keeps the
fingerprint version 1 gave it (over its version-1 fields), so a consent signed before
version 2 still matches its consultation; every other document is fingerprinted over its
version-2 fields.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    PrivateAttr,
    field_validator,
    model_validator,
)

from mesodesk.domain.dates import age_on as _age_on
from mesodesk.domain.dates import parse_date, parse_datetime
from mesodesk.domain.enums import Sex
from mesodesk.domain.fields import EARLIEST_BIRTH, MAX_NOTES, check_email, check_name
from mesodesk.domain.fields import lines as _lines
from mesodesk.domain.fields import one_line as _one_line
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.i18n import _

FORMAT = "mesodesk.consultation/2"  # what mesodesk writes
FORMAT_V1 = "mesodesk.consultation/1"  # still read, upgraded on the way in
MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_SESSIONS = 100
MAX_INTERVAL_DAYS = 365
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _iso_date(value: Any) -> dt.date:
    return parse_date(value)


def _iso_datetime(value: Any) -> dt.datetime:
    return parse_datetime(value)


def _png_base64(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a base64-encoded PNG image")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not valid base64") from None
    if not raw.startswith(_PNG_MAGIC):
        raise ValueError("is not a PNG image")
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise ValueError("is larger than 1 MB")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), PlainSerializer(lambda d: d.isoformat())]
IsoDateTime = Annotated[
    dt.datetime, BeforeValidator(_iso_datetime),
    PlainSerializer(lambda d: d.isoformat(timespec="seconds")),
]
PngBase64 = Annotated[str, BeforeValidator(_png_base64)]


# The languages the plan and consent are written in (consultation-format.md, version 2).
LANGUAGES = ("en", "el")
MIN_WEIGHT_KG = 20
MAX_WEIGHT_KG = 400
MAX_GOALS = 2000


def _language(value: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        raise ValueError(f"'{value}' is not a language code such as 'en' or 'el'")
    return value


def _document_language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(_("'{language}' is not a language mesodesk writes documents in: use "
                           "{languages}").format(language=value, languages=_(" or ").join(
                               f"'{code}'" for code in LANGUAGES)))
    return value


def _weight(value: float) -> float:
    if not MIN_WEIGHT_KG <= value <= MAX_WEIGHT_KG:
        raise ValueError(_("must be between {low} and {high} kg").format(
            low=MIN_WEIGHT_KG, high=MAX_WEIGHT_KG))
    return value


ShortText = Annotated[StrictStr, Field(max_length=200), AfterValidator(_one_line)]
LongText = Annotated[StrictStr, Field(max_length=MAX_NOTES), AfterValidator(_lines)]
GoalsText = Annotated[StrictStr, Field(max_length=MAX_GOALS), AfterValidator(_lines)]
# A number in kilograms (62 or 62.5); text, true/false, infinity and NaN are refused.
WeightKg = Annotated[float, Field(strict=True, allow_inf_nan=False), AfterValidator(_weight)]
DocumentLanguage = Annotated[StrictStr, AfterValidator(_document_language)]
# The label limits an override may record a reason for exceeding (consultation-format.md,
# version 2, ``overrides[].limit``); which substance has which limit is the knowledge base's.
LABEL_LIMITS = ("interval-min", "sessions-max", "volume-max")
LabelLimit = Literal["interval-min", "sessions-max", "volume-max"]
MAX_AREAS = 20
MAX_START_OFFSET_DAYS = 5 * 366  # a course starts within five years of the consultation
IdList = tuple[StrictStr, ...]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Model):
    name: StrictStr
    date_of_birth: IsoDate
    sex: Sex | None = None
    phone: ShortText | None = None
    email: ShortText | None = None  # checked on the way in, see check_patient
    weight_kg: WeightKg | None = None  # version 2: for the lidocaine ceiling in mg
    language: DocumentLanguage | None = None  # version 2: the default for their documents

    @field_validator("name", mode="before")
    @classmethod
    def _trimmed_name(cls, value: Any) -> Any:
        return check_name(value) if isinstance(value, str) else value


class Practitioner(_Model):
    name: ShortText
    registration: ShortText | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class Override(_Model):
    """A written reason to go ahead anyway: for a history item that contraindicates the
    substance (``history``), for a label limit being exceeded (``limit``, instead of
    ``history``), or, with neither, for a substance whose choice needs a recorded reason
    (levothyroxine)."""

    substance: StrictStr
    history: StrictStr | None = None
    limit: LabelLimit | None = None  # version 2
    reason: Annotated[StrictStr, Field(max_length=2000), AfterValidator(_lines)]

    @model_validator(mode="after")
    def _history_or_limit(self) -> Override:
        if self.history is not None and self.limit is not None:
            raise ValueError(_("give either the history item (history) or the label limit "
                               "(limit) that the reason is for, not both"))
        return self

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: write why the substance is used anyway")
        return value


class Course(_Model):
    concern: StrictStr
    sessions: Annotated[StrictInt, Field(ge=1, le=MAX_SESSIONS)] | None = None
    interval_days: Annotated[StrictInt, Field(ge=1, le=MAX_INTERVAL_DAYS)] | None = None
    start_date: IsoDate | None = None


class Signatures(_Model):
    patient: PngBase64 | None = None
    practitioner: PngBase64 | None = None
    signed_at: IsoDateTime


class Consultation(_Model):
    format: Literal["mesodesk.consultation/2"]
    date: IsoDate
    patient: Patient
    practitioner: Practitioner | None = None
    concerns: Annotated[IdList, Field(min_length=1)]
    areas: Annotated[tuple[ShortText, ...], Field(max_length=MAX_AREAS)] = ()
    history: IdList = ()
    history_notes: LongText = ""
    lifestyle: IdList = ()
    substances: IdList | None = None
    overrides: tuple[Override, ...] = ()
    courses: tuple[Course, ...] = ()
    photo_consent: StrictBool = False
    notes: LongText = ""  # for the patient: printed on the plan
    language: Annotated[StrictStr, AfterValidator(_language)] = "en"
    signatures: Signatures | None = None
    # -- version 2 ---------------------------------------------------------------------
    goals: GoalsText = ""  # the patient's own words: printed in the consent
    clinical_notes: LongText = ""  # the practitioner's private notes: never printed
    # Every history question was asked and answered: ``history`` holds the yes answers,
    # every other question was answered no. Needed to print a plan for signature.
    history_reviewed: StrictBool = False

    # Set by ``parse_structure`` for a document read as version 1 (see fingerprint).
    _v1_fingerprint: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # The same content is the same document, however it was read.
        if not isinstance(other, Consultation):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.canonical_json())

    @model_validator(mode="before")
    @classmethod
    def _language_from_patient(cls, data: Any) -> Any:
        """No ``language``: the patient's language is the document's (version 2)."""
        if isinstance(data, dict) and "language" not in data:
            patient = data.get("patient")
            if isinstance(patient, dict) and patient.get("language") in LANGUAGES:
                return {**data, "language": patient["language"]}
        return data

    # -- derived -----------------------------------------------------------------------
    def age_on(self, day: dt.date) -> int:
        return _age_on(self.patient.date_of_birth, day)

    @property
    def age(self) -> int:
        """The patient's age in whole years on the consultation date."""
        return self.age_on(self.date)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, with exactly the fields that were given or set."""
        return self.model_dump(mode="json", exclude_unset=True)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def canonical_json(self) -> str:
        """Sorted keys, no whitespace, all fields: the basis of the fingerprint."""
        return _canonical(self.model_dump(mode="json"))

    def fingerprint(self) -> str:
        """First 12 hex digits of the SHA-256 of the canonical JSON; for a document read
        as version 1 (and not changed since), the fingerprint version 1 gave it."""
        if self._v1_fingerprint is not None:
            return self._v1_fingerprint
        return _sha12(self.canonical_json())

    def rewritten(self) -> Consultation:
        """The document as mesodesk writes it now: version 2, with a version-2 fingerprint
        (what the store keeps when it writes a document read as version 1)."""
        return Consultation.model_validate(self.to_dict()) if self.upgraded_from_v1 else self

    @property
    def upgraded_from_v1(self) -> bool:
        """Read as a version-1 document (and not changed since)."""
        return self._v1_fingerprint is not None

    def document_language(self, clinic_default: str = "en") -> str:
        """The language of the patient's papers: the document's, given or taken from the
        patient's; else the clinic's default (when it is one mesodesk writes), else English."""
        if "language" in self.model_fields_set:
            return self.language
        return clinic_default if clinic_default in LANGUAGES else "en"

    def with_changes(self, **changes: Any) -> Consultation:
        """A copy with some fields replaced, validated again (a version-2 document with a
        version-2 fingerprint)."""
        data = self.to_dict()
        data.update(changes)
        return Consultation.model_validate(data)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False
                   ) -> Consultation:
        # A changed copy is no longer the version-1 document that was fingerprinted.
        copy = super().model_copy(update=update, deep=deep)
        if update:
            copy._v1_fingerprint = None
        return copy


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sha12(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# -- version 1 -------------------------------------------------------------------------
# The fields version 2 added, by where they sit: a version-1 document that has one has
# an unknown field (as version 1 said), and the version-1 fingerprint leaves them out.
V2_ONLY_FIELDS = ("goals", "clinical_notes", "history_reviewed")
V2_ONLY_PATIENT_FIELDS = ("weight_kg", "language")
V2_ONLY_OVERRIDE_FIELDS = ("limit",)


def _v2_fields_in_v1(data: dict[str, Any]) -> list[DocumentIssue]:
    hint = _("unknown field in a version-1 document (it is a version-2 field: write "
             "\"format\": \"{format}\")").format(format=FORMAT)
    issues = [DocumentIssue(name, hint) for name in V2_ONLY_FIELDS if name in data]
    patient = data.get("patient")
    if isinstance(patient, dict):
        issues += [DocumentIssue(f"patient.{name}", hint)
                   for name in V2_ONLY_PATIENT_FIELDS if name in patient]
    overrides = data.get("overrides")
    if isinstance(overrides, list):
        issues += [DocumentIssue(f"overrides[{index}].{name}", hint)
                   for index, override in enumerate(overrides) if isinstance(override, dict)
                   for name in V2_ONLY_OVERRIDE_FIELDS if name in override]
    return issues


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 document as version 2 (the JSON object; validated by the caller).

    - ``history_reviewed``: version 1 did not record the answers to the history questions,
      so an unsigned version-1 consultation has not had its history reviewed (the format
      says so: it is reviewed before it is signed). One that carries both signatures was
      signed with that history declared, under the rules of its time: the signature stands
      for the review, and it stays true to what was signed.
    - ``language``: version 1 defaulted to English; version 2 would take the patient's or
      the clinic's. An absent language becomes ``"en"``, so the papers stay as they were.
    - Everything else keeps its meaning (areas were free text, and free text is still kept
      as typed; an override without ``history`` was already a recorded reason).
    """
    issues = _v2_fields_in_v1(data)
    if issues:
        raise DocumentError(issues)
    upgraded = {**data, "format": FORMAT}
    upgraded.setdefault("language", "en")
    signatures = data.get("signatures")
    upgraded["history_reviewed"] = (isinstance(signatures, dict)
                                    and bool(signatures.get("patient"))
                                    and bool(signatures.get("practitioner")))
    return upgraded


def v1_fingerprint(doc: Consultation) -> str:
    """The fingerprint version 1 gave this document: over its version-1 fields only (all
    of them, defaults included, as version 1's canonical JSON had them)."""
    data = doc.model_dump(mode="json")
    data["format"] = FORMAT_V1
    for name in V2_ONLY_FIELDS:
        data.pop(name)
    for name in V2_ONLY_PATIENT_FIELDS:
        data["patient"].pop(name)
    for override in data["overrides"]:
        for name in V2_ONLY_OVERRIDE_FIELDS:
            override.pop(name)
    return _sha12(_canonical(data))


@dataclass(frozen=True)
class DocumentIssue:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DocumentError(Exception):
    """The document is invalid; ``issues`` names each problem with its JSON path."""

    def __init__(self, issues: list[DocumentIssue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def json_path(location: tuple[Any, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _friendly(detail: dict[str, Any]) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        return "unknown field (check the spelling)"
    if kind == "missing":
        return "is required"
    if kind == "literal_error" and detail["loc"] == ("format",):
        return _("must be exactly '{format}' (or '{v1}' for a version-1 document)").format(
            format=FORMAT, v1=FORMAT_V1)
    if kind == "value_error":
        return str(detail["ctx"]["error"])
    if kind in {"string_type", "int_type", "bool_type", "tuple_type", "model_type", "dict_type",
                "list_type"}:
        wanted = {"string_type": "text", "int_type": "a whole number", "bool_type": "true or false",
                  "tuple_type": "a list", "list_type": "a list", "model_type": "an object",
                  "dict_type": "an object"}[kind]
        return f"must be {wanted}"
    if kind == "too_short" and detail["loc"] == ("concerns",):
        return "choose at least one concern"
    return detail["msg"][0].lower() + detail["msg"][1:]


def _structural_issues(error: ValidationError) -> list[DocumentIssue]:
    issues = []
    for detail in error.errors():
        location = tuple(part for part in detail["loc"]
                         if not (isinstance(part, str) and ("[" in part or part in {"function-before"})))
        issues.append(DocumentIssue(json_path(location), _friendly(detail)))
    return issues


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json``'s object hook: refuses a field that appears twice in one object (last-wins
    would silently drop what was written first) and a lone surrogate (a ``"\\ud800"``
    escape: half of a character, which can be neither stored nor printed). Linear in the
    object's size: each key is looked up once in the object being built."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        _refuse_lone_surrogates("", key)
        if key in found:
            raise ValueError(f"the field '{key}' appears twice in the same object")
        _refuse_lone_surrogates(key, value)
        found[key] = value
    return found


def _refuse_lone_surrogates(field: str, value: Any) -> None:
    """Raise ``ValueError`` naming ``field`` if ``value`` (text, or the arrays directly in
    it) holds a lone surrogate. An object inside was checked by its own hook call, so
    every string of a document is looked at once."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                where = f"the field '{field}'" if field else "a field name"
                raise ValueError(
                    f"{where} holds \\u{ord(item[error.start]):04x}, half of a character (a "
                    "lone surrogate), which is not text; correct the file") from None


def parse_structure(data: Any, *, stored: bool = False) -> Consultation:
    """Validate shape and types only (no knowledge base). Raises ``DocumentError``.

    ``stored``: text mesodesk wrote itself with ``json.dumps`` from a validated document,
    read back from the database. Its shape is validated as always, but the checks for
    hostile text (a field given twice, a lone surrogate), which cannot come out of
    ``json.dumps`` and cost half the time of listing a long history, are skipped: a row
    changed behind mesodesk's back is the audit trail's to find (``audit verify``)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DocumentError([DocumentIssue("", "not UTF-8 text; save the document as UTF-8")]) from None
    if isinstance(data, str):
        try:
            data = (json.loads(data) if stored else
                    json.loads(data.removeprefix("\ufeff"), object_pairs_hook=_no_duplicate_keys))
        except (ValueError, RecursionError) as error:
            raise DocumentError([DocumentIssue("", f"not valid JSON: {error}")]) from None
    if not isinstance(data, dict):
        raise DocumentError([DocumentIssue("", "the document must be a JSON object")])
    version_1 = data.get("format") == FORMAT_V1
    if version_1:
        data = upgrade_v1(data)
    try:
        doc = Consultation.model_validate(data)
    except ValidationError as error:
        raise DocumentError(_structural_issues(error)) from None
    except RecursionError:
        raise DocumentError([DocumentIssue("", "the document is nested too deeply")]) from None
    if version_1:
        doc._v1_fingerprint = v1_fingerprint(doc)
    return doc


def _check_ids(path: str, values: tuple[str, ...], known: dict[str, Any], what: str
               ) -> list[DocumentIssue]:
    issues = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value not in known:
            issues.append(DocumentIssue(f"{path}[{index}]", f"'{value}' is not a known {what}"))
        elif value in seen:
            issues.append(DocumentIssue(f"{path}[{index}]", f"'{value}' is listed twice"))
        seen.add(value)
    return issues


def check_against_knowledge(doc: Consultation, kb: KnowledgeBase,
                            today: dt.date | None = None) -> list[DocumentIssue]:
    """The rules of the format that need the knowledge base or the calendar."""
    today = today or dt.date.today()
    issues: list[DocumentIssue] = []
    if doc.date > today:
        issues.append(DocumentIssue("date", f"{doc.date.isoformat()} is in the future"))
    if doc.patient.date_of_birth >= doc.date:
        issues.append(DocumentIssue("patient.date_of_birth",
                                    "must be before the consultation date"))
    elif doc.patient.date_of_birth < EARLIEST_BIRTH:
        issues.append(DocumentIssue("patient.date_of_birth", "must be in 1900 or later"))
    if doc.language not in LANGUAGES:
        # Checked on the way in, not by the structure: a document stored before the rule
        # existed stays readable.
        issues.append(DocumentIssue("language", _(
            "'{language}' is not a language mesodesk writes plans in: use {languages}").format(
                language=doc.language, languages=_(" or ").join(f"'{code}'" for code in LANGUAGES))))
    issues += _check_ids("concerns", doc.concerns, kb.concerns, "concern")
    issues += _check_ids("history", doc.history, kb.history, "medical history item")
    issues += _check_ids("lifestyle", doc.lifestyle, kb.lifestyle, "lifestyle risk")
    offered = {s for c in doc.concerns if c in kb.concerns
               for k in kb.classes_of(c) for s in kb.classes[k].substances}
    for index, substance in enumerate(doc.substances or ()):
        if substance not in kb.substances:
            issues.append(DocumentIssue(f"substances[{index}]", f"'{substance}' is not a known substance"))
        elif substance not in offered:
            issues.append(DocumentIssue(f"substances[{index}]",
                                        f"'{substance}' is not suggested for the chosen concerns"))
        elif substance in (doc.substances or ())[:index]:
            issues.append(DocumentIssue(f"substances[{index}]", f"'{substance}' is listed twice"))
    for index, override in enumerate(doc.overrides):
        if override.substance not in kb.substances:
            issues.append(DocumentIssue(f"overrides[{index}].substance",
                                        f"'{override.substance}' is not a known substance"))
        if override.limit is not None:
            pass  # which label limits a substance has is the knowledge base's (screening)
        elif override.history is None:
            known = kb.substances.get(override.substance)
            if known is not None and not known.requires_reason:
                issues.append(DocumentIssue(f"overrides[{index}].history",
                                            "is required: name the history item that is overridden"))
        elif override.history not in kb.history:
            issues.append(DocumentIssue(f"overrides[{index}].history",
                                        f"'{override.history}' is not a known medical history item"))
    seen_courses: set[str] = set()
    for index, course in enumerate(doc.courses):
        if course.concern not in doc.concerns:
            issues.append(DocumentIssue(f"courses[{index}].concern",
                                        f"'{course.concern}' is not one of the chosen concerns"))
        elif course.concern in seen_courses:
            issues.append(DocumentIssue(f"courses[{index}].concern",
                                        f"a course for '{course.concern}' is already given"))
        if course.start_date and course.start_date < doc.date:
            # No session before the consultation (a late record keeps its warning for
            # sessions before today, see courses.plan_course).
            issues.append(DocumentIssue(f"courses[{index}].start_date", _(
                "{start} is before the consultation date ({date}): no session can be dated "
                "before the consultation").format(start=course.start_date.isoformat(),
                                                  date=doc.date.isoformat())))
        elif course.start_date and (course.start_date - doc.date).days > MAX_START_OFFSET_DAYS:
            issues.append(DocumentIssue(f"courses[{index}].start_date",
                                        "must be within five years of the consultation date"))
        seen_courses.add(course.concern)
    return issues


def check_patient(doc: Consultation) -> list[DocumentIssue]:
    """The patient rules a document coming in must meet beyond its shape, checked as the
    patient form checks them (``domain.fields``): the email address.

    Part of ``parse_consultation`` (import, ``screen``, ``plan``), not of
    ``parse_structure``: a document stored before the rule existed stays readable.
    """
    issues = []
    try:
        check_email(doc.patient.email)
    except ValueError as error:
        issues.append(DocumentIssue("patient.email", str(error)))
    return issues


def parse_consultation(data: Any, kb: KnowledgeBase, today: dt.date | None = None) -> Consultation:
    """Parse JSON text or a decoded object into a valid consultation.

    Raises ``DocumentError`` (and nothing else) naming every problem by its path.
    """
    doc = parse_structure(data)
    issues = check_patient(doc) + check_against_knowledge(doc, kb, today)
    if issues:
        raise DocumentError(issues)
    return doc
