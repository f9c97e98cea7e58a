"""Photographs and the photo consent: kept in the database, so they are encrypted with it
and go into its backups.

A photograph is written only while the photo consent is in force (checked again inside the
write transaction, so a withdrawal from another program cannot slip in between). Listing
photographs reads the covering index ``ix_photos_patient`` only: the image columns are
named by ``image`` and ``thumbnail`` alone. Triggers (migration 0008) keep the metadata
unchanged except for the deletion of the image data on withdrawal and a merge's move.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from mesodesk.domain.photos import (
    RECORDED,
    PhotoConsentEvent,
    PhotoConsentState,
    PhotoInfo,
    consent_state,
)
from mesodesk.exit_codes import EXIT_BLOCKED
from mesodesk.store import audit
from mesodesk.store import tables as t
from mesodesk.store.base import InvalidRecord, NotFound, StoreError
from mesodesk.store.repositories import _Repository

PH = t.photos.c
PC = t.photo_consents.c
C = t.consultations.c

# What a list of photographs selects: never the image columns.
LISTED_COLUMNS = tuple(PH[name] for name in t.PHOTO_LISTED)


class NoPhotoConsent(StoreError):
    """The patient's photo consent is not in force."""

    exit_code = EXIT_BLOCKED


def _info(row: Any) -> PhotoInfo:
    return PhotoInfo(id=row.id, patient_id=row.patient_id, area=row.area, view=row.view,
                     session_id=row.session_id, taken_on=row.taken_on, width=row.width,
                     height=row.height, added_at=row.added_at, deleted_at=row.deleted_at)


def _signed_on(row: Any) -> dt.date:
    """The day a consultation was signed: its consent's signature, else its finalizing."""
    when = row.signed_at or row.finalized_at
    return when.date() if when is not None else row.date


def _consultation_gives(connection: Connection, patient_id: int) -> list[PhotoConsentEvent]:
    """A signed consultation whose document says ``photo_consent: true`` gives the consent."""
    s = t.signed_consents.c
    rows = connection.execute(
        select(C.id, C.document, C.date, C.finalized_at, s.signed_at)
        .select_from(t.consultations.outerjoin(t.signed_consents, s.consultation_id == C.id))
        .where(C.patient_id == patient_id, C.status == "final")
        .order_by(C.id))
    events = []
    for row in rows:
        try:
            agreed = json.loads(row.document).get("photo_consent") is True
        except (ValueError, AttributeError):
            agreed = False  # a damaged document gives no consent; audit verify names it
        if agreed:
            events.append(PhotoConsentEvent(given=True, on=_signed_on(row),
                                            source=f"consultation {row.id}", actor="",
                                            at=row.signed_at or row.finalized_at))
    return events


def _consent(connection: Connection, patient_id: int) -> PhotoConsentState:
    recorded = [PhotoConsentEvent(given=bool(row.given), on=row.on_date, source=RECORDED,
                                  actor=row.actor, at=row.recorded_at)
                for row in connection.execute(
                    select(PC.given, PC.on_date, PC.actor, PC.recorded_at)
                    .where(PC.patient_id == patient_id).order_by(PC.id))]
    return consent_state(recorded + _consultation_gives(connection, patient_id))


def _patient_exists(connection: Connection, patient_id: int) -> None:
    found = connection.execute(select(t.patients.c.id)
                               .where(t.patients.c.id == patient_id)).first()
    if found is None:
        raise NotFound(f"there is no patient {patient_id}")


@contextmanager
def _overwriting_freed_pages(connection: Connection) -> Iterator[None]:
    """SQLite: the pages the deleted images free are overwritten with zeros, not left in
    the file's free list where a file recovery tool would find them."""
    if connection.dialect.name != "sqlite":
        yield  # PostgreSQL: VACUUM reclaims the space; the server's disks are its own
        return
    before = connection.exec_driver_sql("PRAGMA secure_delete").scalar()
    connection.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA secure_delete = {int(bool(before))}")


