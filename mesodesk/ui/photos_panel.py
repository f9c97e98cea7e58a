"""The patient's photographs in the patient pane: the photo consent with Give and Withdraw,
Add, Compare, and a timeline per area and view.

Nothing here reads the database: ``mesodesk.ui.photo_actions`` loads what is shown. The
panel asks for data only while it is on screen: ``shown`` when it appears (the
photographs' metadata, never image data), then ``thumbnailsWanted`` with the photographs
whose thumbnails come into view as the timeline is scrolled, each asked for once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mesodesk.i18n import _, ngettext
from mesodesk.ui.labels import PHOTO_VIEWS
from mesodesk.ui.widgets import hint_label, plain_label

if TYPE_CHECKING:
    from mesodesk.domain.photos import PhotoConsentState, PhotoInfo

THUMBNAIL = QSize(128, 128)
PHOTO_ID = Qt.ItemDataRole.UserRole


def consent_text(state: PhotoConsentState | None) -> str:
    """"In force since …", "withdrawn on …" or "not given"."""
    if state is None:
        return _("Photo consent: …")
    if state.in_force and state.since is not None:
        return _("Photo consent: in force since {date}").format(date=state.since.isoformat())
    withdrawn = [event for event in state.events if not event.given]
    if withdrawn:
        return _("Photo consent: withdrawn on {date}").format(date=withdrawn[-1].on.isoformat())
    return _("Photo consent: not given")


class PhotosPanel(QWidget):
    shown = Signal()                    # the panel came on screen
    giveRequested = Signal()
    withdrawRequested = Signal()
    addRequested = Signal()
    compareRequested = Signal(int, int)  # two photographs of the series shown
    thumbnailsWanted = Signal(list)      # photograph ids whose thumbnails came into view

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        consent = QHBoxLayout()
        self.consent_label = plain_label(consent_text(None))
        self.consent_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.give_button = QPushButton(_("Give consent…"))
        self.give_button.setAccessibleName(_("Give photo consent"))
        self.withdraw_button = QPushButton(_("Withdraw consent…"))
        self.withdraw_button.setAccessibleName(_("Withdraw photo consent"))
        consent.addWidget(self.consent_label, 1)
        consent.addWidget(self.give_button)
        consent.addWidget(self.withdraw_button)
        layout.addLayout(consent)

        tools = QHBoxLayout()
        self.series = QComboBox()
        self.series.setAccessibleName(_("Area and view"))
        self.series.setMinimumContentsLength(18)
        self.series.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_button = QPushButton(_("Add photographs…"))
        self.compare_button = QPushButton(_("Compare…"))
        self.compare_button.setToolTip(_("Two photographs of the area and view shown, side "
                                         "by side or as a slider; select two to choose them"))
        tools.addWidget(self.series, 1)
        for button in (self.add_button, self.compare_button):
            tools.addWidget(button)
        layout.addLayout(tools)

        self.timeline = QListWidget()
        self.timeline.setAccessibleName(_("Photographs of the area and view"))
        self.timeline.setViewMode(QListView.ViewMode.IconMode)
        self.timeline.setFlow(QListView.Flow.LeftToRight)
        self.timeline.setWrapping(True)
        self.timeline.setResizeMode(QListView.ResizeMode.Adjust)
        self.timeline.setMovement(QListView.Movement.Static)
        self.timeline.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.timeline.setIconSize(THUMBNAIL)
        self.timeline.setGridSize(QSize(THUMBNAIL.width() + 52, THUMBNAIL.height() + 60))
        self.timeline.setWordWrap(True)  # "before the course" in Greek takes two lines
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.timeline, 1)
        self.message = hint_label()
        layout.addWidget(self.message)

        self.state: PhotoConsentState | None = None
        self.groups: dict[tuple[str, str], list[PhotoInfo]] = {}
        self.series_names: dict[tuple[str, str], str] = {}
        self.session_names: dict[int, str] = {}
        self.thumbnails: dict[int, QPixmap] = {}  # photo id -> its thumbnail, once read
        self.requested: set[int] = set()          # thumbnails asked for (each once)
        self.loaded = False                       # the shown patient's photographs are here
        self._placeholder = self._blank()
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(0)
        self._check_timer.timeout.connect(self._ask_for_visible)

        self.give_button.clicked.connect(self.giveRequested)
        self.withdraw_button.clicked.connect(self.withdrawRequested)
        self.add_button.clicked.connect(self.addRequested)
        self.compare_button.clicked.connect(self._compare)
        self.series.currentIndexChanged.connect(self._show_series)
        self.timeline.verticalScrollBar().valueChanged.connect(self._check_timer.start)
        self.timeline.itemSelectionChanged.connect(self._update_buttons)
        self.clear()

    def _blank(self) -> QPixmap:
        """The square shown while a thumbnail is read: the palette's own mid tone."""
        pixmap = QPixmap(THUMBNAIL)
        pixmap.fill(self.palette().color(QPalette.ColorRole.Mid))
        return pixmap

    # -- the patient's data ----------------------------------------------------------------
    def clear(self) -> None:
        """Another patient: nothing of the last one stays, nothing is read yet."""
        self.state = None
        self.groups, self.series_names, self.session_names = {}, {}, {}
        self.thumbnails.clear()
        self.requested.clear()
        self.loaded = False
        self.consent_label.setText(consent_text(None))
        self.series.clear()
        self.timeline.clear()
        self.message.setText(_("Loading the photographs…"))
        self._update_buttons()

    def show_photos(self, state: PhotoConsentState,
                    groups: dict[tuple[str, str], list[PhotoInfo]],
                    series_names: dict[tuple[str, str], str],
                    session_names: dict[int, str]) -> None:
        """The consent and the photographs' metadata (read again after a change: the
        thumbnails already read are kept, those of deleted photographs dropped)."""
        self.state = state
        self.groups, self.series_names, self.session_names = groups, series_names, session_names
        kept = {photo.id for photos in groups.values() for photo in photos}
        self.thumbnails = {key: value for key, value in self.thumbnails.items() if key in kept}
        self.requested &= set(self.thumbnails)
        self.loaded = True
        self.consent_label.setText(consent_text(state))
        shown = self.current_series()
        self.series.blockSignals(True)
        self.series.clear()
        for key in sorted(groups, key=lambda k: series_names.get(k, str(k))):
            count = len(groups[key])
            self.series.addItem(ngettext("{name} ({count} photograph)",
                                         "{name} ({count} photographs)", count).format(
                name=series_names.get(key, " ".join(key)), count=count), key)
        index = next((i for i in range(self.series.count())
                      if self.series.itemData(i) == shown), 0)
        self.series.setCurrentIndex(index)
        self.series.blockSignals(False)
        self._show_series()
        total = sum(len(photos) for photos in groups.values())
        if total:
            self.message.setText(ngettext("{count} photograph kept.",
                                          "{count} photographs kept.", total).format(count=total))
        elif state.in_force:
            self.message.setText(_("No photograph yet. Add photographs, or drop image files "
                                   "on the patient or on a session of the course."))
        else:
            self.message.setText(_("Photographs can be added once the patient's photo consent "
                                   "is given."))

    def show_failure(self, text: str) -> None:
        self.message.setText(_("The photographs could not be loaded: {reason}").format(
            reason=text))

    def current_series(self) -> tuple[str, str] | None:
        data = self.series.currentData()
        return tuple(data) if data is not None else None

    def shown_photos(self) -> list[PhotoInfo]:
        key = self.current_series()
        return list(self.groups.get(key, [])) if key is not None else []

    def _show_series(self, *_args: Any) -> None:
        self.timeline.clear()
        for photo in self.shown_photos():
            item = QListWidgetItem(self.thumbnails.get(photo.id, self._placeholder),
                                   self._caption(photo))
            item.setData(PHOTO_ID, photo.id)
            item.setToolTip(_("{view}, taken on {date}, {session}; {width}×{height} px").format(
                view=_(PHOTO_VIEWS.get(photo.view, photo.view)), date=photo.taken_on.isoformat(),
                session=self.session_name(photo.session_id), width=photo.width,
                height=photo.height))
            self.timeline.addItem(item)
        self._update_buttons()
        self._check_timer.start()

    def session_name(self, session_id: int | None) -> str:
        if session_id is None:
            return _("before the course")
        return self.session_names.get(session_id, _("a session"))

    def _caption(self, photo: PhotoInfo) -> str:
        return f"{photo.taken_on.isoformat()}\n{self.session_name(photo.session_id)}"

    # -- thumbnails, as they come into view --------------------------------------------------
    def visible_ids(self) -> list[int]:
        """The photographs whose place in the timeline is on screen now."""
        if not self.timeline.isVisible():
            return []
        area = self.timeline.viewport().rect()
        ids = []
        for row in range(self.timeline.count()):
            item = self.timeline.item(row)
            if self.timeline.visualItemRect(item).intersects(area):
                ids.append(item.data(PHOTO_ID))
        return ids

    def _ask_for_visible(self) -> None:
        wanted = [photo_id for photo_id in self.visible_ids() if photo_id not in self.requested]
        if wanted:
            self.requested.update(wanted)
            self.thumbnailsWanted.emit(wanted)

    def set_thumbnails(self, found: dict[int, bytes]) -> None:
        """Thumbnails read (JPEG bytes by photo id) go to their places in the timeline."""
        for photo_id, data in found.items():
            pixmap = QPixmap()
            # The format named: once the app's Qt translator is installed (Greek), Qt's
            # guess of the format takes a JPEG for a TGA image and reads nothing.
            if data and pixmap.loadFromData(data, "JPEG"):
                self.thumbnails[photo_id] = pixmap
        for row in range(self.timeline.count()):
            item = self.timeline.item(row)
            pixmap = self.thumbnails.get(item.data(PHOTO_ID))
            if pixmap is not None:
                item.setIcon(pixmap)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.shown.emit()
        self._check_timer.start()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._check_timer.start()

    # -- buttons ---------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        in_force = self.state is not None and self.state.in_force
        self.give_button.setEnabled(self.state is not None and not in_force)
        self.withdraw_button.setEnabled(in_force)
        self.add_button.setEnabled(self.state is not None)
        self.compare_button.setEnabled(len(self.shown_photos()) >= 2)

    def compare_pair(self) -> tuple[int, int] | None:
        """The two photographs to compare: the two selected (older first), else the
        series' first and last."""
        photos = self.shown_photos()
        if len(photos) < 2:
            return None
        selected = {item.data(PHOTO_ID) for item in self.timeline.selectedItems()}
        chosen = [photo for photo in photos if photo.id in selected]
        pair = chosen if len(chosen) == 2 else [photos[0], photos[-1]]
        pair.sort(key=lambda photo: (photo.taken_on, photo.id))
        return pair[0].id, pair[1].id

    def _compare(self) -> None:
        pair = self.compare_pair()
        if pair is not None:
            self.compareRequested.emit(*pair)
