"""How the GUI names and colours the domain's values: one place for every label and
colour, so the list, the detail pane, the wizard and its review say the same thing.

Labels are marked with ``N_`` and translated where they are shown (``_(label)``).
Colours are dark enough to read on a white background (contrast 4.5:1 or more).
"""

from __future__ import annotations

from mesodesk.domain.enums import ConsultationStatus, Sex
from mesodesk.i18n import current_language
from mesodesk.ui.widgets import N_

CONSULTATION_STATUS = {
    ConsultationStatus.DRAFT: N_("Draft (not finished)"),
    ConsultationStatus.FINAL: N_("Final"),
    ConsultationStatus.NOT_TREATED: N_("Not treated"),
}
# in a sentence: "the consultation of 2026-11-26, finalized"
CONSULTATION_STATUS_IN_TEXT = {
    ConsultationStatus.DRAFT: N_("a draft"),
    ConsultationStatus.FINAL: N_("finalized"),
    ConsultationStatus.NOT_TREATED: N_("recorded as not treated"),
}
CONSULTATION_STATUS_ICON = {
    ConsultationStatus.DRAFT: "draft",
    ConsultationStatus.FINAL: "document",
    ConsultationStatus.NOT_TREATED: "not-treated",
}

SEX = {Sex.FEMALE: N_("Female"), Sex.MALE: N_("Male"), Sex.OTHER: N_("Other"),
       Sex.UNSPECIFIED: N_("Prefers not to say")}
SEX_CHOICES: list[tuple[str | None, str]] = [(None, "—"), *SEX.items()]

# A substance's screening status, and "override" for a contraindication lifted with a reason.
SCREENING_STATUS = {"ok": N_("OK"), "caution": N_("Caution"),
                    "contraindicated": N_("Contraindicated")}
# The colour role of each screening status (mesodesk.ui.colours gives its shade).
SCREENING_COLOURS = {"ok": "ok", "caution": "caution", "contraindicated": "contraindicated",
                     "override": "override"}


def local(text: str) -> str:
    """A knowledge-base text in the app's language. A bilingual text (TranslatedText)
    carries its translations; any other text is shown as it is."""
    translations = getattr(text, "translations", None)
    if not translations:
        return text
    return translations.get(current_language()) or str(text)


# A photograph's view (mesodesk.domain.photos.PhotoView), in the order the practitioner
# takes them.
PHOTO_VIEWS = {"front": N_("Front view"), "side": N_("Side view"), "back": N_("Back view"),
               "close-up": N_("Close-up")}


def area_label(kb: object, area: str) -> str:
    """A knowledge-base area's name in the app's language (its id if the area is unknown)."""
    areas = getattr(kb, "areas", None) or {}
    return local(areas[area].name) if area in areas else area
