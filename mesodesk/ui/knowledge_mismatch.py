"""The box that says a stored consultation names what the knowledge base no longer has.

Such a consultation is neither screened, nor printed, nor opened in the wizard (which
would drop the unknown items from the record without a word); it can still be exported.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mesodesk.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ConsultationRecord

log = logging.getLogger(__name__)


def knowledge_mismatch_box(parent: QWidget, record: ConsultationRecord, kb: KnowledgeBase,
                           doing: str) -> QMessageBox | None:
    """None when the knowledge base knows everything the consultation names; else the box
    saying so, for ``doing`` one of "continue", "print", "show"."""
    from mesodesk.ui.wizard.state import unknown_to_knowledge  # pydantic: not at start-up

    unknown = unknown_to_knowledge(record.document, kb)
    if unknown is None:
        return None
    from mesodesk.ui.preview import show_error_box  # QtPdf: not at start-up

    log.warning("consultation %s does not match the knowledge base:\n%s", record.id, unknown)
    intro = {
        "continue": _("The consultation of {date} for {name} cannot be continued: it names "
                      "what the knowledge base no longer has."),
        "print": _("The plan of {date} for {name} cannot be printed: the consultation names "
                   "what the knowledge base no longer has."),
        "show": _("The plan of {date} for {name} cannot be shown: the consultation names "
                  "what the knowledge base no longer has."),
    }[doing].format(date=record.date.isoformat(), name=record.document.patient.name)
    text = intro + "\n\n" + unknown + "\n\n" + _(
        "Was an item of your own knowledge-base additions (the overlay) removed or renamed? "
        "Put it back and start mesodesk again. Nothing was changed; the consultation can "
        "still be exported.")
    return show_error_box(parent, _("Unknown to the knowledge base"), text)