def _checkpoint(db) -> None:
    """Copy the write-ahead log into the file and empty it, so no copy of a deleted image's
    pages stays in the log (a reader still open may delay it to the next checkpoint)."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class Photos(_Repository):
    # -- the consent -----------------------------------------------------------------
    def consent(self, patient_id: int) -> PhotoConsentState:
        with self._db.reading() as connection:
            _patient_exists(connection, patient_id)
            return _consent(connection, patient_id)

    def _insert_consent(self, connection: Connection, patient_id: int, given: bool,
                        on: dt.date, actor: str) -> tuple[int, str]:
        values = {"patient_id": patient_id, "given": given, "on_date": on,
                  "actor": audit.actor_or_default(actor)}
        consent_id = connection.execute(t.photo_consents.insert().values(
            **values, recorded_at=audit.now())).inserted_primary_key[0]
        return consent_id, audit.state_hash("photo_consents", {**values, "id": consent_id})

    def give_consent(self, patient_id: int, on: dt.date, actor: str = "") -> PhotoConsentState:
        with self._db.writing() as connection:
            _patient_exists(connection, patient_id)
            consent_id, state = self._insert_consent(connection, patient_id, True, on, actor)
            audit.append(connection, actor=actor, action="photo.consent.give",
                         table="photo_consents", record_id=consent_id, before=None,
                         after=state, details={"patient": patient_id, "on": on.isoformat()})
            return _consent(connection, patient_id)

    def withdraw_consent(self, patient_id: int, on: dt.date, actor: str = "") -> int:
        """Record the withdrawal and delete the image data of every photograph of the
        patient, in one transaction with one audit event; returns how many were deleted."""
        with self._db.writing() as connection:
            _patient_exists(connection, patient_id)
            consent_id, state = self._insert_consent(connection, patient_id, False, on, actor)
            with _overwriting_freed_pages(connection):
                deleted = connection.execute(
                    t.photos.update()
                    .where(PH.patient_id == patient_id, PH.deleted_at.is_(None))
                    .values(image=None, thumbnail=None, deleted_at=audit.now())).rowcount
            audit.append(connection, actor=actor, action="photo.consent.withdraw",
                         table="photo_consents", record_id=consent_id, before=None,
                         after=state, details={"patient": patient_id, "on": on.isoformat(),
                                               "deleted": deleted})
        _checkpoint(self._db)
        return deleted

    # -- photographs -----------------------------------------------------------------
    def add(self, patient_id: int, *, area: str, view: str, session_id: int | None,
            taken_on: dt.date, width: int, height: int, image: bytes, thumbnail: bytes,
            actor: str = "") -> PhotoInfo:
        """Keep a processed photograph (the service strips and re-encodes it first)."""
        if not image or not thumbnail:
            raise InvalidRecord("image: a photograph needs its image and its thumbnail")
        with self._db.writing() as connection:
            _patient_exists(connection, patient_id)
            if not _consent(connection, patient_id).in_force:
                raise NoPhotoConsent(f"patient {patient_id} has no photo consent in force")
            if session_id is not None:
                owner = connection.execute(select(t.sessions.c.patient_id)
                                           .where(t.sessions.c.id == session_id)).scalar()
                if owner != patient_id:
                    raise InvalidRecord(f"session: {session_id} is not a session of patient "
                                        f"{patient_id}")
            values = {"patient_id": patient_id, "area": area, "view": view,
                      "session_id": session_id, "taken_on": taken_on, "width": width,
                      "height": height, "image_sha256": audit.sha256_hex(image)}
            photo_id = connection.execute(t.photos.insert().values(
                **values, added_at=audit.now(), image=image, thumbnail=thumbnail)
            ).inserted_primary_key[0]
            audit.append(connection, actor=actor, action="photo.add", table="photos",
                         record_id=photo_id, before=None,
                         after=audit.state_hash("photos", {**values, "id": photo_id}),
                         details={"patient": patient_id, "area": area, "view": view,
                                  "taken_on": taken_on.isoformat(),
                                  "session": "" if session_id is None else session_id})
            return self._get(connection, photo_id)

    @staticmethod
    def _get(connection: Connection, photo_id: int) -> PhotoInfo:
        row = connection.execute(select(*LISTED_COLUMNS).where(PH.id == photo_id)).first()
        if row is None:
            raise NotFound(f"there is no photograph {photo_id}")
        return _info(row)

    def get(self, photo_id: int) -> PhotoInfo:
        with self._db.reading() as connection:
            return self._get(connection, photo_id)

    def for_patient(self, patient_id: int, *, with_image: bool = True) -> list[PhotoInfo]:
        """The patient's photographs, oldest first, metadata only (from the index); those
        whose image was deleted too when ``with_image`` is false."""
        query = select(*LISTED_COLUMNS).where(PH.patient_id == patient_id)
        if with_image:
            query = query.where(PH.deleted_at.is_(None))
        with self._db.reading() as connection:
            _patient_exists(connection, patient_id)
            rows = connection.execute(query.order_by(PH.taken_on, PH.id))
            return [_info(row) for row in rows]

    def count(self, patient_id: int, *, with_image: bool = True) -> int:
        query = select(func.count()).select_from(t.photos).where(PH.patient_id == patient_id)
        if with_image:
            query = query.where(PH.deleted_at.is_(None))
        with self._db.reading() as connection:
            _patient_exists(connection, patient_id)
            return connection.execute(query).scalar_one()

    def _data(self, photo_id: int, column) -> bytes:
        with self._db.reading() as connection:
            row = connection.execute(select(column, PH.deleted_at).where(PH.id == photo_id)).first()
        if row is None:
            raise NotFound(f"there is no photograph {photo_id}")
        if row[0] is None:
            raise InvalidRecord(f"photograph {photo_id}: its image was deleted when the photo "
                                "consent was withdrawn")
        return bytes(row[0])

    def image(self, photo_id: int) -> bytes:
        return self._data(photo_id, PH.image)

    def thumbnail(self, photo_id: int) -> bytes:
        return self._data(photo_id, PH.thumbnail)

    def note_sheet(self, before_id: int, after_id: int, destination: str, actor: str = ""
                   ) -> None:
        """A comparison sheet left the database: the audit trail says which and where."""
        with self._db.writing() as connection:
            after = connection.execute(select(*(PH[c] for c in audit.STATE_COLUMNS["photos"]))
                                       .where(PH.id == after_id)).first()
            if after is None:
                raise NotFound(f"there is no photograph {after_id}")
            state = audit.state_hash("photos", after._mapping)
            audit.append(connection, actor=actor, action="photo.sheet", table="photos",
                         record_id=after_id, before=state, after=state,
                         details={"before": before_id, "after": after_id,
                                  "patient": after.patient_id, "to": destination})

