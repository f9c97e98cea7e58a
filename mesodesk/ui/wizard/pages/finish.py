"""The last page: the consultation and the signed consent are stored, and the plan is
shown to print or save."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from mesodesk.i18n import _
from mesodesk.ui.widgets import Banner, plain_label
from mesodesk.ui.wizard.pages.base import Page

if TYPE_CHECKING:
    from mesodesk.ui.wizard.context import PageContext


class FinishPage(Page):
    """Stores the consultation and the signed consent, then shows the PDF to print or save."""

    def __init__(self, context: PageContext):
        super().__init__(context, _("Finished"),
                         _("The consultation and the signed consent are stored. Print the plan "
                           "for the patient to take home."))
        self.done = False
        self.pane: QWidget | None = None
        layout = self.page_layout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(360)
        self.working = plain_label(_("Saving the consultation and preparing the signed consent…"))
        self.result_banner = Banner("ok")
        self.result_banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.result_banner.hide()
        self.retry_button = self.result_banner.add_button(_("Try again"))
        self.retry_button.clicked.connect(self.initializePage)
        self.retry_button.hide()
        layout.addWidget(self.working)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_banner)
        self.pane_holder = QVBoxLayout()
        layout.addLayout(self.pane_holder, 1)
        self.filler = QWidget()  # keeps the banner at the top until the PDF is shown
        self.filler.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.filler, 1)

    def initializePage(self) -> None:  # noqa: N802
        self.done = False
        self.setTitle(_("Finishing"))
        self.setSubTitle(_("Storing the consultation and the signed consent…"))
        self.working.show()
        self.progress.show()
        self.result_banner.hide()
        self.retry_button.hide()
        self.completeChanged.emit()
        self.ops.finish(self._finished, self._failed)

    def _finished(self, text: str) -> None:
        from mesodesk.ui.preview import PdfPane, safe_file_name  # QtPdf: only once shown

        self.done = True
        self.setTitle(_("Finished"))
        self.setSubTitle(_("The consultation and the signed consent are stored. Print the plan "
                           "for the patient to take home."))
        self.working.hide()
        self.progress.hide()
        self.filler.hide()
        self.result_banner.set_kind("ok")
        self.result_banner.set_text(text)
        self.result_banner.show()
        pdf = self.ops.final_pdf
        if pdf is not None:
            name = safe_file_name(self.state.patient.get("name", ""))
            self.pane = PdfPane(pdf, f"{name} {self.state.date.isoformat()}", self.ctx.work_runner,
                                self, audit=self.ops.record_disclosure,
                                calendar=self.ops.write_calendar)
            self.pane.view.setZoomMode(self.pane.view.ZoomMode.FitInView)
            self.pane_holder.addWidget(self.pane)
        self.completeChanged.emit()

    def _failed(self, text: str) -> None:
        self.setTitle(_("Not finished"))
        self.setSubTitle(_("The consultation was not finished; the message below says what was "
                           "kept."))
        self.working.hide()
        self.progress.hide()
        self.result_banner.set_kind("blocked")
        self.result_banner.set_text(text)
        self.result_banner.show()
        self.retry_button.show()

    def isComplete(self) -> bool:  # noqa: N802
        return self.done
