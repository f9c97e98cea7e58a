"""``mesodesk --demo``: the demo clinic, built without Qt in ``mesodesk.services.demo``
(which ``mesodesk demo-db`` writes to a file as well)."""

from __future__ import annotations

from mesodesk.services.demo import (
    DEMO_CLINIC,
    DEMO_PATIENTS,
    fill_demo_database,
    signature_png,
    templates_for,
)

__all__ = ["DEMO_CLINIC", "DEMO_PATIENTS", "fill_demo_database", "signature_png",
           "templates_for"]
