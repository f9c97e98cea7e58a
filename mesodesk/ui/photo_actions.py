"""The photographs in the patient pane, wired to the services (``services.photos``): the
photo consent given and withdrawn, photographs added (files, drops on the patient or on a
session), the timeline read while it is on screen, comparisons and the comparison sheet.

Everything runs as named operations (``ui.operations``) off the GUI thread; a change is
announced through ``recordsChanged``, from which the panel reads the patient again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from mesodesk.i18n import _, ngettext
from mesodesk.services import Blocked, ServiceError
from mesodesk.ui.labels import PHOTO_VIEWS, area_label, local
from mesodesk.ui.operations import RecordsChange
from mesodesk.ui.photo_compare import CompareDialog
from mesodesk.ui.photo_consent import GiveConsentDialog, withdraw_box
from mesodesk.ui.photo_import import PhotoChoice, PhotoImportDialog, choose_image_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from mesodesk.domain.photos import PhotoInfo
    from mesodesk.domain.session import SessionRecord
    from mesodesk.ui.patient_detail import PatientDetailPane


def _photos() -> Any:
    from mesodesk.services import photos  # Pillow: not at start-up

    return photos


# -- work on the database thread ----------------------------------------------------------
def read_overview(db: Any, patient_id: int) -> tuple[Any, dict, list[SessionRecord]]:
    """The consent, the timeline (metadata only, never image data) and the sessions (a
    corrected one too: a photograph may belong to it)."""
    photos = _photos()
    sessions = db.sessions.for_patient(patient_id)
    return photos.photo_consent(db, patient_id), photos.timeline(db, patient_id), sessions


def read_for_adding(db: Any, patient_id: int) -> tuple[Any, list[SessionRecord]]:
    sessions = [record for record in db.sessions.for_patient(patient_id) if record.in_force]
    return _photos().photo_consent(db, patient_id), sessions


def read_thumbnails(db: Any, photo_ids: list[int]) -> dict[int, bytes]:
    found = {}
    for photo_id in photo_ids:
        try:
            found[photo_id] = _photos().thumbnail_bytes(db, photo_id)
        except ServiceError:  # deleted since the timeline was read
            continue
    return found


def add_files(db: Any, kb: Any, patient_id: int, paths: list[str], choice: PhotoChoice,
              actor: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Each file added with the same tags; a refused file is named with its reason (without
    photo consent nothing is added: that refusal is raised at once)."""
    added, failures = [], []
    for path in paths:
        try:
            _photos().add_photo(db, patient_id, path, area=choice.area, view=choice.view,
                                session_id=choice.session_id, taken_on=choice.taken_on,
                                actor=actor, kb=kb)
        except Blocked:
            raise
        except ServiceError as error:
            failures.append((path, str(error)))
        else:
            added.append(path)
    return added, failures


