"""The clinical knowledge base: its schema, its loader and its cross-checks.

The clinical content lives in ``resources/knowledge/*.toml`` so that a clinician can
review and correct it without touching code. Each file holds one kind of entry; every
entry is validated by a pydantic model that forbids unknown keys, and the whole base is
then checked for duplicate ids, dangling references and missing sources. Every error
names the file, the entry and the field, so the person editing the data can fix it.

A practitioner's own additions (an overlay directory with the same file names) are
merged into the shipped base and validated the same way.

The base also declares what the code relies on: the ``[policy]`` table of
``general.toml`` holds the clinical choices the code applies (the minimum age, and the
history item it adds for a younger patient), and ``REQUIRED_IDS`` lists the ids the code
names itself. A base without them fails to load, naming the file, the entry and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
)

from mesodesk.domain.translated import SOURCE_LANGUAGE, TranslatedText
from mesodesk.i18n import LANGUAGES, _

ALL = "*"  # a rule or advice that applies to all mesotherapy / all concerns

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SourceIds = Annotated[list[Id], Field(min_length=1)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Translations(_Entry):
    """A text as written in the file: one key per language, side by side.

    English (the source language) is required; a missing translation is not an error
    of the file's form but a gap ``translation_gaps`` reports (``knowledge check``
    fails on it), so a text can be added in English and translated next."""

    en: Words
    el: Words | None = None


def _bare_string_is_english(value: Any) -> Any:
    """A bare string (an overlay written before texts were bilingual) is the English."""
    return {SOURCE_LANGUAGE: value} if isinstance(value, str) else value


def _to_text(written: _Translations) -> TranslatedText:
    return TranslatedText({k: v for k, v in written.model_dump().items() if v is not None})


# A text a person reads, in every language of the clinic (``name.en``, ``name.el``).
Text = Annotated[_Translations, BeforeValidator(_bare_string_is_english), AfterValidator(_to_text)]
# An optional text: empty in every language unless given.
NO_TEXT = TranslatedText(dict.fromkeys(LANGUAGES, ""))


class Source(_Entry):
    id: Id
    citation: Words  # as published: not translated
    url: str = ""


class CourseDefaults(_Entry):
    sessions: int = Field(ge=1)
    sessions_min: int = Field(ge=1)
    sessions_max: int = Field(ge=1)
    interval_days: int = Field(ge=1)
    interval_min: int = Field(ge=1)
    interval_max: int = Field(ge=1)
    maintenance: Text
    source_quality: Text
    sources: SourceIds


class Concern(_Entry):
    id: Id
    name: Text
    patient_text: Text
    practitioner_note: Text
    classes: list[Id] = Field(min_length=1)
    preselected: list[Id] = []
    advice: list[Text] = []
    evidence: Text
    course: CourseDefaults
    sources: SourceIds


class IngredientClass(_Entry):
    id: Id
    name: Text
    patient_text: Text
    practitioner_note: Text
    substances: list[Id] = Field(min_length=1)
    # Lets an overlay attach its own class to a shipped concern.
    concerns: list[Id] = []
    sources: SourceIds


# Where a clinic practises (``ClinicSettings.jurisdiction``): the regulatory status a
# consent prints depends on it.
Jurisdiction = Literal["EU", "US", "UK"]
JURISDICTIONS: tuple[str, ...] = ("EU", "US", "UK")


class Substance(_Entry):
    id: Id
    name: Text
    patient_text: Text
    practitioner_note: Text
    regulatory: Text
    # For the patient, where ``status`` has nothing for the clinic's jurisdiction.
    regulatory_patient: Text
    # For the patient, per jurisdiction (EU, US, UK): what the consent prints.
    status: dict[Jurisdiction, Text] = {}
    # Its own (systemic) risks, named in the consent when it is chosen (domain.md,
    # "Systemic effects"); risks of one area only are adverse effects with ``areas``.
    risks: Text = NO_TEXT
    evidence: Text
    requires_reason: bool = False
    reason_prompt: Text = NO_TEXT
    sources: SourceIds

    def status_for(self, jurisdiction: str) -> str:
        """What the consent says of its approval where the clinic practises."""
        return self.status.get(jurisdiction, self.regulatory_patient)  # type: ignore[call-overload,no-any-return]


class Rule(_Entry):
    effect: Literal["contraindicated", "caution"]
    # ``["*"]`` means all mesotherapy; otherwise substance ids.
    applies_to: list[str] = Field(min_length=1)
    # Area ids: the rule holds only when one of them is treated (or no area is recorded
    # yet, since any may still be chosen). Empty: wherever the substance is injected.
    areas: list[Id] = []
    text: Text
    patient_text: Text
    sources: SourceIds


class HistoryItem(_Entry):
    id: Id
    group: Text
    label: Text
    patient_text: Text
    rules: list[Rule] = []
    sources: SourceIds


class Interaction(_Entry):
    """A finding raised by the selection itself, in one of two forms:

    - ``substance``, with partners (``with_classes``, ``with_substances``): when it is
      chosen together with any partner, or whenever it is chosen if it names none;
    - ``any_of`` (several substances, not only pairs): when at least ``at_least`` of them
      are chosen together.

    ``effect`` ``caution`` is named in the consent summary; ``warning`` is for the
    practitioner (and the plan, through its ``patient_text``)."""

    code: Id
    substance: Id | None = None
    with_classes: list[Id] = []
    with_substances: list[Id] = []
    any_of: list[Id] = []
    at_least: StrictInt = Field(default=2, ge=2)
    effect: Literal["warning", "caution"] = "warning"
    text: Text
    patient_text: Text
    sources: SourceIds


class ChosenAdvice(_Entry):
    """Advice that belongs to the plan only when one of ``substances`` is chosen."""

    substances: list[Id] = Field(min_length=1)
    advice: Text


class LifestyleRisk(_Entry):
    id: Id
    name: Text
    label: Text
    advice: Text
    concerns: list[str] = Field(min_length=1)
    # Added to the advice when one of their substances is chosen (smoking and PRP).
    when_chosen: list[ChosenAdvice] = []
    sources: SourceIds


class AdverseEffect(_Entry):
    id: Id
    kind: Literal["common", "serious"]
    text: Text
    # ``["*"]``, or concern, class or substance ids the effect belongs to.
    applies_to: list[str] = Field(min_length=1)
    # Area ids: printed only when one of them is treated (or no area is recorded yet).
    areas: list[Id] = []
    sources: SourceIds


class Area(_Entry):
    """A treatment area of the vocabulary; anything else a practitioner types is kept."""

    id: Id
    name: Text  # as the patient reads it
    concerns: list[Id] = Field(min_length=1)  # the concerns that suggest it
    sources: list[Id] = []


LimitKind = Literal["interval-min", "sessions-max", "volume-max", "dose-max", "areas"]
# The limits a course breaks (blocked without a recorded reason), and the one an
# override may name without the course showing it (the volume is not recorded).
COURSE_LIMITS = ("interval-min", "sessions-max")
OVERRIDABLE_LIMITS = ("interval-min", "sessions-max", "volume-max")


class LabelLimit(_Entry):
    """A limit of a substance's label: a rule, not a range (domain.md, "Label limits").

    - ``interval-min`` (days between sessions) and ``sessions-max`` (sessions in a
      course) are checked against the course: exceeding one without an override naming
      it (``overrides[].limit``) blocks the consultation;
    - ``volume-max`` (mL per session) and ``dose-max`` (``per_kg`` mg/kg, at most
      ``value`` mg per session) are printed for the practitioner, the dose in mg when the
      patient's weight is known;
    - ``areas``: the label covers only these areas; elsewhere the use is off-label, and
      the consent says so (``patient_text``)."""

    code: Id
    substance: Id
    kind: LimitKind
    value: float | None = Field(default=None, gt=0)
    per_kg: float | None = Field(default=None, gt=0)
    unit: str = ""
    areas: list[Id] = []
    text: Text  # for the practitioner
    patient_text: Text  # what the consent says when it is exceeded with a reason
    sources: SourceIds


class Authority(_Entry):
    """Who authorises medicines where the clinic practises, said once in the consent."""

    id: Jurisdiction
    text: Text
    # Member state (ISO 3166 code) -> the same, naming its national agency.
    member_states: dict[str, Text] = {}
    sources: SourceIds


class Aftercare(_Entry):
    id: Id
    when: Literal["before", "after"]
    text: Text
    default: Text = TranslatedText(dict.fromkeys(LANGUAGES, "—"))
    range: Text = NO_TEXT
    applies_to: list[str] = Field(min_length=1)
    sources: SourceIds


class ConsentSection(_Entry):
    id: Id
    title: Text
    text: Text
    sources: SourceIds


class Policy(_Entry):
    """Clinical choices the code applies, kept in the data (``general.toml``, ``[policy]``)."""

    # A patient younger than this on the consultation date gets ``under_age_history``.
    minimum_age: StrictInt = Field(ge=1, le=100)
    under_age_history: Id


class General(_Entry):
    cooling_off_days: int = Field(ge=0, le=60)
    cooling_off_note: Text
    what_is_mesotherapy: Text
    depth_note: Text
    results_disclaimer: Text
    lidocaine_dose_ceiling: Text
    sources: SourceIds
    policy: Policy


# file name -> (table key, model, id field)
FILES: dict[str, tuple[str, type[_Entry], str]] = {
    "sources.toml": ("source", Source, "id"),
    "concerns.toml": ("concern", Concern, "id"),
    "classes.toml": ("class", IngredientClass, "id"),
    "substances.toml": ("substance", Substance, "id"),
    "history.toml": ("history", HistoryItem, "id"),
    "interactions.toml": ("interaction", Interaction, "code"),
    "lifestyle.toml": ("risk", LifestyleRisk, "id"),
    "adverse_effects.toml": ("effect", AdverseEffect, "id"),
    "aftercare.toml": ("advice", Aftercare, "id"),
    "consent.toml": ("section", ConsentSection, "id"),
    "areas.toml": ("area", Area, "id"),
    "label_limits.toml": ("limit", LabelLimit, "code"),
    "jurisdictions.toml": ("jurisdiction", Authority, "id"),
}
GENERAL_FILE = "general.toml"


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; ``_`` translates it where shown."""
    return message


