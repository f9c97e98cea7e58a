"""Thin Qt item models over the record repositories (napari's habit).

``PatientTableModel`` never holds more than the pages the view has asked for: the first
page of a search arrives in the background, and ``canFetchMore``/``fetchMore`` bring the
next page when the view scrolls to the end. With 100,000 patients the model holds a
hundred rows until someone scrolls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTableView

from mesodesk.domain.dates import age_on
from mesodesk.i18n import _, current_language
from mesodesk.ui.icons import icon
from mesodesk.ui.labels import CONSULTATION_STATUS, CONSULTATION_STATUS_ICON

if TYPE_CHECKING:
    from mesodesk.domain.records import ConsultationRecord, PatientRecord
    from mesodesk.ui.workers import Runner


class PatientSource(Protocol):
    """What the patient list searches: the store's patient repository."""

    def search(self, text: str = "", *, limit: int = 100, offset: int = 0,
               language: str = "en") -> list[PatientRecord]: ...

    def count(self, text: str = "") -> int: ...


Index = QModelIndex | QPersistentModelIndex
_PATIENT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                            Qt.ItemDataRole.UserRole, Qt.ItemDataRole.DecorationRole})


def age_in_years(born: dt.date, on: dt.date | None = None) -> int:
    return age_on(born, on or dt.date.today())