class PhotoActions(QObject):
    def __init__(self, window: Any, detail: PatientDetailPane):
        """``window``: the main window (its session, operations and status bar)."""
        super().__init__(window)
        self.window = window
        self.panel = detail.photos
        self.patient: Any = None
        self.stale = True
        self.sessions: list[SessionRecord] = []
        self._generation = 0
        self.import_dialog: PhotoImportDialog | None = None
        self.give_dialog: GiveConsentDialog | None = None
        self.withdraw_box: QMessageBox | None = None
        self.refusal_box: QMessageBox | None = None
        self.compare_dialog: CompareDialog | None = None
        self.preview: Any = None
        panel = self.panel
        panel.shown.connect(self._shown)
        panel.giveRequested.connect(self.give_consent)
        panel.withdrawRequested.connect(self.withdraw_consent)
        panel.addRequested.connect(self.add_from_files)
        panel.compareRequested.connect(self.compare)
        panel.thumbnailsWanted.connect(self._read_thumbnails)
        detail.patientShown.connect(self._patient_shown)
        detail.photosDropped.connect(lambda paths: self.add_photos(paths))
        detail.course.photosDropped.connect(
            lambda paths, session_id: self.add_photos(paths, session_id=session_id))
        window.ops.recordsChanged.connect(self._records_changed)

    # -- what is shown -----------------------------------------------------------------------
    def _patient_shown(self, patient: Any) -> None:
        before = self.patient.id if self.patient is not None else None
        self.patient = patient
        if patient is None or patient.id != before:
            self.panel.clear()
            self.stale = True
            self._load_if_shown()

    def _records_changed(self, change: RecordsChange) -> None:
        if change.settings or self.patient is None:
            return
        if change.patient_id is None or change.patient_id == self.patient.id:
            self.stale = True
            self._load_if_shown()

    def _shown(self) -> None:
        self._load_if_shown()

    def _load_if_shown(self) -> None:
        """Read the patient's photographs, only while the panel is on screen."""
        session = self.window.session
        if self.patient is None or session is None or not self.stale or not self.panel.isVisible():
            return
        self.stale = False
        self._generation += 1
        generation, patient_id = self._generation, self.patient.id

        def done(result: tuple) -> None:
            if generation != self._generation or self.patient is None \
                    or self.patient.id != patient_id:
                return
            state, groups, self.sessions = result
            kb = self.window.session.kb if self.window.session is not None else None
            names = {key: self.series_name(kb, *key) for key in groups}
            self.panel.show_photos(state, groups, names, self.session_names(kb, self.sessions))

        def failed(error: BaseException) -> None:
            self.stale = True
            self.panel.show_failure(str(error))

        self.window.ops.query(_("Read the photographs"), read_overview, session.db, patient_id,
                              on_done=done, on_error=failed)

    @staticmethod
    def series_name(kb: Any, area: str, view: str) -> str:
        return _("{area}, {view}").format(area=area_label(kb, area),
                                          view=_(PHOTO_VIEWS.get(view, view)))

    @staticmethod
    def session_names(kb: Any, sessions: list[SessionRecord], dated: bool = False
                      ) -> dict[int, str]:
        """"session 2" (with ``dated``: "session 2, 2026-11-09"), led by the concern's
        name when the patient has sessions of several concerns."""
        concerns = getattr(kb, "concerns", None) or {}
        several = len({record.session.concern for record in sessions}) > 1
        names = {}
        for record in sessions:
            text = (_("session {number}, {date}").format(number=record.session.number,
                                                         date=record.session.date.isoformat())
                    if dated else _("session {number}").format(number=record.session.number))
            concern = record.session.concern
            if several:
                text = f"{local(concerns[concern].name) if concern in concerns else concern}: {text}"
            names[record.id] = text
        return names

    def _read_thumbnails(self, photo_ids: list[int]) -> None:
        session, patient = self.window.session, self.patient
        if session is None or patient is None:
            return

        def done(found: dict[int, bytes]) -> None:
            if self.patient is not None and self.patient.id == patient.id:
                self.panel.set_thumbnails(found)

        self.window.ops.query(_("Read the thumbnails"), read_thumbnails, session.db,
                              photo_ids, on_done=done, on_error=self._failed)

    # -- helpers -------------------------------------------------------------------------------
    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def _failed(self, error: BaseException) -> None:
        self.window.statusBar().clearMessage()
        self.window.report_error(error)

    def _shows(self, show: Callable[[str], None]) -> Callable[[BaseException], None]:
        """An error handler: a message for a person in ``show``, a bug to the window."""
        def handler(error: BaseException) -> None:
            if isinstance(error, (ServiceError, OSError)):
                show(str(error))
            else:
                self._failed(error)
        return handler

    def _usable_patient(self) -> Any:
        return self.patient if self.window.usable else None

    # -- the photo consent ---------------------------------------------------------------------
    def give_consent(self) -> None:
        patient = self._usable_patient()
        if patient is None:
            return
        dialog = self.give_dialog = GiveConsentDialog(patient.name, self.window)
        session = self.window.session

        def given(on: Any) -> None:
            def recorded(_state: Any) -> None:
                dialog.accept()
                self._status(_("Photo consent recorded for {name}.").format(name=patient.name))

            self.window.ops.change(
                _("Record the photo consent"), _photos().give_photo_consent, session.db,
                patient.id, on=on, actor=session.actor,
                touched=RecordsChange(patient_id=patient.id), on_done=recorded,
                on_error=self._shows(dialog.show_problem))

        dialog.given.connect(given)
        dialog.open()

    def withdraw_consent(self) -> None:
        patient = self._usable_patient()
        if patient is None:
            return
        session = self.window.session
        self.window.ops.query(_("Count the photographs"), _photos().count_photos, session.db,
                              patient.id, on_done=lambda count: self._confirm_withdrawal(
                                  patient, count), on_error=self._failed)

    def _confirm_withdrawal(self, patient: Any, count: int) -> None:
        box = self.withdraw_box = withdraw_box(self.window, patient.name, count)
        session = self.window.session

        def answered(button: Any) -> None:
            if button is not box.withdraw_button:
                return

            def withdrawn(result: Any) -> None:
                self._status(ngettext(
                    "Photo consent withdrawn; {count} photograph deleted.",
                    "Photo consent withdrawn; {count} photographs deleted.",
                    result.deleted).format(count=result.deleted))

            self.window.ops.change(
                _("Withdraw the photo consent"), _photos().withdraw_photo_consent, session.db,
                patient.id, actor=session.actor, touched=RecordsChange(patient_id=patient.id),
                on_done=withdrawn, on_error=self._shows(self.window.show_problem))

        box.buttonClicked.connect(answered)
        box.open()

    # -- adding photographs ------------------------------------------------------------------
    def add_from_files(self) -> None:
        patient = self._usable_patient()
        if patient is None:
            return
        state = self.panel.state
        if state is not None and not state.in_force:  # said before any file is chosen
            self._refuse(patient.name)
            return
        paths = choose_image_files(self.window)
        if paths:
            self.add_photos(paths)

    def add_photos(self, paths: list[str], session_id: int | None = None) -> None:
        """The import dialog for these files (pre-set to ``session_id``), or the refusal
        when the patient's photo consent is not in force."""
        patient = self._usable_patient()
        if patient is None or not paths:
            return
        session = self.window.session

        def read(result: tuple) -> None:
            state, sessions = result
            if self.patient is None or self.patient.id != patient.id:
                return
            if not state.in_force:
                self._refuse(patient.name)
                return
            self._open_import(patient, paths, sessions, session_id)

        self.window.ops.query(_("Check the photo consent"), read_for_adding, session.db,
                              patient.id, on_done=read, on_error=self._failed)

    def _refuse(self, name: str) -> None:
        box = self.refusal_box = QMessageBox(
            QMessageBox.Icon.Information, _("No photo consent"),
            _("Photographs of {name} cannot be added: their photo consent is not in force. "
              "If they agree, record it first with Give consent… on the Photographs "
              "tab.").format(name=name), QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()

    def _open_import(self, patient: Any, paths: list[str], sessions: list[SessionRecord],
                     session_id: int | None) -> None:
        session = self.window.session
        kb = session.kb
        areas = [(key, area_label(kb, key)) for key in (kb.areas if kb is not None else {})]
        names = self.session_names(kb, sessions, dated=True)
        area = self._area_hint(sessions, session_id)
        dialog = self.import_dialog = PhotoImportDialog(
            paths, areas, [(record.id, names[record.id]) for record in sessions],
            session_id=session_id, area=area, parent=self.window)

        def add(choice: PhotoChoice) -> None:
            def added(outcome: tuple[list[str], list[tuple[str, str]]]) -> None:
                done, failures = outcome
                if failures:
                    dialog.show_outcome(done, failures)
                    return
                dialog.accept()
                self._status(ngettext("{count} photograph added for {name}.",
                                      "{count} photographs added for {name}.",
                                      len(done)).format(count=len(done), name=patient.name))

            self.window.ops.change(
                _("Add the photographs"), add_files, session.db, kb, patient.id,
                list(dialog.paths), choice, session.actor,
                touched=RecordsChange(patient_id=patient.id), on_done=added,
                on_error=self._shows(dialog.show_problem))

        dialog.addRequested.connect(add)
        dialog.open()

    def _area_hint(self, sessions: list[SessionRecord], session_id: int | None) -> str | None:
        """The area to start with: the session's first area, else the series shown."""
        for record in sessions:
            if record.id == session_id and record.session.areas:
                return record.session.areas[0]
        shown = self.panel.current_series()
        return shown[0] if shown else None

    # -- comparing ---------------------------------------------------------------------------
    def compare(self, before_id: int, after_id: int) -> None:
        patient, session = self._usable_patient(), self.window.session
        if patient is None:
            return
        key = self.panel.current_series()
        title = self.panel.series_names.get(key, "") if key else ""
        dialog = self.compare_dialog = CompareDialog(
            title, self.panel.shown_photos(), before_id, after_id, self.describe, self.window)

        def read_image(photo_id: int) -> None:
            self.window.ops.query(_("Read the photograph"), _photos().image_bytes, session.db,
                                  photo_id, on_done=lambda data: dialog.set_image(photo_id, data),
                                  on_error=self._shows(dialog.show_problem))

        dialog.imageWanted.connect(read_image)
        dialog.sheetRequested.connect(
            lambda before, after: self.comparison_sheet(dialog, patient, title, before, after))
        dialog.show()
        dialog.start()

    def describe(self, photo: PhotoInfo) -> str:
        return _("{date}, {session}").format(date=photo.taken_on.isoformat(),
                                              session=self.panel.session_name(photo.session_id))

    def comparison_sheet(self, dialog: CompareDialog, patient: Any, title: str,
                         before_id: int, after_id: int) -> None:
        """The sheet, made by the services (audited as a disclosure; refused without photo
        consent), shown in the PDF preview to print or save."""
        session = self.window.session
        dialog.show_message(_("Preparing the comparison sheet…"))

        def made(pdf: bytes) -> None:
            from mesodesk.ui.preview import PreviewWindow, safe_file_name  # QtPdf

            dialog.message.hide()
            file_name = _("{name} comparison").format(
                name=safe_file_name(patient.name, "photographs"))
            preview = self.preview = PreviewWindow(
                pdf, _("Comparison sheet: {name}, {series}").format(name=patient.name,
                                                                   series=title),
                file_name, self.window.work_runner, self.window)
            preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            self.window.previews.append(preview)
            preview.destroyed.connect(lambda *_a: self.window.previews.remove(preview)
                                      if preview in self.window.previews else None)
            preview.show()

        self.window.ops.query(_("Prepare the comparison sheet"), _photos().comparison_sheet,
                              session.db, session.kb, before_id, after_id, actor=session.actor,
                              destination=_("the app's PDF preview"), on_done=made, on_error=self._shows(dialog.show_problem))
