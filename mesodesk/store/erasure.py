"""Erasing a patient once the retention period of their records has run out (GDPR
article 17): the one way a closed consultation, a signed consent, a session, a photograph
or a photo consent event is ever deleted.

It is explicit and audited: one transaction writes the patient's row in ``erasures`` (which
the delete triggers of migration 0009 require before they let the patient's records go),
deletes every record, newest first, each with its audit event (``erase``, its state before,
nothing after), and last the patient. The store checks the period again inside the
transaction, so a record added meanwhile keeps the patient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from mesodesk.domain.dates import add_years
from mesodesk.store import audit
from mesodesk.store import tables as t
from mesodesk.store.base import ImmutableRecord, InvalidRecord, NotFound

if TYPE_CHECKING:
    from mesodesk.store.handle import DatabaseHandle


@dataclass(frozen=True)
class RecordDates:
    consultations: int
    sessions: int
    last: dt.date | None    # the latest record's date (what the period runs from); None: none
    photos: int = 0         # photographs, their image deleted or not
    photo_consents: int = 0  # photo consent events given or withdrawn on their own


def record_dates(connection: Connection, patient_id: int) -> RecordDates:
    """How many consultations, sessions, photographs and photo consent events the patient
    has, and the date of the last one (what the retention period runs from)."""
    found = {}
    for name, table, day in (("consultations", t.consultations, t.consultations.c.date),
                             ("sessions", t.sessions, t.sessions.c.date),
                             ("photos", t.photos, t.photos.c.taken_on),
                             ("photo_consents", t.photo_consents, t.photo_consents.c.on_date)):
        found[name] = connection.execute(select(func.count(), func.max(day))
                                         .where(table.c.patient_id == patient_id)).one()
    dates = [last for _count, last in found.values() if last is not None]
    return RecordDates(found["consultations"][0], found["sessions"][0],
                       max(dates) if dates else None, found["photos"][0],
                       found["photo_consents"][0])


@dataclass(frozen=True)
class Erased:
    patient_id: int
    kept_until: dt.date | None
    deleted: dict[str, int]  # table -> how many of its records were deleted


# Children before what they refer to.
_ORDER = ("session_products", "photos", "photo_consents", "sessions", "signed_consents",
          "consultations")


def _rows(connection: Connection, name: str, patient_id: int) -> list[Any]:
    """The patient's records of one table, audited columns only (never image data),
    newest first (a correction or a new version before the record it replaces)."""
    table = getattr(t, name)
    state = [table.c[column] for column in audit.STATE_COLUMNS[name]]
    if name == "signed_consents":
        owned = table.c.consultation_id.in_(
            select(t.consultations.c.id).where(t.consultations.c.patient_id == patient_id))
    else:
        owned = table.c.patient_id == patient_id
    return connection.execute(select(*state).where(owned).order_by(table.c.id.desc())).all()


class Erasures:
    def __init__(self, db: DatabaseHandle):
        self._db = db

    def erase(self, patient_id: int, retention_years: int, today: dt.date,
              actor: str = "") -> Erased:
        """Erase the patient and every record of theirs, once ``retention_years`` after
        their last record have passed on ``today``; ``ImmutableRecord`` before that."""
        if isinstance(retention_years, bool) or not isinstance(retention_years, int) \
                or retention_years < 1:
            raise InvalidRecord("retention_years: must be a whole number of years, 1 or more")
        with self._db.writing() as connection:
            patient = connection.execute(select(t.patients)
                                         .where(t.patients.c.id == patient_id)).first()
            if patient is None:
                raise NotFound(f"there is no patient {patient_id}")
            dates = record_dates(connection, patient_id)
            kept_until = add_years(dates.last, retention_years) if dates.last else None
            if kept_until is not None and today <= kept_until:
                raise ImmutableRecord(f"patient {patient_id}: the records must be kept until "
                                      f"{kept_until.isoformat()}; nothing was erased")
            connection.execute(t.erasures.insert().values(
                patient_id=patient_id, kept_until=kept_until or today, erased_at=audit.now(),
                actor=audit.actor_or_default(actor)))
            deleted = {name: self._delete(connection, name, patient_id, actor)
                       for name in _ORDER}
            connection.execute(t.patients.delete().where(t.patients.c.id == patient_id))
            audit.append(connection, actor=actor, action="erase", table="patients",
                         record_id=patient_id,
                         before=audit.state_hash("patients", patient._mapping), after=None,
                         details={"kept_until": kept_until.isoformat() if kept_until else "",
                                  **{name: str(count) for name, count in deleted.items()}})
            return Erased(patient_id, kept_until, deleted)

    @staticmethod
    def _delete(connection: Connection, name: str, patient_id: int, actor: str) -> int:
        table = getattr(t, name)
        rows = _rows(connection, name, patient_id)
        for row in rows:  # one at a time: PostgreSQL checks each RESTRICT key at once
            connection.execute(table.delete().where(table.c.id == row.id))
        audit.append_many(connection, actor=actor, action="erase", table=name, changes=[
            (row.id, audit.state_hash(name, row._mapping), None, {"patient": patient_id})
            for row in rows])
        return len(rows)
