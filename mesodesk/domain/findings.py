"""Findings that several parts of the domain report: warnings for the practitioner.

Course planning and screening both produce warnings, and screening plans the courses:
the shared value lives here so neither module needs the other to define it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Warning:
    code: str
    text: str
    patient_text: str = ""
    # ``caution``: an interaction the consent summary names; ``warning``: the practitioner's.
    effect: Literal["warning", "caution"] = "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "effect": self.effect}