class _RowsModel(QAbstractTableModel):
    """A flat table over a Python list ``_rows`` with fixed column ``_headers``."""

    _rows: list
    _headers: list[str]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class PatientTableModel(_RowsModel):
    """Patients matching the search text, fetched a page at a time."""

    # A page fills a tall list (about 35 rows at 1080 pixels); the view fetches more as it
    # scrolls, or at once when a page does not fill it. Each keystroke reads one page.
    PAGE_SIZE = 50
    NAME, BORN, AGE, PHONE = range(4)

    loaded = Signal()          # a page arrived (the first page of a search, or one more)
    countChanged = Signal(int)  # how many patients match in all
    failed = Signal(str)

    def __init__(self, runner: Runner | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = runner
        self._source: PatientSource | None = None
        self._rows: list[PatientRecord] = []
        self._today = dt.date.today()
        self._text = ""
        self._generation = 0
        self._more = False
        self._loading = False
        self._searched = False
        self.total: int | None = None
        self._headers = [_("Name"), _("Date of birth"), _("Age"), _("Phone")]

    # -- the source ----------------------------------------------------------------------
    def set_source(self, source: PatientSource | None) -> None:
        self._source = source
        self.refresh()

    def show_first_page(self, rows: list[PatientRecord] | None) -> None:
        """The first page read before the database opened (``ui.session.first_page``),
        shown until the database's own search answers; nothing more is fetched till then."""
        if rows is None or self._source is not None or self._text:
            return  # the database answered first, or a search was typed meanwhile
        self.beginResetModel()
        self._today = dt.date.today()
        self._rows = list(rows)
        self.endResetModel()
        self.loaded.emit()

    @property
    def filter_text(self) -> str:
        return self._text

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def searched(self) -> bool:
        """True once the current search has answered (so an empty list means no match)."""
        return self._searched

    def set_filter(self, text: str) -> None:
        text = text.strip()
        if text == self._text and self._searched:
            return
        self._text = text
        self.refresh()

    def refresh(self) -> None:
        """Search again from the first page; the old rows stay until the new ones arrive."""
        self._generation += 1
        self._more = False
        self._searched = False
        if self._source is None:
            return
        self._request(0)

    def _request(self, offset: int) -> None:
        generation, text, source = self._generation, self._text, self._source
        language = current_language()
        assert source is not None
        self._loading = True

        def work() -> list[PatientRecord] | None:
            if generation != self._generation:
                return None  # a newer keystroke made this search pointless
            # in the order a reader of the app's language expects (Greek: Greek names first)
            return source.search(text, limit=self.PAGE_SIZE, offset=offset, language=language)

        def arrived(rows: list[PatientRecord] | None) -> None:
            self._arrived(generation, offset, rows)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
                self._searched = True
                self.failed.emit(str(error))

        if self._runner is None:
            try:
                arrived(work())
            except Exception as error:  # noqa: BLE001 - reported through the signal
                failed(error)
        else:
            self._runner.submit(work, on_done=arrived, on_error=failed)

    def _arrived(self, generation: int, offset: int, rows: list[PatientRecord] | None) -> None:
        if generation != self._generation or rows is None:
            return
        self._loading = False
        self._more = len(rows) == self.PAGE_SIZE
        if offset == 0:
            self.beginResetModel()
            self._today = dt.date.today()  # ages as of the search (date.today() is not free)
            self._rows = list(rows)
            self.endResetModel()
            self._searched = True
            self._update_count(generation)
        elif rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit()

    def _update_count(self, generation: int) -> None:
        if not self._more:
            self._set_total(len(self._rows))
            return
        source, text = self._source, self._text
        assert source is not None

        def work() -> int | None:
            return source.count(text) if generation == self._generation else None

        def arrived(total: int | None) -> None:
            if total is not None and generation == self._generation:
                self._set_total(total)

        if self._runner is None:
            arrived(work())
        else:
            self._runner.submit(work, on_done=arrived, on_error=lambda error: None)

    def _set_total(self, total: int) -> None:
        self.total = total
        self.countChanged.emit(total)

    # -- fetching more as the view scrolls -------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    # -- Qt's model interface ------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks about every role of every visible cell at each keystroke: the
        # roles this model never answers are turned away before anything is looked up.
        if role not in _PATIENT_ROLES or not index.isValid() or index.row() >= len(self._rows):
            return None
        patient = self._rows[index.row()]
        column = index.column()
        if patient.damaged:
            return self._damaged_data(patient, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return patient.name
            if column == self.BORN:
                return patient.date_of_birth.isoformat()
            if column == self.AGE:
                return str(age_on(patient.date_of_birth, self._today))
            if column == self.PHONE:
                return patient.phone or ""
        elif role == Qt.ItemDataRole.ToolTipRole:
            parts = [patient.name, patient.phone or "", patient.email or ""]
            return "\n".join(part for part in parts if part)
        elif role == Qt.ItemDataRole.UserRole:
            return patient
        return None

    def _damaged_data(self, patient: PatientRecord, column: int, role: int) -> Any:
        """A record whose stored values no longer parse: named, marked, not opened."""
        if role == Qt.ItemDataRole.DisplayRole:
            return {self.NAME: patient.name, self.BORN: _("damaged")}.get(column, "")
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return icon("status-blocked")
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("This patient's record is damaged ({columns} cannot be read). Run "
                     "`mesodesk audit verify` to see every problem, and restore the latest "
                     "backup.").format(columns=", ".join(patient.damaged))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()
        patient = self._rows[row] if 0 <= row < len(self._rows) else None
        if patient is not None and patient.damaged:
            return Qt.ItemFlag.ItemIsEnabled  # shown, but not opened: its values are wrong
        return super().flags(index)

    def patient(self, row: int) -> PatientRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, patient_id: int) -> int | None:
        for row, patient in enumerate(self._rows):
            if patient.id == patient_id:
                return row
        return None


class ConsultationHistoryModel(_RowsModel):
    """A patient's consultations, newest first: date, concerns, status, signed consent."""

    DATE, CONCERNS, STATUS, CONSENT = range(4)

    def __init__(self, concern_name: Callable[[str], str] = str, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[ConsultationRecord] = []
        self._dates: dict[int, str] = {}  # each consultation's date, for the links above
        self._concern_name = concern_name
        self._headers = [_("Date"), _("Concerns"), _("Status"), _("Consent")]

    def set_concern_namer(self, concern_name: Callable[[str], str]) -> None:
        self._concern_name = concern_name
        if self._rows:
            self.dataChanged.emit(self.index(0, self.CONCERNS),
                                  self.index(len(self._rows) - 1, self.CONCERNS))

    def set_records(self, records: list[ConsultationRecord]) -> None:
        self.beginResetModel()
        self._rows = list(records)
        self._dates = {row.id: row.date.isoformat() for row in self._rows}
        self.endResetModel()

    def record(self, row: int) -> ConsultationRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def status_text(self, record: ConsultationRecord) -> str:
        """The status, and the link between a correction and the version it corrects."""
        text = _(CONSULTATION_STATUS[record.status])
        if record.supersedes is not None:
            text += " · " + _("corrects the version of {date}").format(
                date=self._dates.get(record.supersedes, "?"))
        if record.superseded_by is not None:
            text += " · " + _("corrected by a newer version")
        return text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.DATE:
                return record.date.isoformat()
            if column == self.CONCERNS:
                return ", ".join(self._concern_name(c) for c in record.concerns)
            if column == self.STATUS:
                return self.status_text(record)
            if column == self.CONSENT:
                return _("Signed") if record.has_signed_consent else "—"
        elif role == Qt.ItemDataRole.DecorationRole:
            if column == self.STATUS:
                return icon(CONSULTATION_STATUS_ICON[record.status])
            if column == self.CONSENT and record.has_signed_consent:
                return icon("signed")
        elif role == Qt.ItemDataRole.ToolTipRole:
            if record.has_signed_consent:
                return _("Double-click to open the signed consent (PDF)")
            if record.status == "draft":
                return _("Double-click to continue this consultation")
            return _("Double-click to preview the plan")
        elif role == Qt.ItemDataRole.UserRole:
            return record
        return None


def set_patient_columns(table: QTableView, row_height: int, phone_width: int) -> None:
    """The patient tables' look (the main list, the wizard's matches): the name takes the
    room left by fixed date-of-birth, age and phone columns; no grid, one line a row."""
    table.setShowGrid(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(PatientTableModel.NAME, QHeaderView.ResizeMode.Stretch)
    for column, width in ((PatientTableModel.BORN, 100), (PatientTableModel.AGE, 48),
                          (PatientTableModel.PHONE, phone_width)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        # never narrower than its title (Greek titles are longer than the English ones)
        header.resizeSection(column, max(width, header.sectionSizeFromContents(column).width()))
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
