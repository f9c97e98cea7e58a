"""A signature pad: drawn with a mouse, a pen or a finger, or a typed name (for a patient
who cannot draw one, reachable by keyboard); saved as a PNG."""

from __future__ import annotations

import base64

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from mesodesk.i18n import _
from mesodesk.ui.icons import icon
from mesodesk.ui.widgets import plain_label

INK = QColor("#0d2a6b")
PNG_SIZE = QSize(900, 300)


class SignaturePad(QWidget):
    """Strokes are kept in coordinates relative to the pad (0..1), so a resize keeps them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.strokes: list[list[QPointF]] = []
        self.typed = ""  # a name typed instead of drawn
        self._drawing = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setMinimumSize(260, 96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(118)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(_("Sign with the mouse, a pen or a finger"))
        self.setAccessibleName(_("Signature pad"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(420, 118)

    # -- state ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self.typed and not any(len(stroke) > 1 for stroke in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self.typed = ""
        self._drawing = False
        self.update()
        self.changed.emit()

    def set_typed(self, name: str) -> None:
        """Sign with a typed name instead of a drawn one (what was drawn is replaced)."""
        self.strokes = []
        self.typed = " ".join(name.split())
        self.update()
        self.changed.emit()

    def copy_from(self, other: SignaturePad) -> None:
        self.strokes = [list(stroke) for stroke in other.strokes]
        self.typed = other.typed
        self.update()
        self.changed.emit()

    def _relative(self, point: QPointF) -> QPointF:
        width, height = max(1, self.width()), max(1, self.height())
        return QPointF(min(max(point.x() / width, 0.0), 1.0), min(max(point.y() / height, 0.0), 1.0))

    def _begin(self, point: QPointF) -> None:
        self.typed = ""  # drawing replaces a typed name
        self._drawing = True
        self.strokes.append([self._relative(point)])
        self.update()

    def _extend(self, point: QPointF) -> None:
        if not self._drawing or not self.strokes:
            return
        self.strokes[-1].append(self._relative(point))
        self.update()

    def _end(self, point: QPointF | None = None) -> None:
        if not self._drawing:
            return
        if point is not None:
            self._extend(point)
        self._drawing = False
        if self.strokes and len(self.strokes[-1]) < 2:
            # A tap leaves a dot: draw it as a tiny stroke so it shows and counts.
            start = self.strokes[-1][0]
            self.strokes[-1].append(QPointF(start.x() + 0.002, start.y()))
        self.changed.emit()

    # -- input: mouse, pen, touch ------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._end(position)
            event.accept()
            return True
        return super().event(event)

    # -- drawing -----------------------------------------------------------------------------
    def _paint_strokes(self, painter: QPainter, size: QSize, width: float) -> None:
        pen = QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        if self.typed:
            self._paint_typed(painter, size)
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in self.strokes:
            if not stroke:
                continue
            path = QPainterPath(QPointF(stroke[0].x() * size.width(), stroke[0].y() * size.height()))
            for point in stroke[1:]:
                path.lineTo(point.x() * size.width(), point.y() * size.height())
            painter.drawPath(path)

    def _paint_typed(self, painter: QPainter, size: QSize) -> None:
        """The typed name in italics, as large as fits, standing on the pad's line."""
        font = QFont(self.font())
        font.setItalic(True)
        font.setPixelSize(max(8, int(size.height() * 0.4)))
        painter.setFont(font)
        box = QRectF(size.width() * 0.05, 0, size.width() * 0.9, size.height() * 0.74)
        width = painter.fontMetrics().horizontalAdvance(self.typed)
        if width > box.width():
            font.setPixelSize(max(8, int(font.pixelSize() * box.width() / width)))
            painter.setFont(font)
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, self.typed)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(frame, 4, 4)
        baseline = self.height() * 0.74
        painter.setPen(QPen(QColor("#b0bec5"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(18, baseline), QPointF(self.width() - 18, baseline))
        painter.setPen(QColor("#90a4ae"))
        painter.drawText(QPointF(8, baseline - 4), "×")
        if self.is_empty() and not self.strokes:
            painter.setPen(QColor("#90a4ae"))
            painter.drawText(self.rect().adjusted(0, 0, 0, -int(self.height() * 0.35)),
                             Qt.AlignmentFlag.AlignCenter, _("Sign here"))
        self._paint_strokes(painter, self.size(), 2.2)
        painter.end()

    def to_png(self, size: QSize = PNG_SIZE) -> bytes:
        """The signature as a PNG with a transparent background."""
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_strokes(painter, size, 5.0)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data)

    def to_base64(self) -> str:
        return base64.b64encode(self.to_png()).decode("ascii")


class SignatureBox(QWidget):
    """A caption, the pad and its Clear button."""

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = plain_label(caption)
        self.caption.setStyleSheet("font-weight: bold;")
        self.pad = SignaturePad()
        self.clear_button = QPushButton(icon("clear"), _("Clear"))
        self.clear_button.setToolTip(_("Erase this signature and sign again"))
        self.clear_button.clicked.connect(self.pad.clear)
        self.clear_button.setEnabled(False)
        self.pad.changed.connect(lambda: self.clear_button.setEnabled(not self.pad.is_empty()))
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.pad)
