"""Fixtures for the PDF tests: consultations parsed, screened and rendered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from mesodesk.domain.document import Consultation, parse_consultation
from mesodesk.i18n import translation
from mesodesk.paths import resource_dir
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings
from mesodesk.domain.screening import ScreeningResult, screen
from mesodesk.reports import render_plan
from tests.conftest import example
from tests.reports.samples import stress_document

# The bundled examples that are not clinically blocked, and so print a plan.
PRINTABLE = ["cellulite-arrhythmia.json", "format-example.json", "hair-loss-anticoagulants.json",
             "localized-fat-soy.json", "skin-rejuvenation.json"]
BLOCKED = ["pregnant.json", "minor-16.json"]
TODAY = dt.date(2026, 11, 26)  # the examples are dated up to this day

CLINIC = ClinicSettings(name="Clinique Lumière", address="12 Odos Ermou\n105 63 Athens",
                        phone="+30 210 123 4567", practitioner_name="Dr Maria Ioannou",
                        practitioner_registration="12345", jurisdiction="EU", member_state="GR")


@pytest.fixture(scope="session", autouse=True)
def documents_catalogues_compiled() -> None:
    """The papers' catalogues compiled from their .po, as ``make`` does before the tests
    (the .mo files are not committed), so a Greek paper is Greek however pytest is run."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in resource_dir("i18n").glob("*/LC_MESSAGES/documents.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalogue)
    translation.cache_clear()


class Rendered:
    def __init__(self, doc: Consultation, result: ScreeningResult, pdf: bytes):
        self.doc, self.result, self.pdf = doc, result, pdf


@pytest.fixture(scope="session")
def render(kb: KnowledgeBase) -> Callable[..., Rendered]:
    """Render a consultation (a dict or an example's file name); cached per arguments."""
    cache: dict[tuple, Rendered] = {}

    def _render(source: dict | str, clinic: ClinicSettings | None = CLINIC,
                paper: str = "a4", **changes) -> Rendered:
        data = example(source) if isinstance(source, str) else dict(source)
        data.update(changes)
        doc = parse_consultation(data, kb, today=TODAY)
        key = (doc.canonical_json(), clinic, paper)
        if key not in cache:
            result = screen(doc, kb)
            cache[key] = Rendered(doc, result, render_plan(doc, result, kb, clinic, paper))
        return cache[key]

    return _render


@pytest.fixture(scope="session")
def stress(render) -> Rendered:
    return render(stress_document())
