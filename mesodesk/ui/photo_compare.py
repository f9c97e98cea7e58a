"""Two photographs of the same area and view: side by side, or one over the other with a
divider to slide (before on the left of it, after on the right), at the same scale; and
the comparison sheet for the patient (``services.photos.comparison_sheet``).

The dialog reads nothing itself: it asks for each image with ``imageWanted`` and
``mesodesk.ui.photo_actions`` answers with ``set_image``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _
from mesodesk.ui import colours
from mesodesk.ui.widgets import plain_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from mesodesk.domain.photos import PhotoInfo

SIDE_BY_SIDE, SLIDER = "side-by-side", "slider"
GAP = 12
CAPTION = 22


def fitted(frame: QRect, size: QSize, scale: float) -> QRectF:
    """``size`` at ``scale``, centred in ``frame``."""
    width, height = size.width() * scale, size.height() * scale
    return QRectF(frame.left() + (frame.width() - width) / 2,
                  frame.top() + (frame.height() - height) / 2, width, height)


def common_scale(frame: QSize, *sizes: QSize) -> float:
    """One scale for every image, the largest at which each fits ``frame``: the two
    photographs are shown at the same scale, never enlarged past their pixels."""
    scales = [min(frame.width() / s.width(), frame.height() / s.height())
              for s in sizes if s.width() > 0 and s.height() > 0]
    return min([1.0, *scales]) if scales else 1.0


class ComparisonView(QWidget):
    """Paints the two images; in slider mode ``divider`` (0 to 1) is where before ends."""

    dividerMoved = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.before: QImage | None = None
        self.after: QImage | None = None
        self.captions = ("", "")
        self.mode = SIDE_BY_SIDE
        self.divider = 0.5
        self.setMinimumSize(360, 240)
        self.setAccessibleName(_("The two photographs"))

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.update()

    def set_divider(self, value: float) -> None:
        self.divider = min(max(value, 0.0), 1.0)
        self.update()

    def frames(self) -> tuple[QRect, QRect]:
        """Where before and after are drawn (one frame for both in slider mode)."""
        area = self.rect().adjusted(0, CAPTION, 0, 0)
        if self.mode == SLIDER:
            return area, area
        half = (area.width() - GAP) // 2
        return (QRect(area.left(), area.top(), half, area.height()),
                QRect(area.left() + half + GAP, area.top(), half, area.height()))

    def _sizes(self) -> list[QSize]:
        return [image.size() for image in (self.before, self.after) if image is not None]

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        before_frame, after_frame = self.frames()
        scale = common_scale(before_frame.size(), *self._sizes())
        if self.mode == SLIDER:
            self._paint_slider(painter, before_frame, scale)
        else:
            for image, frame in ((self.before, before_frame), (self.after, after_frame)):
                self._paint_image(painter, image, frame, scale)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        top = QRect(0, 0, self.width(), CAPTION)
        if self.mode == SLIDER:
            painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self.captions[0])
            painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self.captions[1])
        else:
            for caption, frame in zip(self.captions, (before_frame, after_frame)):
                painter.drawText(QRect(frame.left(), 0, frame.width(), CAPTION),
                                 Qt.AlignmentFlag.AlignCenter, caption)
        painter.end()

    def _paint_image(self, painter: QPainter, image: QImage | None, frame: QRect,
                     scale: float) -> None:
        if image is None:
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, _("Loading…"))
            return
        painter.drawImage(fitted(frame, image.size(), scale), image)

    def _paint_slider(self, painter: QPainter, frame: QRect, scale: float) -> None:
        if self.before is None or self.after is None:
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, _("Loading…"))
            return
        after = fitted(frame, self.after.size(), scale)
        before = fitted(frame, self.before.size(), scale)
        left = min(before.left(), after.left())
        right = max(before.right(), after.right())
        x = left + (right - left) * self.divider
        painter.drawImage(after, self.after)
        painter.save()
        painter.setClipRect(QRectF(left, frame.top(), x - left, frame.height()))
        painter.drawImage(before, self.before)
        painter.restore()
        pen = QPen(colours.colour("accent", self.palette()))
        pen.setWidth(3)
        painter.setPen(pen)
        painter.drawLine(QPoint(round(x), frame.top()), QPoint(round(x), frame.bottom()))

    def divider_at(self, x: float) -> float:
        frame = self.frames()[0]
        sizes = self._sizes()
        if len(sizes) < 2:
            return self.divider
        scale = common_scale(frame.size(), *sizes)
        rects = [fitted(frame, size, scale) for size in sizes]
        left = min(r.left() for r in rects)
        right = max(r.right() for r in rects)
        return (x - left) / (right - left) if right > left else self.divider

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.mode == SLIDER:
            self.dividerMoved.emit(min(max(self.divider_at(event.position().x()), 0.0), 1.0))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.mode == SLIDER and event.buttons() & Qt.MouseButton.LeftButton:
            self.dividerMoved.emit(min(max(self.divider_at(event.position().x()), 0.0), 1.0))


class CompareDialog(QDialog):
    """``photos``: the series (one area and view) by date; ``describe`` names a photograph
    in a list ("2026-11-02, session 3")."""

    imageWanted = Signal(int)        # a photo id whose image the view needs
    sheetRequested = Signal(int, int)  # before, after

    def __init__(self, title: str, photos: list[PhotoInfo], before_id: int, after_id: int,
                 describe: Callable[[PhotoInfo], str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Compare: {series}").format(series=title))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(980, 680)
        self.photos = {photo.id: photo for photo in photos}
        self.describe = describe
        self.images: dict[int, QImage] = {}
        self.asked: set[int] = set()  # images asked for, each once
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.before_box, self.after_box = QComboBox(), QComboBox()
        self.before_box.setAccessibleName(_("Before photograph"))
        self.after_box.setAccessibleName(_("After photograph"))
        for box, chosen in ((self.before_box, before_id), (self.after_box, after_id)):
            for photo in photos:
                box.addItem(describe(photo), photo.id)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.currentIndexChanged.connect(self._chosen)
        row.addWidget(self.before_box, 1)
        row.addWidget(plain_label(_("After:"), wrap=False))
        row.addWidget(self.after_box, 1)
        form.addRow(_("Before:"), row)
        layout.addLayout(form)

        modes = QHBoxLayout()
        self.side_by_side = QRadioButton(_("Side by side"))
        self.slider_mode = QRadioButton(_("Slider"))
        self.side_by_side.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.side_by_side, self.slider_mode):
            group.addButton(button)
            modes.addWidget(button)
        self.divider = QSlider(Qt.Orientation.Horizontal)
        self.divider.setAccessibleName(_("Divider between before and after"))
        self.divider.setRange(0, 1000)
        self.divider.setValue(500)
        self.divider.setEnabled(False)
        modes.addWidget(self.divider, 1)
        layout.addLayout(modes)
        self.view = ComparisonView()
        layout.addWidget(self.view, 1)
        self.message = plain_label()
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sheet_button = buttons.addButton(_("Print comparison sheet…"),
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.sheet_button.setToolTip(_("A PDF for the patient, in their language, with the "
                                       "two photographs"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.slider_mode.toggled.connect(self._mode_changed)
        self.divider.valueChanged.connect(lambda value: self.view.set_divider(value / 1000))
        self.view.dividerMoved.connect(lambda value: self.divider.setValue(round(value * 1000)))
        self.sheet_button.clicked.connect(
            lambda: self.sheetRequested.emit(*self.pair()))

    def start(self) -> None:
        """Ask for the two images (once the dialog's requests are connected)."""
        self._chosen()

    def pair(self) -> tuple[int, int]:
        return self.before_box.currentData(), self.after_box.currentData()

    def mode(self) -> str:
        return SLIDER if self.slider_mode.isChecked() else SIDE_BY_SIDE

    def _mode_changed(self) -> None:
        self.view.set_mode(self.mode())
        self.divider.setEnabled(self.mode() == SLIDER)

    def _chosen(self, *_args: object) -> None:
        before, after = self.pair()
        first, second = self.photos[before], self.photos[after]
        reversed_ = (first.taken_on, first.id) > (second.taken_on, second.id)
        self.sheet_button.setEnabled(before != after and not reversed_)
        if before == after:
            self.show_problem(_("Choose two different photographs."))
        elif reversed_:
            self.show_problem(_("The photograph chosen as before was taken after the other: "
                                "choose the earlier one as before for the comparison sheet."))
        else:
            self.message.hide()
        self.view.captions = tuple(
            label.format(photo=self.describe(self.photos[photo_id]))
            for label, photo_id in ((_("Before: {photo}"), before), (_("After: {photo}"), after)))
        self.view.before = self.images.get(before)
        self.view.after = self.images.get(after)
        self.view.update()
        for photo_id in (before, after):
            if photo_id not in self.images and photo_id not in self.asked:
                self.asked.add(photo_id)
                self.imageWanted.emit(photo_id)

    def set_image(self, photo_id: int, data: bytes) -> None:
        image = QImage()
        if not image.loadFromData(data, "JPEG"):  # named: see PhotosPanel.set_thumbnails
            self.show_problem(_("A photograph could not be shown: its image data is not "
                                "readable."))
            return
        self.images[photo_id] = image
        self._chosen()

    def show_problem(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {colours.css('error', self.palette())}")
        self.message.setText(text)
        self.message.show()

    def show_message(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.message.show()
