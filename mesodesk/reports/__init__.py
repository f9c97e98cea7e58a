"""The patient's paper: the treatment plan and the consent summary, as one PDF.

``render_plan`` takes domain objects (a consultation, its screening result, the
knowledge base and the clinic's settings) and returns the PDF as bytes. The same
bytes serve the command line (``mesodesk plan``), and later the GUI's preview,
print and save.

reportlab is imported only when a document is rendered, so importing this package
costs nothing at start-up. This package imports ``mesodesk.domain`` (and the shared
``mesodesk.i18n`` / ``mesodesk.paths`` helpers), never Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesodesk.reports.errors import ReportError

if TYPE_CHECKING:
    from mesodesk.domain.document import Consultation
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings
    from mesodesk.domain.screening import ScreeningResult

PAPER_SIZES = ("a4", "letter")

__all__ = ["PAPER_SIZES", "ReportError", "render_plan"]


def render_plan(doc: Consultation, result: ScreeningResult, kb: KnowledgeBase,
                clinic: ClinicSettings | None = None, paper: str = "a4",
                chain_head: str = "") -> bytes:
    """The treatment plan followed by the consent summary, as one PDF.

    ``result`` must be ``screen(doc, kb)``. The output depends only on the arguments:
    the same consultation gives the same bytes. Raises ``ReportError`` (with a message
    for a person) when the consultation is clinically blocked, the paper size is
    unknown, or an image (clinic logo, signature) cannot be read. ``chain_head`` (the
    audit chain's short hash, for a consultation from the records) is printed in the
    footer beside the fingerprint.
    """
    from mesodesk.reports.document import build_pdf

    return build_pdf(doc, result, kb, clinic, paper, chain_head)
