"""What the wizard has gathered so far, and the consultation document it makes.

The pages write their widgets into a ``WizardState``; ``document()`` turns it into a
``Consultation`` through the domain's own parser, so the wizard never decides what is
valid: the domain does, and its errors name the JSON path, which the pages map to the
field the person sees.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mesodesk.domain.document import (
    FORMAT,
    LANGUAGES,
    Consultation,
    DocumentError,
    check_against_knowledge,
    parse_consultation,
)
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings, PatientRecord
from mesodesk.domain.screening import ScreeningResult, screen
from mesodesk.i18n import _
from mesodesk.ui.widgets import N_

# JSON path prefix -> the label the person sees in the wizard
FIELD_LABELS = {
    "date": N_("Consultation date"),
    "patient.name": N_("Name"),
    "patient.date_of_birth": N_("Date of birth"),
    "patient.phone": N_("Phone"),
    "patient.email": N_("Email"),
    "patient.weight_kg": N_("Weight (kg)"),
    "patient.language": N_("The patient's documents in"),
    "goals": N_("The patient's goals"),
    "clinical_notes": N_("Clinical notes"),
    "history_reviewed": N_("Medical history"),
    "practitioner.name": N_("Practitioner name"),
    "practitioner.registration": N_("Registration number"),
    "concerns": N_("Concerns"),
    "areas": N_("Treatment areas"),
    "history_notes": N_("Medicines, other allergies and notes"),
    "history": N_("Medical history"),
    "lifestyle": N_("Lifestyle"),
    "notes": N_("Notes for the patient's plan"),
    "substances": N_("Ingredients"),
    "overrides": N_("Override reason"),
    "courses": N_("Course"),
    "signatures": N_("Signatures"),
}


def field_label(path: str) -> str:
    for prefix in sorted(FIELD_LABELS, key=len, reverse=True):
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return _(FIELD_LABELS[prefix])
    return path


def describe_issues(error: DocumentError) -> str:
    return "\n".join(f"{field_label(issue.path)}: {issue.message}" for issue in error.issues)


def unknown_to_knowledge(doc: Consultation, kb: KnowledgeBase) -> str | None:
    """What a stored consultation names that the knowledge base no longer has (an item of
    the practitioner's overlay removed since, say), by field and JSON path; None if all is
    known. Screening or printing it as it is would fail or silently leave the item out.
    The consultation's own date is "today": an old consultation is not in the future."""
    issues = check_against_knowledge(doc, kb, today=doc.date)
    if not issues:
        return None
    return "\n".join(f"• {field_label(issue.path)} ({issue.path}): {issue.message}"
                     for issue in issues)


class WizardState:
    def __init__(self, kb: KnowledgeBase, today: dt.date | None = None):
        self.kb = kb
        self.date: dt.date = today or dt.date.today()
        self.patient_id: int | None = None
        self.patient: dict[str, Any] = {}
        self.practitioner: dict[str, str] | None = None
        self.concerns: list[str] = []
        self.areas: list[str] = []
        # Each history question answered: True yes, False no; unanswered ones are absent.
        self.history_answers: dict[str, bool] = {}
        self.history_notes = ""
        self.lifestyle: list[str] = []
        self.notes = ""  # for the patient: printed on the plan
        self.goals = ""  # the patient's own words: printed in the consent
        self.clinical_notes = ""  # the practitioner's: never printed
        self.weight_kg: float | None = None
        self.substances: list[str] | None = None
        self.substances_for: tuple[str, ...] = ()  # the concerns the substances were chosen for
        self.overrides: list[dict[str, Any]] = []
        self.courses: dict[str, dict[str, Any]] = {}
        self.photo_consent = False
        self.language = "en"
        self.signatures: dict[str, str] | None = None
        self.consultation_id: int | None = None
        self.finished = False  # finalized or saved as not treated: no more drafts

    # -- the history questions --------------------------------------------------------------
    @property
    def questions(self) -> list[str]:
        """The history questions asked: every item but the one the date of birth decides."""
        return [h for h in self.kb.history if h != self.kb.under_age_history]

    @property
    def history(self) -> list[str]:
        """The yes answers, in the knowledge base's order."""
        return [h for h in self.questions if self.history_answers.get(h)]

    @property
    def unanswered(self) -> list[str]:
        return [h for h in self.questions if h not in self.history_answers]

    @property
    def history_reviewed(self) -> bool:
        return not self.unanswered

    # -- building ------------------------------------------------------------------------
    def set_clinic_defaults(self, settings: ClinicSettings | None) -> None:
        """A new consultation: the practitioner and the documents' language from Settings."""
        self.set_practitioner(settings)
        if settings is not None and settings.default_language in LANGUAGES:
            self.language = settings.default_language

    def set_patient(self, patient: PatientRecord) -> None:
        self.patient_id = patient.id
        data: dict[str, Any] = {"name": patient.name,
                                "date_of_birth": patient.date_of_birth.isoformat()}
        for key in ("sex", "phone", "email"):
            value = getattr(patient, key)
            if value:
                data[key] = value
        self.patient = data

    def set_practitioner(self, settings: ClinicSettings | None) -> None:
        if settings is None or not settings.practitioner_name.strip():
            self.practitioner = None
            return
        self.practitioner = {"name": settings.practitioner_name.strip()}
        if settings.practitioner_registration.strip():
            self.practitioner["registration"] = settings.practitioner_registration.strip()

    @classmethod
    def from_document(cls, doc: Consultation, kb: KnowledgeBase, *, patient_id: int | None,
                      consultation_id: int | None) -> WizardState:
        state = cls(kb, doc.date)
        data = doc.to_dict()
        state.patient_id = patient_id
        state.consultation_id = consultation_id
        state.patient = dict(data["patient"])
        state.weight_kg = state.patient.pop("weight_kg", None)
        state.patient.pop("language", None)  # the same choice as the document's language
        state.practitioner = data.get("practitioner")
        state.concerns = list(doc.concerns)
        state.areas = list(doc.areas)
        # The document keeps the yes answers, and whether every other one was answered no;
        # a review left half-way keeps its yeses and asks the rest again.
        state.history_answers = {h: True for h in doc.history}
        if doc.history_reviewed:
            state.history_answers.update({h: False for h in state.unanswered})
        state.history_notes = doc.history_notes
        state.lifestyle = list(doc.lifestyle)
        state.notes = doc.notes
        state.goals = doc.goals
        state.clinical_notes = doc.clinical_notes
        if doc.substances is not None:
            state.substances = list(doc.substances)
            state.substances_for = tuple(doc.concerns)
        state.overrides = [o.model_dump(mode="json") for o in doc.overrides]
        state.courses = {c.concern: c.model_dump(mode="json", exclude_none=True) for c in doc.courses}
        state.photo_consent = doc.photo_consent
        state.language = doc.patient.language or doc.language
        return state

    def to_dict(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "date": self.date.isoformat(),
            "patient": {**self.patient, "weight_kg": self.weight_kg,
                        "language": self.language},
            "concerns": list(self.concerns),
            "areas": list(self.areas),
            "history": self.history,
            "history_reviewed": self.history_reviewed,
            "history_notes": self.history_notes,
            "lifestyle": list(self.lifestyle),
            "overrides": [dict(o) for o in self.overrides],
            "courses": [dict(self.courses[c]) for c in self.concerns if c in self.courses],
            "photo_consent": self.photo_consent,
            "notes": self.notes,
            "goals": self.goals,
            "clinical_notes": self.clinical_notes,
            "language": self.language,
        }
        if self.practitioner:
            data["practitioner"] = dict(self.practitioner)
        if self.substances is not None:
            data["substances"] = list(self.substances)
        if self.signatures:
            data["signatures"] = dict(self.signatures)
        data["patient"] = {k: v for k, v in data["patient"].items() if v is not None}
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def document(self, **changes: Any) -> Consultation:
        """The consultation as a valid document; ``DocumentError`` names each problem."""
        return parse_consultation(self.to_dict(**changes), self.kb, today=dt.date.today())

    def try_document(self, **changes: Any) -> Consultation | None:
        try:
            return self.document(**changes)
        except DocumentError:
            return None

    def screening(self, **changes: Any) -> ScreeningResult | None:
        doc = self.try_document(**changes)
        return None if doc is None else screen(doc, self.kb)

    # -- overrides -------------------------------------------------------------------------
    def overrides_for(self, substance: str) -> list[dict[str, Any]]:
        return [o for o in self.overrides if o["substance"] == substance]

    def set_overrides(self, substance: str, overrides: list[dict[str, Any]]) -> None:
        self.overrides = [o for o in self.overrides if o["substance"] != substance] + overrides

    def drop_overrides_except(self, substances: set[str]) -> None:
        self.overrides = [o for o in self.overrides if o["substance"] in substances]
