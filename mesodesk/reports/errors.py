"""The one error the reports package raises (no reportlab needed to catch it)."""

from __future__ import annotations


class ReportError(Exception):
    """The document cannot be made; the message says why, for a person to act on."""