@dataclass(frozen=True)
class RequiredId:
    """An id the code names itself, so the knowledge base must define it."""

    file: str  # one of FILES
    id: str
    needed_for: str  # what relies on it, for the message when it is missing


# The consent summary (``reports.consent``) places these sections itself, in its own
# order; any other section a clinic adds is printed before the signatures.
PLACED_CONSENT_SECTIONS = ("procedure", "alternatives", "results", "photographs", "your-rights")
# The adverse effect the consent summary prints as the highlighted warning about
# painful lumps weeks later.
DELAYED_INFECTION = "infection"

REQUIRED_IDS: tuple[RequiredId, ...] = (
    *(RequiredId("consent.toml", section, N_("the consent summary places this section itself"))
      for section in PLACED_CONSENT_SECTIONS),
    RequiredId("adverse_effects.toml", DELAYED_INFECTION,
               N_("the consent summary prints it as the warning about a delayed infection")),
)


@dataclass(frozen=True)
class KnowledgeIssue:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": {self.entry}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; ``issues`` names every problem found."""

    def __init__(self, issues: list[KnowledgeIssue]):
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


@dataclass(frozen=True)
class _Located:
    file: str
    entry: Any


class KnowledgeBase:
    """The validated knowledge base, with look-ups by id. Read-only once built."""

    def __init__(self, entries: dict[str, list[_Located]], general: General):
        # Texts without a version in every language the clinic offers (``knowledge check``
        # fails on them; a paper in the missing language cannot be printed).
        self.translation_gaps: list[KnowledgeIssue] = _translation_gaps(entries, general)
        self.general = general
        self.policy: Policy = general.policy
        self.sources: dict[str, Source] = _index(entries["sources.toml"])
        self.concerns: dict[str, Concern] = _index(entries["concerns.toml"])
        self.classes: dict[str, IngredientClass] = _index(entries["classes.toml"])
        self.substances: dict[str, Substance] = _index(entries["substances.toml"])
        self.history: dict[str, HistoryItem] = _index(entries["history.toml"])
        self.interactions: dict[str, Interaction] = _index(entries["interactions.toml"], "code")
        self.lifestyle: dict[str, LifestyleRisk] = _index(entries["lifestyle.toml"])
        self.adverse_effects: list[AdverseEffect] = [e.entry for e in entries["adverse_effects.toml"]]
        self.aftercare: list[Aftercare] = [e.entry for e in entries["aftercare.toml"]]
        self.consent_sections: list[ConsentSection] = [e.entry for e in entries["consent.toml"]]
        self.areas: dict[str, Area] = _index(entries["areas.toml"])
        self.label_limits: list[LabelLimit] = [e.entry for e in entries["label_limits.toml"]]
        self.jurisdictions: dict[str, Authority] = _index(entries["jurisdictions.toml"])

    def limits_of(self, substance_id: str) -> list[LabelLimit]:
        return [limit for limit in self.label_limits if limit.substance == substance_id]

    def area_id(self, typed: str) -> str | None:
        """The vocabulary's id for an area as recorded (its id, or its name in any case),
        or None for free text."""
        wanted = typed.strip().casefold()
        for area in self.areas.values():
            names = {area.id, *(name.casefold() for name in area.name.translations.values())}
            if wanted in names:
                return area.id
        return None

    def areas_of(self, concern_id: str) -> list[str]:
        """The areas a concern suggests, in the vocabulary's order."""
        return [a.id for a in self.areas.values() if concern_id in a.concerns]

    def authority_text(self, jurisdiction: str, member_state: str = "") -> str:
        """Who authorises medicines where the clinic practises ("" when unknown)."""
        entry = self.jurisdictions.get(jurisdiction)
        if entry is None:
            return ""
        return entry.member_states.get(member_state.upper(), entry.text)

    def classes_of(self, concern_id: str) -> list[str]:
        """The ingredient classes suggested for a concern, shipped and overlay ones."""
        own = list(self.concerns[concern_id].classes)
        attached = [c.id for c in self.classes.values() if concern_id in c.concerns and c.id not in own]
        return own + attached

    def substance_name(self, substance_id: str) -> str:
        return self.substances[substance_id].name

    @property
    def minimum_age(self) -> int:
        """The minimum age for mesotherapy (``general.toml``, ``[policy] minimum_age``)."""
        return self.policy.minimum_age

    @property
    def under_age_history(self) -> str:
        """The history id added for a patient under the minimum age (``under-18``)."""
        return self.policy.under_age_history

    def is_under_age(self, age: int) -> bool:
        return age < self.policy.minimum_age


