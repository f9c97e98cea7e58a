"""A clinic for the photograph tests: Ελένη with a signed course and one session done,
with or without photo consent, and photographs made with Pillow (a skin tone, an area
drawn on it, fewer marks as the course goes on)."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from mesodesk.domain.knowledge import default_knowledge
from mesodesk.services import photos, records, sessions
from tests.gui.conftest import TIMEOUT, settle
from tests.gui.test_record_session import START, TODAY, clinic_with_a_course


def photo_bytes(marks: int, seed: int = 1, size: tuple[int, int] = (600, 800),
                kind: str = "JPEG") -> bytes:
    """A made-up photograph of a thigh: ``marks`` dimples on it."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", size, (222, 214, 205))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width * 0.18, height * 0.05, width * 0.82, height * 1.1), fill=(228, 178, 150))
    for _mark in range(marks):
        x = rng.uniform(width * 0.3, width * 0.7)
        y = rng.uniform(height * 0.25, height * 0.9)
        r = rng.uniform(6, 14)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(196, 140, 116))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def photo_file(folder: Path, name: str, marks: int = 30, kind: str = "JPEG") -> str:
    path = folder / name
    path.write_bytes(photo_bytes(marks, seed=len(name), kind=kind))
    return str(path)


def record_sessions(db, kb, consultation_id: int, numbers: range) -> None:
    """Sessions of the weekly course after the first (as ``clinic_with_a_course`` records it)."""
    for number in numbers:
        sessions.record_session(db, kb, sessions.parse_session_text({
            "format": "mesodesk.session/1", "consultation": str(consultation_id),
            "concern": "cellulite", "number": number,
            "date": (START + dt.timedelta(days=7 * (number - 1))).isoformat(),
            "areas": ["thighs"], "patient_weight_kg": 60,
            "products": [
                {"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": "CF0042",
                 "expiry": f"{TODAY.year + 1}-01", "volume_ml": 4}]}))


def clinic_with_photos(db_path: Path, *, consent: bool = True, count: int = 0,
                       series: tuple[str, str] = ("thighs", "front")) -> dict:
    """The course's clinic with its first three sessions done; with photo consent given
    before the course, and ``count`` photographs of one area and view: one before the
    course, then one on each session's day, in turn. Returns the ids."""
    consultation_id = clinic_with_a_course(db_path)
    kb = default_knowledge()
    db = records.open_records(str(db_path))
    try:
        patient_id = db.consultations.get(consultation_id).patient_id
        record_sessions(db, kb, consultation_id, range(2, 4))
        done = sorted(db.sessions.for_patient(patient_id), key=lambda r: r.session.number)
        ids = []
        if consent:
            photos.give_photo_consent(db, patient_id, on=START - dt.timedelta(days=7))
        for number in range(count):
            turn = number % (len(done) + 1)
            made = done[turn - 1] if turn else None
            info = photos.add_photo(db, patient_id, photo_bytes(max(60 - turn * 16, 6), number),
                                    area=series[0], view=series[1],
                                    session_id=made.id if made else None,
                                    taken_on=made.session.date if made
                                    else START - dt.timedelta(days=1), kb=kb)
            ids.append(info.id)
        return {"patient": patient_id, "session": done[0].id, "consultation": consultation_id,
                "photos": ids}
    finally:
        db.close()


def show_patient(qtbot, window) -> None:
    window.search.setText("ελενη")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=TIMEOUT)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 1, timeout=TIMEOUT)
    settle(qtbot, window)


def show_photos(qtbot, window):
    """The Photographs tab, once its data is read."""
    detail = window.detail
    detail.sections.setCurrentWidget(detail.photos)
    qtbot.waitUntil(lambda: detail.photos.loaded, timeout=TIMEOUT)
    settle(qtbot, window)
    return detail.photos


def ask(qtbot, window, work, *args):
    """Run ``work(db, *args)`` on the window's database thread and return its result."""
    answers = []
    window.db_runner.submit(work, window.session.db, *args, on_done=answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=TIMEOUT)
    return answers[0]


def drop_files(widget, paths: list[str], at: QPoint | None = None) -> bool:
    """Drag image files over ``widget`` and drop them, as a file manager does; whether
    the drag was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path) for path in paths])
    where = QPointF(at if at is not None else widget.rect().center())
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(where.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(where, actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()
