"""The plan and consent PDF inside the app: QtPdf preview, print, save, system viewer.

Printing paints the pages on the printer from memory: no file is written. The system
viewer needs a file: it is written owner-only into this app's private folder for viewer
copies (``mesodesk.paths.viewer_copies_folder``), which ``run_app`` empties when the app
quits and at the next start; no plain copy of a patient's PDF is left in a shared
temporary folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.paths import viewer_copies_folder
from mesodesk.store.files import write_atomically
from mesodesk.ui.config import local_settings
from mesodesk.ui.icons import icon
from mesodesk.ui.widgets import Banner
from mesodesk.ui.workers import Runner

PRINT_DPI = 300


def safe_file_name(text: str, fallback: str = "consultation") -> str:
    """A file name from a patient's name: any script kept, path and control characters out."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text).strip().strip(".")
    cleaned = re.sub(r"\s+", " ", cleaned)[:80].strip()
    return cleaned or fallback


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """The pages (0-based, in printing order) the print dialog asked for: all, a range
    (``fromPage``/``toPage``, 1-based), or the page on screen; last page first if asked."""
    chosen = printer.printRange()
    if chosen == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)] if page_count else []
    elif chosen == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(page_count, printer.toPage() or page_count)
        pages = list(range(first - 1, last))
    else:
        pages = list(range(page_count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def print_pages(pdf: bytes, printer: QPrinter, pages: list[int], dpi: int = PRINT_DPI) -> int:
    """Render each page and paint it on the printer before rendering the next, so at most
    one page image is in memory (a 300-dpi A4 page is about 35 MB). Runs in a worker:
    QPainter may paint on a QPrinter outside the GUI thread, and the QPdfDocument here is
    the worker's own. Returns how many pages were sent."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise OSError(_("The printer could not be started."))
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                raise OSError(_("The printer did not take page {page}.").format(page=page + 1))
            target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            points = document.pagePointSize(page)
            at_dpi = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            fitted = at_dpi.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            # Never more pixels than the printer uses, nor more than ``dpi`` gives.
            size = fitted if fitted.width() <= at_dpi.width() else at_dpi
            image = document.render(page, size)
            if image.isNull():
                raise OSError(_("Page {page} could not be prepared for the printer.").format(
                    page=page + 1))
            painter.drawImage(QRect(QPoint(0, 0), fitted), image)
            image = None  # drop this page before the next one is rendered
    finally:
        painter.end()
        document.close()
    return len(pages)


# Records that the PDF left the app (action, where), then calls back: the first callback
# when it is recorded, the second with the error when it is not (then nothing is disclosed).
Audit = Callable[[str, str, Callable[[], None], Callable[[BaseException], None]], None]
# Writes the plan's sessions still to come as an .ics file at the path (audited, as
# ``mesodesk calendar`` is), then calls back with how many it holds, or with the error.
CalendarWriter = Callable[[Path, Callable[[int], None], Callable[[BaseException], None]], None]
SAVE_CALENDAR_SETTING = "plan/save_calendar_with_plan"


class PdfPane(QWidget):
    """One PDF with its toolbar: zoom, page navigation, print, save as, system viewer.

    With ``audit``, every way the PDF leaves the app (saved, printed, opened in a viewer)
    is recorded first, and does not happen when it cannot be recorded. With ``calendar``
    (a signed plan), an option saves the sessions to come as ``<plan name>.ics`` beside
    the saved PDF; whether it is on is remembered on this computer."""

    def __init__(self, pdf: bytes, file_name: str, runner: Runner | None = None,
                 parent: QWidget | None = None, audit: Audit | None = None,
                 calendar: CalendarWriter | None = None):
        super().__init__(parent)
        self.pdf = pdf
        self.audit = audit
        self.calendar = calendar
        self.file_name = file_name if file_name.endswith(".pdf") else file_name + ".pdf"
        self._runner = runner
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.message = Banner("info")
        self.message.hide()
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self._page_changed(0)

    # -- toolbar ------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = self.toolbar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(QSize(20, 20))
        self.print_action = bar.addAction(icon("print"), _("Print…"), self.print_with_dialog)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.save_action = bar.addAction(icon("save"), _("Save as…"), self.save_with_dialog)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.calendar_option = QCheckBox(_("Also save the calendar (.ics)"))
        self.calendar_option.setToolTip(_("With the PDF, save the sessions still to come as "
                                          "a calendar file of the same name, for the patient's "
                                          "phone"))
        self.calendar_option.setChecked(
            local_settings().value(SAVE_CALENDAR_SETTING, False, type=bool))
        self.calendar_option.toggled.connect(_remember_calendar_option)
        if self.calendar is not None:
            bar.addWidget(self.calendar_option)
        self.open_action = bar.addAction(icon("open-external"), _("Open in PDF viewer"),
                                         self.open_externally)
        bar.addSeparator()
        self.previous_action = bar.addAction(icon("page-prev"), _("Previous page"), self.previous_page)
        self.previous_action.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.page = QSpinBox()
        self.page.setMinimum(1)
        self.page.setMaximum(max(1, self.document.pageCount()))
        self.page.setAccessibleName(_("Page"))
        self.page.valueChanged.connect(lambda value: self.go_to_page(value - 1))
        bar.addWidget(self.page)
        self.page_count = QLabel(_(" of {count}").format(count=self.document.pageCount()))
        bar.addWidget(self.page_count)
        self.next_action = bar.addAction(icon("page-next"), _("Next page"), self.next_page)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        for action in (self.previous_action, self.next_action):
            bar.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addSeparator()
        self.zoom_out_action = bar.addAction(icon("zoom-out"), _("Zoom out"), self.zoom_out)
        self.zoom_out_action.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_action = bar.addAction(icon("zoom-in"), _("Zoom in"), self.zoom_in)
        self.zoom_in_action.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.fit_action = bar.addAction(icon("zoom-fit"), _("Fit width"), self.fit_width)
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        for action in (self.zoom_out_action, self.zoom_in_action):
            bar.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for action in bar.actions():
            if action.shortcut():
                action.setToolTip(f"{action.text()} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")

    # -- navigation and zoom -----------------------------------------------------------------
    @property
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        page = max(0, min(page, self.document.pageCount() - 1))
        if page != self.current_page:
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    @Slot()
    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    @Slot()
    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    @Slot(int)
    def _page_changed(self, page: int) -> None:
        self.page.blockSignals(True)
        self.page.setValue(page + 1)
        self.page.blockSignals(False)
        self.previous_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < self.document.pageCount() - 1)

    def _zoom(self, factor: float) -> None:
        current = self.view.zoomFactor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(5.0, current * factor)))

    @Slot()
    def zoom_in(self) -> None:
        self._zoom(1.25)

    @Slot()
    def zoom_out(self) -> None:
        self._zoom(0.8)

    @Slot()
    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # -- output ----------------------------------------------------------------------------
    def _say(self, kind: str, text: str) -> None:
        self.message.set_kind(kind)
        self.message.set_text(text)
        self.message.show()

    @Slot()
    def save_with_dialog(self) -> None:
        start = str(Path.home() / self.file_name)
        path, _selected = QFileDialog.getSaveFileName(self, _("Save the PDF"), start,
                                                      _("PDF documents (*.pdf)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_atomically(path, self.pdf)
        except OSError as error:
            self._say("blocked", _("The PDF could not be saved to {path}: {reason}")
                      .format(path=path, reason=error.strerror or error))
            return False

        def not_recorded(error: BaseException) -> None:
            path.unlink(missing_ok=True)
            self._say("blocked", _("The PDF was not saved: {reason}").format(reason=error))

        self._recorded("save-pdf", str(path.absolute()), lambda: self._saved(path),
                       not_recorded)
        return True

    def _saved(self, path: Path) -> None:
        if self.calendar is None or not self.calendar_option.isChecked():
            self._say("ok", _("Saved to {path}").format(path=path))
            return
        beside = path.with_suffix(".ics")
        self.calendar(beside, lambda count: self._say("ok", ngettext(
            "Saved to {path}, and {count} session to come to {calendar}",
            "Saved to {path}, and {count} sessions to come to {calendar}", count).format(
                path=path, count=count, calendar=beside)),
            lambda error: self._say("caution", _(
                "Saved to {path}; the calendar was not saved: {reason}").format(
                    path=path, reason=error)))

    def _recorded(self, action: str, where: str, then: Callable[[], None],
                  otherwise: Callable[[BaseException], None] | None = None) -> None:
        """``then`` once the audit trail has recorded the disclosure (at once without one)."""
        if self.audit is None:
            then()
            return
        self.audit(action, where, then, otherwise or (lambda error: self._say(
            "blocked", _("Nothing was sent: {reason}").format(reason=error))))

    def write_viewer_copy(self) -> Path:
        """The PDF, owner-only, in this app's private folder for viewer copies (emptied
        when the app quits and at the next start). Raises ``OSError``."""
        return write_atomically(viewer_copies_folder() / self.file_name, self.pdf)

    @Slot()
    def open_externally(self) -> None:
        self._recorded("open-in-viewer", _("the system's PDF viewer"), self._open_externally)

    def _open_externally(self) -> None:
        try:
            path = self.write_viewer_copy()
        except OSError as error:
            self._say("blocked", _("The PDF could not be written for the viewer: {reason}")
                      .format(reason=error.strerror or error))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self._say("caution", _("No PDF viewer is set up on this computer. Use Save as… "
                                   "and open the file from there."))

    @Slot()
    def print_with_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the plan and consent"))
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the pages the dialog asked for, one at a time, in a worker."""
        pages = pages_to_print(printer, self.document.pageCount(), self.current_page)
        if not pages:
            self._say("caution", _("There is no page in the range asked for."))
            return
        self._say("info", _("Sending the pages to the printer…"))
        self.print_action.setEnabled(False)
        where = printer.printerName() or printer.outputFileName() or _("a printer")

        def not_recorded(error: BaseException) -> None:
            self.print_action.setEnabled(True)
            self._say("blocked", _("Nothing was printed: {reason}").format(reason=error))

        self._recorded("print", where, lambda: self._print_pages(printer, pages), not_recorded)

    def _print_pages(self, printer: QPrinter, pages: list[int]) -> None:
        def done(count: int) -> None:
            self.print_action.setEnabled(True)
            self._say("ok", ngettext("Sent {count} page to the printer.",
                                     "Sent {count} pages to the printer.", count).format(count=count))

        def failed(error: BaseException) -> None:
            self.print_action.setEnabled(True)
            self._say("blocked", _("Printing failed: {reason}").format(reason=error))

        if self._runner is None:
            try:
                done(print_pages(self.pdf, printer, pages))
            except Exception as error:  # noqa: BLE001 - shown to the user
                failed(error)
        else:
            # The closure keeps the printer alive until the worker is done with it.
            self._runner.submit(print_pages, self.pdf, printer, pages, on_done=done,
                                on_error=failed)


class PreviewWindow(QDialog):
    """The PDF in a window of its own (non-modal: several may be open).

    With ``course_record`` (a signed plan whose course has recorded sessions), the signed
    PDF, untouched, and the course record rendered now are two tabs, each printed and
    saved on its own (docs/course-record.md)."""

    def __init__(self, pdf: bytes, title: str, file_name: str, runner: Runner | None = None,
                 parent: QWidget | None = None, audit: Audit | None = None,
                 calendar: CalendarWriter | None = None, course_record: bytes | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(900, 720)
        self.pane = PdfPane(pdf, file_name, runner, self, audit, calendar)
        self.course_pane: PdfPane | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if course_record is None:
            layout.addWidget(self.pane)
        else:
            self.course_pane = PdfPane(course_record, _("{name} course record").format(
                name=file_name.removesuffix(".pdf")), runner, self, audit)
            self.course_note = Banner("info")
            self.course_note.set_text(_(
                "The signed consent and plan are shown exactly as they were signed. The course "
                "as it happened, with the sessions done and still to come, is a separate paper "
                "in the tab “Course record”: print or save it with the plan."))
            self.tabs = QTabWidget(self)
            self.tabs.addTab(self.pane, _("Signed consent and plan"))
            self.tabs.addTab(self.course_pane, _("Course record"))
            layout.addWidget(self.course_note)
            layout.addWidget(self.tabs, 1)
        close = self.close_action = QAction(_("Close"), self)
        keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
        close.setShortcuts(keys + [QKeySequence("Ctrl+W")] * (QKeySequence("Ctrl+W") not in keys))
        close.triggered.connect(self.close)
        self.addAction(close)


def _remember_calendar_option(checked: bool) -> None:
    settings = local_settings()
    settings.setValue(SAVE_CALENDAR_SETTING, checked)
    settings.sync()


def show_error_box(parent: QWidget | None, title: str, text: str, details: str = "") -> QMessageBox:
    """A non-blocking message box with plain text (user data is never read as markup)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