def _missing_languages(value: Any, field: str) -> Iterator[tuple[str, list[str]]]:
    """(field, languages) for every text within ``value`` that lacks a language."""
    if isinstance(value, TranslatedText):
        missing = value.missing(LANGUAGES)
        if missing:
            yield field, missing
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _missing_languages(getattr(value, name), f"{field}.{name}" if field else name)
    elif isinstance(value, (list, tuple)):
        for number, item in enumerate(value):
            yield from _missing_languages(item, f"{field}.{number}")
    elif isinstance(value, dict):  # texts by key (a substance's status by jurisdiction)
        for key, item in value.items():
            yield from _missing_languages(item, f"{field}.{key}")


def _translation_gaps(entries: dict[str, list[_Located]], general: General) -> list[KnowledgeIssue]:
    located = [(item.file, f"{FILES[name][0]} '{getattr(item.entry, FILES[name][2])}'", item.entry)
               for name, items in entries.items() for item in items]
    gaps = []
    for file, entry, value in [(GENERAL_FILE, "", general), *located]:
        for field, languages in _missing_languages(value, ""):
            for language in languages:
                gaps.append(KnowledgeIssue(file, entry, field, _(
                    "has no '{language}' text: write it beside the '{source}' one"
                ).format(language=language, source=SOURCE_LANGUAGE)))
    return gaps


