"""Treatment sessions: recorded once, never changed; a correction is a new record.

A session and its products are written in one transaction with their audit events (the
products' first, then the session's: the trigger of migration 0006 refuses a product for a
session whose event exists). Triggers refuse any update or delete, from any program.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.engine import Connection

from mesodesk.domain.document import DocumentError
from mesodesk.domain.session import (
    RecallHit,
    SessionRecord,
    TreatmentSession,
    lot_key,
    parse_session_structure,
)
from mesodesk.store import audit
from mesodesk.store import tables as t
from mesodesk.store.base import ImmutableRecord, IntegrityFailure, InvalidRecord, NotFound
from mesodesk.store.repositories import Patients, _Repository

S = t.sessions.c
P = t.session_products.c


def session_text(session: TreatmentSession) -> str:
    return session.to_json(indent=None)


def _load(text: str, session_id: int) -> TreatmentSession:
    try:
        return parse_session_structure(text)
    except DocumentError as error:
        raise IntegrityFailure(f"session {session_id}: the stored document cannot be read "
                               f"({error}); restore a backup or run `mesodesk audit verify`"
                               ) from None


# Built once: an alias costs milliseconds to set up, a recall must not pay for it each time.
_SUCCESSOR = t.sessions.alias("successor")
_CORRECTED_BY = (select(_SUCCESSOR.c.id).where(_SUCCESSOR.c.corrects == S.id)
                 .scalar_subquery().label("corrected_by"))
_IN_FORCE = ~exists().where(_SUCCESSOR.c.corrects == S.id)


def _query():
    return select(t.sessions, _CORRECTED_BY)


def _record(row: Any) -> SessionRecord:
    return SessionRecord(id=row.id, consultation_id=row.consultation_id,
                         patient_id=row.patient_id, session=_load(row.document, row.id),
                         recorded_at=row.recorded_at, corrects=row.corrects,
                         correction_reason=row.correction_reason,
                         corrected_by=row.corrected_by)


def _in_force():
    return _IN_FORCE


class Sessions(_Repository):
    def record(self, consultation_id: int, session: TreatmentSession, actor: str = ""
               ) -> SessionRecord:
        """Keep a checked session of a finalized consultation, for good."""
        if not isinstance(session, TreatmentSession):
            raise InvalidRecord("session: must be a treatment session document")
        with self._db.writing() as connection:
            patient_id = self._final_consultation(connection, consultation_id)
            corrects = self._corrected(connection, consultation_id, session)
            self._number_free(connection, consultation_id, session, corrects)
            values = {"consultation_id": consultation_id, "patient_id": patient_id,
                      "concern": session.concern, "number": session.number,
                      "date": session.date, "document": session_text(session),
                      "fingerprint": session.fingerprint(), "corrects": corrects,
                      "correction_reason": session.corrects.reason if session.corrects else ""}
            session_id = connection.execute(t.sessions.insert().values(
                **values, recorded_at=audit.now())).inserted_primary_key[0]
            self._insert_products(connection, {**values, "id": session_id}, session, actor)
            audit.append(connection, actor=actor,
                         action="correct-session" if corrects else "record-session",
                         table="sessions", record_id=session_id, before=None,
                         after=audit.state_hash("sessions", {**values, "id": session_id}),
                         details={"consultation": consultation_id,
                                  "fingerprint": values["fingerprint"],
                                  **({"corrects": corrects, "reason": values["correction_reason"]}
                                     if corrects else {})})
            return _record(connection.execute(_query().where(S.id == session_id)).one())

    @staticmethod
    def _final_consultation(connection: Connection, consultation_id: int) -> int:
        row = connection.execute(select(t.consultations.c.status, t.consultations.c.patient_id)
                                 .where(t.consultations.c.id == consultation_id)).first()
        if row is None:
            raise NotFound(f"there is no consultation {consultation_id}")
        if row.status != "final":
            raise InvalidRecord(f"consultation {consultation_id} is not finalized: sessions are "
                                "recorded only for a signed consultation")
        return row.patient_id

    @staticmethod
    def _corrected(connection: Connection, consultation_id: int, session: TreatmentSession
                   ) -> int | None:
        if session.corrects is None:
            return None
        wanted = session.corrects.session
        row = connection.execute(_query().where(S.id == wanted)).first()
        if row is None or row.consultation_id != consultation_id:
            raise InvalidRecord(f"corrects.session: {wanted} is not a session of consultation "
                                f"{consultation_id}")
        if row.corrected_by is not None:
            raise ImmutableRecord(f"corrects.session: session {wanted} was already corrected by "
                                  f"session {row.corrected_by}; correct that one instead")
        return wanted

    @staticmethod
    def _number_free(connection: Connection, consultation_id: int, session: TreatmentSession,
                     corrects: int | None) -> None:
        taken = connection.execute(
            select(S.id).where(S.consultation_id == consultation_id,
                               S.concern == session.concern, S.number == session.number,
                               _in_force())).scalars().all()
        others = [found for found in taken if found != corrects]
        if others:
            raise InvalidRecord(f"number: session {session.number} of this course is already "
                                f"recorded (session {others[0]})")

    @staticmethod
    def _insert_products(connection: Connection, stored: dict[str, Any],
                         session: TreatmentSession, actor: str) -> None:
        rows = [{"session_id": stored["id"], "position": position,
                 "patient_id": stored["patient_id"], "consultation_id": stored["consultation_id"],
                 "session_date": stored["date"], "substance": p.substance,
                 "product": p.product or "", "manufacturer": p.manufacturer or "",
                 "lot": p.lot, "lot_key": lot_key(p.lot), "expiry": p.expiry,
                 "volume_ml": float(p.volume_ml),
                 "concentration_mg_per_ml": (float(p.concentration_mg_per_ml)
                                             if p.concentration_mg_per_ml is not None else None)}
                for position, p in enumerate(session.products)]
        ids = connection.execute(
            t.session_products.insert().returning(P.id, sort_by_parameter_order=True),
            rows).scalars().all()
        audit.append_many(connection, actor=actor, action="record-session",
                          table="session_products", changes=[
                              (row_id, None, audit.state_hash("session_products",
                                                              {**row, "id": row_id}), None)
                              for row_id, row in zip(ids, rows, strict=True)])

    def get(self, session_id: int) -> SessionRecord:
        with self._db.reading() as connection:
            row = connection.execute(_query().where(S.id == session_id)).first()
            if row is None:
                raise NotFound(f"there is no session {session_id}")
            return _record(row)

    def for_consultation(self, consultation_id: int) -> list[SessionRecord]:
        """Every session of the consultation, corrected ones too, by course and number."""
        with self._db.reading() as connection:
            rows = connection.execute(_query().where(S.consultation_id == consultation_id)
                                      .order_by(S.concern, S.number, S.id))
            return [_record(row) for row in rows]

    def for_patient(self, patient_id: int) -> list[SessionRecord]:
        """The patient's sessions in force (not replaced by a correction), oldest first."""
        with self._db.reading() as connection:
            rows = connection.execute(_query().where(S.patient_id == patient_id, _in_force())
                                      .order_by(S.date, S.id))
            return [_record(row) for row in rows]

    def recall(self, lot: str) -> list[RecallHit]:
        """Every session in force that used the lot (case and spaces ignored), by date."""
        with self._db.reading() as connection:
            return [RecallHit(patient_id=row.patient_id, patient_name=row.name,
                              date_of_birth=row.date_of_birth, phone=row.phone,
                              session_id=row.session_id, session_date=row.date,
                              consultation_id=row.consultation_id, substance=row.substance,
                              product=row.product, manufacturer=row.manufacturer, lot=row.lot,
                              expiry=row.expiry)
                    for row in connection.execute(_RECALL, {"lot_key": lot_key(lot)})]

    def consultations_with_fingerprint(self, fingerprint: str) -> list[int]:
        """The ids of the consultations whose record has this fingerprint."""
        with self._db.reading() as connection:
            return list(connection.execute(
                select(t.consultations.c.id)
                .where(t.consultations.c.fingerprint == fingerprint)
                .order_by(t.consultations.c.id)).scalars())

    def consultation_list(self, patient: str = "", limit: int = 10_000) -> list[dict[str, Any]]:
        """Consultations with their patient, newest first; ``patient`` is a patient search
        (as the patient list's: name words, a date of birth, phone digits)."""
        c, p = t.consultations.c, t.patients.c
        sessions = (select(func.count()).where(S.consultation_id == c.id, _in_force())
                    .scalar_subquery())
        query = (select(c.id, c.patient_id, p.name, p.date_of_birth, c.date, c.status,
                        c.concerns, sessions.label("sessions"))
                 .join(t.patients, p.id == c.patient_id)
                 .where(Patients._matching(patient))
                 .order_by(c.date.desc(), c.id.desc()).limit(max(0, int(limit))))
        with self._db.reading() as connection:
            return [{"id": row.id, "patient": row.patient_id, "name": row.name,
                     "date_of_birth": row.date_of_birth.isoformat(),
                     "date": row.date.isoformat(), "status": row.status,
                     "concerns": row.concerns.split(), "sessions": row.sessions}
                    for row in connection.execute(query)]


def recall_query(lot: str):
    """The uses of a lot: one run of the covering lot index (already in date order), and for
    each use whether a correction replaced its session (an index look-up) and its patient."""
    return _RECALL.params(lot_key=lot_key(lot))


_RECALL = (select(t.patients.c.id.label("patient_id"), t.patients.c.name,
                  t.patients.c.date_of_birth, t.patients.c.phone,
                  P.session_id, P.session_date.label("date"), P.consultation_id,
                  P.substance, P.product, P.manufacturer, P.lot, P.expiry)
           .select_from(t.session_products)
           .join(t.patients, t.patients.c.id == P.patient_id)
           .where(P.lot_key == bindparam("lot_key"),
                  ~exists().where(_SUCCESSOR.c.corrects == P.session_id))
           .order_by(P.session_date, P.session_id, P.position))
