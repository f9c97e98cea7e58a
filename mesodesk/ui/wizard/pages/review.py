"""The review of the whole consultation with the patient, and the two signatures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from mesodesk.domain.document import DocumentError
from mesodesk.domain.screening import screen
from mesodesk.i18n import _
from mesodesk.ui.widgets import heading, hint_label
from mesodesk.ui.wizard.pages.base import Page
from mesodesk.ui.wizard.review import review_html
from mesodesk.ui.wizard.signature_pad import SignatureBox
from mesodesk.ui.wizard.state import describe_issues

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class ReviewPage(Page):
    owns = ("signatures", "photo_consent")

    def __init__(self, context: PageContext):
        super().__init__(context, _("Review and consent"),
                         _("Go through the plan with the patient. When they agree, both of you "
                           "sign."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("Sign and &finish"))
        layout = self.page_layout()
        row = QHBoxLayout()
        self.summary = QTextBrowser()
        self.summary.setAccessibleName(_("The consultation as it will be printed"))
        self.summary.setOpenLinks(False)
        row.addWidget(self.summary, 3)
        side = QVBoxLayout()
        side.setSpacing(10)
        side.addWidget(heading(_("Consent"), 1))
        self.photo = QCheckBox(_("&Photographs: the patient agrees"))
        side.addWidget(self.photo)
        photo_hint = hint_label(_("Optional and separate from the treatment: photographs of the "
                                  "treated areas, before and after, kept with the record."))
        photo_hint.setContentsMargins(24, 0, 0, 0)
        side.addWidget(photo_hint)
        self.patient_signature = SignatureBox(_("Patient"))
        self.practitioner_signature = SignatureBox(_("Practitioner"))
        self.read_and_sign = QPushButton(_("The patient &reads and signs…"))
        self.read_and_sign.setToolTip(_("The whole consent as it will print, in large type, "
                                        "then a large signature pad or the typed name"))
        self.read_and_sign.clicked.connect(self.open_signing)
        self.signing = None
        for box in (self.patient_signature, self.practitioner_signature):
            box.pad.changed.connect(self.completeChanged)
            box.pad.changed.connect(self._hint)
            side.addWidget(box)
            if box is self.patient_signature:
                side.addWidget(self.read_and_sign)
        self.signed_hint = hint_label()
        side.addWidget(self.signed_hint)
        side.addStretch(1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(400)
        row.addWidget(side_widget)
        layout.addLayout(row, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802
        self.photo.setChecked(self.state.photo_consent)
        doc = self.state.try_document()
        if doc is None:
            self.summary.setPlainText(_("The consultation is incomplete: go back and check the "
                                        "pages."))
        else:
            self.summary.setHtml(review_html(doc, screen(doc, self.kb, for_plan=True), self.kb))
        self._hint()

    @Slot()
    def _hint(self) -> None:
        missing = [caption for caption, box in ((_("the patient"), self.patient_signature),
                                                (_("the practitioner"), self.practitioner_signature))
                   if box.pad.is_empty()]
        if missing:
            self.signed_hint.setText(_("Still to sign: {who}.").format(who=_(" and ").join(missing)))
        else:
            self.signed_hint.setText(_("Signed. Finishing stores the consultation and the signed "
                                       "consent; they cannot be changed afterwards."))

    def isComplete(self) -> bool:  # noqa: N802
        return not (self.patient_signature.pad.is_empty() or self.practitioner_signature.pad.is_empty())

    def store(self) -> None:
        self.state.photo_consent = self.photo.isChecked()

    def check(self) -> str | None:
        if not self.isComplete():
            return _("Signatures: both the patient and the practitioner sign to finish")
        self.state.signatures = {
            "patient": self.patient_signature.pad.to_base64(),
            "practitioner": self.practitioner_signature.pad.to_base64(),
            "signed_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        }
        try:
            doc = self.state.document()
        except DocumentError as error:
            self.state.signatures = None
            return describe_issues(error)
        result = screen(doc, self.kb, for_plan=True)
        if result.blocked:
            self.state.signatures = None
            return _("The consultation is blocked, so it cannot be signed:\n{causes}").format(
                causes="\n".join(f"• {block.text}" for block in result.blocked_by))
        return None

    # -- the signing view --------------------------------------------------------------------
    @Slot()
    def open_signing(self) -> None:
        """The patient reads the consent as it will print, then signs in a large pad."""
        from mesodesk.services import plans
        from mesodesk.ui.wizard.signing import SigningDialog, pdf_text

        doc = self.state.try_document(signatures=None)
        if doc is None:
            self.show_error(_("The consultation is incomplete: go back and check the pages."))
            return
        dialog = SigningDialog(doc.patient.name, self)
        self.signing = dialog
        dialog.accepted.connect(lambda: self.patient_signature.pad.copy_from(dialog.pad))
        dialog.open()
        self.ctx.work_runner.submit(
            plans.render, doc, self.kb, self.ops.session.settings,
            on_done=lambda pdf: dialog.set_consent_text(pdf_text(pdf)),
            on_error=lambda error: dialog.set_consent_text(_(
                "The consent could not be prepared: {reason}").format(reason=error)))