def _index(located: list[_Located], key: str = "id") -> dict[str, Any]:
    return {getattr(item.entry, key): item.entry for item in located}


def _pydantic_issues(file: str, entry: str, error: ValidationError) -> list[KnowledgeIssue]:
    issues = []
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"])
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            message = "unknown key"
        elif detail["type"] == "missing":
            message = "is required"
        elif detail["type"] == "too_short" and field.endswith("sources"):
            message = "needs at least one source"
        elif detail["type"] == "string_too_short":
            message = "must not be empty"
        issues.append(KnowledgeIssue(file, entry, field, message))
    return issues


def _read_toml(path: Path, issues: list[KnowledgeIssue]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        issues.append(KnowledgeIssue(path.name, "", "", f"not valid TOML: {error}"))
    except UnicodeDecodeError:
        issues.append(KnowledgeIssue(path.name, "", "", "not UTF-8 text; save the file as UTF-8"))
    except OSError as error:
        issues.append(KnowledgeIssue(path.name, "", "", f"cannot be read: {error.strerror}"))
    return None


def _parse_file(path: Path, table: str, model: type[_Entry], id_field: str,
                issues: list[KnowledgeIssue]) -> list[_Located]:
    data = _read_toml(path, issues)
    if data is None:
        return []
    unknown = sorted(set(data) - {table})
    for key in unknown:
        issues.append(KnowledgeIssue(path.name, "", key, f"unknown table (expected [[{table}]])"))
    raw_entries = data.get(table, [])
    if not isinstance(raw_entries, list):
        issues.append(KnowledgeIssue(path.name, "", table, f"must be an array of tables [[{table}]]"))
        return []
    located = []
    for position, raw in enumerate(raw_entries, start=1):
        label = f"{table} '{raw.get(id_field)}'" if isinstance(raw, dict) and raw.get(id_field) else f"{table} #{position}"
        try:
            located.append(_Located(path.name, model.model_validate(raw)))
        except ValidationError as error:
            issues.extend(_pydantic_issues(path.name, label, error))
    return located


def _load_directory(directory: Path, issues: list[KnowledgeIssue], *, overlay: bool
                    ) -> tuple[dict[str, list[_Located]], General | None]:
    entries: dict[str, list[_Located]] = {name: [] for name in FILES}
    general = None
    if not directory.is_dir():
        issues.append(KnowledgeIssue(str(directory), "", "", "is not a directory"))
        return entries, None
    known = set(FILES) | {GENERAL_FILE}
    for path in sorted(directory.glob("*.toml")):
        if path.name not in known:
            issues.append(KnowledgeIssue(path.name, "", "", "unknown knowledge file"))
    for name, (table, model, id_field) in FILES.items():
        path = directory / name
        if path.exists():
            entries[name] = _parse_file(path, table, model, id_field, issues)
        elif not overlay:
            issues.append(KnowledgeIssue(name, "", "", "is missing"))
    general_path = directory / GENERAL_FILE
    if general_path.exists() and not overlay:
        data = _read_toml(general_path, issues)
        if data is not None:
            try:
                general = General.model_validate(data)
            except ValidationError as error:
                issues.extend(_pydantic_issues(GENERAL_FILE, "", error))
    elif overlay and general_path.exists():
        issues.append(KnowledgeIssue(GENERAL_FILE, "", "", "cannot be overridden by an overlay"))
    elif not overlay:
        issues.append(KnowledgeIssue(GENERAL_FILE, "", "", "is missing"))
    return entries, general


def _check_duplicates(entries: dict[str, list[_Located]], issues: list[KnowledgeIssue]) -> None:
    for name, located in entries.items():
        table, _model, id_field = FILES[name]
        seen: dict[str, str] = {}
        for item in located:
            key = getattr(item.entry, id_field)
            if key in seen:
                issues.append(KnowledgeIssue(item.file, f"{table} '{key}'", id_field,
                                             f"duplicate id (already defined in {seen[key]})"))
            else:
                seen[key] = item.file


class _RefChecker:
    """Checks that every id an entry names exists."""

    def __init__(self, entries: dict[str, list[_Located]], issues: list[KnowledgeIssue]):
        self.issues = issues
        self.ids = {name: {getattr(i.entry, FILES[name][2]) for i in located}
                    for name, located in entries.items()}

    def check(self, item: _Located, table: str, field: str, values: Iterable[str],
              kinds: tuple[str, ...], allow_all: bool = False) -> None:
        key = getattr(item.entry, "id", None) or getattr(item.entry, "code", "")
        for value in values:
            if allow_all and value == ALL:
                continue
            if not any(value in self.ids[kind] for kind in kinds):
                wanted = " or ".join(kind.removesuffix(".toml").replace("_", " ") for kind in kinds)
                self.issues.append(KnowledgeIssue(item.file, f"{table} '{key}'", field,
                                                  f"'{value}' is not a known id in {wanted}"))


def _check_references(entries: dict[str, list[_Located]], general: General | None,
                      issues: list[KnowledgeIssue]) -> None:
    refs = _RefChecker(entries, issues)
    for name, located in entries.items():
        table = FILES[name][0]
        for item in located:
            entry = item.entry
            if name != "sources.toml":
                refs.check(item, table, "sources", entry.sources, ("sources.toml",))
            if isinstance(entry, Concern):
                refs.check(item, table, "classes", entry.classes, ("classes.toml",))
                refs.check(item, table, "course.sources", entry.course.sources, ("sources.toml",))
                _check_preselection(item, entries, issues)
                _check_course(item, issues)
            elif isinstance(entry, IngredientClass):
                refs.check(item, table, "substances", entry.substances, ("substances.toml",))
                refs.check(item, table, "concerns", entry.concerns, ("concerns.toml",))
            elif isinstance(entry, HistoryItem):
                for number, rule in enumerate(entry.rules):
                    refs.check(item, table, f"rules.{number}.applies_to", rule.applies_to,
                               ("substances.toml",), allow_all=True)
                    refs.check(item, table, f"rules.{number}.areas", rule.areas, ("areas.toml",))
                    refs.check(item, table, f"rules.{number}.sources", rule.sources, ("sources.toml",))
            elif isinstance(entry, Interaction):
                _check_interaction(item, issues)
                if entry.substance is not None:
                    refs.check(item, table, "substance", [entry.substance], ("substances.toml",))
                refs.check(item, table, "with_classes", entry.with_classes, ("classes.toml",))
                refs.check(item, table, "with_substances", entry.with_substances, ("substances.toml",))
                refs.check(item, table, "any_of", entry.any_of, ("substances.toml",))
            elif isinstance(entry, LifestyleRisk):
                refs.check(item, table, "concerns", entry.concerns, ("concerns.toml",), allow_all=True)
                for number, extra in enumerate(entry.when_chosen):
                    refs.check(item, table, f"when_chosen.{number}.substances", extra.substances,
                               ("substances.toml",))
            elif isinstance(entry, (AdverseEffect, Aftercare)):
                refs.check(item, table, "applies_to", entry.applies_to,
                           ("concerns.toml", "classes.toml", "substances.toml"), allow_all=True)
                if isinstance(entry, AdverseEffect):
                    refs.check(item, table, "areas", entry.areas, ("areas.toml",))
            elif isinstance(entry, Area):
                refs.check(item, table, "concerns", entry.concerns, ("concerns.toml",))
            elif isinstance(entry, LabelLimit):
                refs.check(item, table, "substance", [entry.substance], ("substances.toml",))
                refs.check(item, table, "areas", entry.areas, ("areas.toml",))
                _check_limit(item, issues)
    if general is not None:
        for source in general.sources:
            if source not in refs.ids["sources.toml"]:
                issues.append(KnowledgeIssue(GENERAL_FILE, "", "sources",
                                             f"'{source}' is not a known id in sources"))


def _check_required(entries: dict[str, list[_Located]], general: General | None,
                    issues: list[KnowledgeIssue]) -> None:
    """Every id the code relies on is defined: the policy's and ``REQUIRED_IDS``."""
    ids = {name: {getattr(i.entry, FILES[name][2]) for i in located} for name, located in entries.items()}
    if general is not None:
        policy = general.policy
        if policy.under_age_history not in ids["history.toml"]:
            issues.append(KnowledgeIssue(GENERAL_FILE, "policy", "under_age_history", _(
                "'{id}' is not a known id in history: mesodesk adds this item to the history of "
                "a patient younger than {age} (minimum_age); define it in history.toml or name "
                "another item").format(id=policy.under_age_history, age=policy.minimum_age)))
    for required in REQUIRED_IDS:
        if required.id not in ids[required.file]:
            table = FILES[required.file][0]
            issues.append(KnowledgeIssue(
                required.file, f"{table} '{required.id}'", FILES[required.file][2],
                _("is missing, and mesodesk needs it: {why}").format(why=_(required.needed_for))))


def _check_interaction(item: _Located, issues: list[KnowledgeIssue]) -> None:
    """An interaction names one substance (with its partners) or a group, not both."""
    entry: Interaction = item.entry
    label = f"interaction '{entry.code}'"
    if entry.substance is None and not entry.any_of:
        issues.append(KnowledgeIssue(item.file, label, "substance", _(
            "is required: name the substance, or list a group in any_of")))
    elif entry.substance is not None and entry.any_of:
        issues.append(KnowledgeIssue(item.file, label, "any_of", _(
            "give either substance (with its partners) or any_of, not both")))
    elif entry.any_of and (entry.with_classes or entry.with_substances):
        issues.append(KnowledgeIssue(item.file, label, "any_of", _(
            "a group has no partners: list every substance in any_of")))
    elif entry.any_of and entry.at_least > len(set(entry.any_of)):
        issues.append(KnowledgeIssue(item.file, label, "at_least", _(
            "is {count}, but any_of lists only {listed} substances").format(
                count=entry.at_least, listed=len(set(entry.any_of)))))


def _check_limit(item: _Located, issues: list[KnowledgeIssue]) -> None:
    """Each kind of label limit has the values it needs."""
    entry: LabelLimit = item.entry
    label = f"limit '{entry.code}'"
    if entry.kind == "areas":
        if not entry.areas:
            issues.append(KnowledgeIssue(item.file, label, "areas", _(
                "is required for a limit of kind 'areas': list the areas the label covers")))
    elif entry.value is None:
        issues.append(KnowledgeIssue(item.file, label, "value", _(
            "is required for a limit of kind '{kind}'").format(kind=entry.kind)))
    if entry.kind == "dose-max" and entry.per_kg is None:
        issues.append(KnowledgeIssue(item.file, label, "per_kg", _(
            "is required for a limit of kind 'dose-max' (mg per kg of body weight)")))


def _check_limit_duplicates(entries: dict[str, list[_Located]], issues: list[KnowledgeIssue]) -> None:
    seen: set[tuple[str, str]] = set()
    for item in entries["label_limits.toml"]:
        key = (item.entry.substance, item.entry.kind)
        if key in seen:
            issues.append(KnowledgeIssue(item.file, f"limit '{item.entry.code}'", "kind", _(
                "{substance} already has a limit of kind '{kind}'").format(
                    substance=item.entry.substance, kind=item.entry.kind)))
        seen.add(key)


def _check_preselection(item: _Located, entries: dict[str, list[_Located]],
                        issues: list[KnowledgeIssue]) -> None:
    concern: Concern = item.entry
    members = {s for located in entries["classes.toml"] if located.entry.id in concern.classes
               for s in located.entry.substances}
    needs_reason = {located.entry.id for located in entries["substances.toml"]
                    if located.entry.requires_reason}
    for substance in concern.preselected:
        if substance not in members:
            issues.append(KnowledgeIssue(item.file, f"concern '{concern.id}'", "preselected",
                                         f"'{substance}' is not a substance of this concern's classes"))
        elif substance in needs_reason:
            issues.append(KnowledgeIssue(item.file, f"concern '{concern.id}'", "preselected",
                                         f"'{substance}' needs a recorded reason, so it is never pre-selected"))


def _check_course(item: _Located, issues: list[KnowledgeIssue]) -> None:
    course = item.entry.course
    label = f"concern '{item.entry.id}'"
    if not course.sessions_min <= course.sessions <= course.sessions_max:
        issues.append(KnowledgeIssue(item.file, label, "course.sessions",
                                     "the default lies outside sessions_min..sessions_max"))
    if not course.interval_min <= course.interval_days <= course.interval_max:
        issues.append(KnowledgeIssue(item.file, label, "course.interval_days",
                                     "the default lies outside interval_min..interval_max"))


def load_knowledge(directory: Path | None = None, overlay: Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base, merging an optional overlay directory.

    Raises ``KnowledgeError`` listing every problem found.
    """
    from mesodesk.paths import knowledge_dir

    issues: list[KnowledgeIssue] = []
    entries, general = _load_directory(directory or knowledge_dir(), issues, overlay=False)
    if overlay is not None and overlay.is_dir() and any(overlay.glob("*.toml")):
        extra, _ = _load_directory(overlay, issues, overlay=True)
        for name, located in extra.items():
            entries[name] = entries[name] + [
                _Located(f"overlay/{item.file}", item.entry) for item in located]
    _check_duplicates(entries, issues)
    _check_limit_duplicates(entries, issues)
    _check_references(entries, general, issues)
    _check_required(entries, general, issues)
    if issues or general is None:
        raise KnowledgeError(issues)
    return KnowledgeBase(entries, general)


_default: KnowledgeBase | None = None


def default_knowledge() -> KnowledgeBase:
    """The shipped base merged with the practitioner's overlay, loaded once."""
    global _default
    if _default is None:
        from mesodesk.paths import overlay_knowledge_dir

        _default = load_knowledge(overlay=overlay_knowledge_dir())
    return _default
