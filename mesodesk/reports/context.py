"""What both parts of the document need: the inputs, and the facts derived from them.

Everything clinical was decided by ``mesodesk.domain.screening``; this module only
selects and words it for the page (already escaped, ready for a Paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

from mesodesk.domain.document import Consultation
from mesodesk.domain.knowledge import ALL, AdverseEffect, Aftercare, KnowledgeBase
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.screening import Reason, ScreeningResult, SubstanceResult
from mesodesk import i18n
from mesodesk.reports.blocks import PngImage, read_png, read_png_base64
from mesodesk.reports.styles import Styles
from mesodesk.reports.text import esc
from mesodesk.reports.words import _, join_words, long_date


@dataclass(frozen=True)
class Context:
    doc: Consultation
    result: ScreeningResult
    kb: KnowledgeBase
    clinic: ClinicSettings
    styles: Styles
    width: float  # of the text frame, in points
    logo: PngImage | None
    patient_signature: PngImage | None
    practitioner_signature: PngImage | None

    @classmethod
    def create(cls, doc: Consultation, result: ScreeningResult, kb: KnowledgeBase,
               clinic: ClinicSettings | None, styles: Styles, width: float) -> Context:
        clinic = clinic or ClinicSettings()
        logo = read_png(clinic.logo_png, i18n._("The clinic logo")) if clinic.logo_png else None
        signatures = doc.signatures
        patient = practitioner = None
        if signatures is not None and signatures.patient:
            patient = read_png_base64(signatures.patient, "signatures.patient")
        if signatures is not None and signatures.practitioner:
            practitioner = read_png_base64(signatures.practitioner, "signatures.practitioner")
        return cls(doc, result, kb, clinic, styles, width, logo, patient, practitioner)

    # -- people ------------------------------------------------------------------------
    @property
    def patient_name(self) -> str:
        return esc(self.doc.patient.name)

    @property
    def practitioner_name_raw(self) -> str:
        if self.doc.practitioner is not None:
            return self.doc.practitioner.name.strip()
        return self.clinic.practitioner_name.strip()

    @property
    def practitioner_registration_raw(self) -> str:
        if self.doc.practitioner is not None:
            return (self.doc.practitioner.registration or "").strip()
        return self.clinic.practitioner_registration.strip()

    @property
    def practitioner_name(self) -> str:
        return esc(self.practitioner_name_raw)

    @property
    def practitioner_line(self) -> str:
        """``Dr Maria Ioannou, registration no. 12345`` (escaped)."""
        name = self.practitioner_name
        registration = esc(self.practitioner_registration_raw)
        if name and registration:
            return _("{name}, registration no. {number}").format(name=name, number=registration)
        return name

    @property
    def clinic_name_raw(self) -> str:
        return self.clinic.name.strip()

    @property
    def clinic_address_lines(self) -> list[str]:
        return [esc(line) for line in self.clinic.address.splitlines() if line.strip()]

    @property
    def clinic_phone(self) -> str:
        return esc(self.clinic.phone)

    @property
    def clinic_details(self) -> list[str]:
        """The address lines and the phone, as the clinic header prints them."""
        phone = [_("Phone: {phone}").format(phone=self.clinic_phone)] if self.clinic_phone else []
        return self.clinic_address_lines + phone

    @property
    def contact(self) -> str:
        """Who "contact us" means, with how to reach them: ``Clinic, address, phone``
        (escaped), or "" when the settings have none of them."""
        parts = [esc(self.clinic_name_raw), *self.clinic_address_lines]
        if self.clinic_phone:
            parts.append(_("phone {phone}").format(phone=self.clinic_phone))
        return ", ".join(part for part in parts if part)

    def contact_us(self, sentence: str) -> str:
        """A sentence ending in "contact us", with the clinic's details when known.
        ``sentence`` is translated markup whose ``{contact}`` is replaced."""
        details = _(" ({contact})").format(contact=self.contact) if self.contact else ""
        return sentence.format(contact=details)

    @property
    def jurisdiction(self) -> str:
        return self.clinic.jurisdiction

    # -- the consultation --------------------------------------------------------------
    @property
    def date(self) -> str:
        return long_date(self.doc.date)

    @property
    def date_of_birth(self) -> str:
        return long_date(self.doc.patient.date_of_birth)

    @property
    def concern_names(self) -> list[str]:
        return [esc(self.kb.concerns[c].name) for c in self.doc.concerns]

    @property
    def areas(self) -> list[str]:
        """The treated areas by their names (an area typed as free text as typed)."""
        names = []
        for area in self.doc.areas:
            if area.strip():
                known = self.kb.area_id(area)
                names.append(esc(self.kb.areas[known].name if known else area))
        return names

    @property
    def areas_text(self) -> str:
        return join_words(self.areas) if self.areas else _("to be agreed with your practitioner")

    def patient_rows(self, *, with_concerns: bool) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = [
            (_("Patient"), self.patient_name),
            (_("Date of birth"), self.date_of_birth, _("Consultation"), self.date),
            (_("Practitioner"), self.practitioner_line or _("not recorded")),
        ]
        if with_concerns:
            rows.append((_("Concerns"), ", ".join(self.concern_names)))
            rows.append((_("Areas"), ", ".join(self.areas) or _("to be agreed")))
        return rows

    # -- what screening decided --------------------------------------------------------
    @property
    def relevant_ids(self) -> set[str]:
        """Concerns, and the classes and substances actually chosen: what risks and
        aftercare are filtered by."""
        ids = set(self.doc.concerns)
        for item in self.result.selected:
            ids.add(item.id)
            ids.add(item.class_id)
        return ids

    def applies(self, applies_to: list[str]) -> bool:
        return ALL in applies_to or bool(self.relevant_ids & set(applies_to))

    def selected_by_class(self) -> list[tuple[str, list[SubstanceResult]]]:
        groups: dict[str, list[SubstanceResult]] = {}
        for item in self.result.selected:
            groups.setdefault(item.class_id, []).append(item)
        return list(groups.items())

    @staticmethod
    def specific_cautions(item: SubstanceResult) -> list[Reason]:
        return _unique([r for r in item.cautions if not r.general])

    def general_cautions(self) -> list[Reason]:
        """Cautions that apply to all mesotherapy (more bruising with a blood thinner):
        said once, not beside every substance."""
        reasons = [r for item in self.result.selected for r in item.cautions if r.general]
        return _unique(reasons)

    def adverse_effects(self, kind: str) -> list[AdverseEffect]:
        """The effects of this kind for what is chosen, and for the areas treated only
        when they hold there (screening decides which areas count as treated)."""
        return [e for e in self.kb.adverse_effects if e.kind == kind and self.applies(e.applies_to)
                and self.result.area_applies(e.areas)]

    def cautions(self, code: str | None = None) -> list[str]:
        """What the plan's combination means for the patient (effect ``caution``):
        interactions, and a substance used outside the areas its label covers."""
        return [w.patient_text for w in self.result.warnings
                if w.effect == "caution" and w.patient_text and (code is None or w.code == code)]

    def aftercare(self, when: str) -> list[Aftercare]:
        return [a for a in self.kb.aftercare if a.when == when and self.applies(a.applies_to)]

    def history_label(self, history_id: str | None) -> str:
        if history_id is None or history_id not in self.kb.history:
            return ""
        return esc(self.kb.history[history_id].patient_text)


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen: set[str] = set()
    unique = []
    for reason in reasons:
        if reason.patient_text not in seen:
            seen.add(reason.patient_text)
            unique.append(reason)
    return unique
