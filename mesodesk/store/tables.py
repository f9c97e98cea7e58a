"""The tables, as sqlmodel classes. ORM rows never leave ``mesodesk.store``.

These classes describe the schema at the newest revision; the schema itself is created
and changed only by the Alembic migrations in ``migrations/versions`` (never by
``create_all`` on a real database). tests/store/test_migrations.py checks that the two
agree. Every index and constraint is named so migrations can refer to it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

UTC = dt.timezone.utc


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime, stored without zone in SQLite and as timestamptz elsewhere."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("mesodesk stores aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class PatientRow(SQLModel, table=True):
    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint("sex IN ('female', 'male', 'other', 'unspecified')", name="ck_patients_sex"),
        # Walked in name order with the Latin key beside it, so a search reads only the
        # index (the search matches the Latin key, the list is ordered by the name's key).
        Index("ix_patients_name_keys", "search_key", "latin_key"),
        Index("ix_patients_date_of_birth", "date_of_birth"),
        Index("ix_patients_phone_digits", "phone_digits"),
        {"sqlite_autoincrement": True},  # ids are never reused: the audit trail names them
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    search_key: str = Field(sa_column=Column(Text, nullable=False))
    latin_key: str = Field(sa_column=Column(Text, nullable=False))
    date_of_birth: dt.date = Field(sa_column=Column(Date, nullable=False))
    sex: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    phone: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    phone_digits: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                           server_default=""))
    email: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class PractitionerRow(SQLModel, table=True):
    __tablename__ = "practitioners"
    __table_args__ = (
        UniqueConstraint("name", "registration", name="uq_practitioners_name_registration"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    registration: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                           server_default=""))
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ConsultationRow(SQLModel, table=True):
    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'final', 'not-treated')",
                        name="ck_consultations_status"),
        UniqueConstraint("supersedes", name="uq_consultations_supersedes"),
        Index("ix_consultations_patient", "patient_id", "date", "id"),
        Index("ix_consultations_status_updated", "status", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    patient_id: int = Field(sa_column=Column(
        Integer, ForeignKey("patients.id", name="fk_consultations_patient", ondelete="RESTRICT"),
        nullable=False))
    practitioner_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("practitioners.id", name="fk_consultations_practitioner",
                            ondelete="RESTRICT"),
        nullable=True))
    date: dt.date = Field(sa_column=Column(Date, nullable=False))
    concerns: str = Field(sa_column=Column(String(400), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    document: str = Field(sa_column=Column(Text, nullable=False))
    # The version of the document format the document is written in (revision 0004); rows
    # stored before it hold version 1, which is upgraded as it is read, never rewritten.
    format: str = Field(default="mesodesk.consultation/2", sa_column=Column(
        String(40), nullable=False, server_default="mesodesk.consultation/1"))
    fingerprint: str = Field(sa_column=Column(String(12), nullable=False))
    supersedes: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("consultations.id", name="fk_consultations_supersedes",
                            ondelete="RESTRICT"),
        nullable=True))
    created_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    finalized_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime,
                                                                              nullable=True))


class SignedConsentRow(SQLModel, table=True):
    __tablename__ = "signed_consents"
    __table_args__ = (
        UniqueConstraint("consultation_id", name="uq_signed_consents_consultation"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    consultation_id: int = Field(sa_column=Column(
        Integer, ForeignKey("consultations.id", name="fk_signed_consents_consultation",
                            ondelete="RESTRICT"),
        nullable=False))
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    pdf_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    fingerprint: str = Field(sa_column=Column(String(12), nullable=False))
    signed_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class SessionRow(SQLModel, table=True):
    """A treatment session as performed (``mesodesk.session/1``). Never changes once recorded
    (triggers, migration 0006); a correction is a new row naming the one it corrects."""

    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("corrects", name="uq_sessions_corrects"),
        Index("ix_sessions_consultation", "consultation_id", "concern", "number"),
        Index("ix_sessions_patient", "patient_id", "date"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    consultation_id: int = Field(sa_column=Column(
        Integer, ForeignKey("consultations.id", name="fk_sessions_consultation",
                            ondelete="RESTRICT"), nullable=False))
    # The consultation's patient, kept here so a recall joins one row less.
    patient_id: int = Field(sa_column=Column(
        Integer, ForeignKey("patients.id", name="fk_sessions_patient", ondelete="RESTRICT"),
        nullable=False))
    concern: str = Field(sa_column=Column(String(64), nullable=False))
    number: int = Field(sa_column=Column(Integer, nullable=False))
    date: dt.date = Field(sa_column=Column(Date, nullable=False))
    document: str = Field(sa_column=Column(Text, nullable=False))
    fingerprint: str = Field(sa_column=Column(String(12), nullable=False))
    corrects: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("sessions.id", name="fk_sessions_corrects", ondelete="RESTRICT"),
        nullable=True))
    correction_reason: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                                server_default=""))
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


RECALL_INDEX = ("lot_key", "session_date", "session_id", "position", "patient_id",
                "consultation_id", "substance", "product", "manufacturer", "lot", "expiry")


class SessionProductRow(SQLModel, table=True):
    """One product of a session, with its lot: what a recall looks up."""

    __tablename__ = "session_products"
    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_session_products_position"),
        # Covering, in the order a recall lists them: a recall reads one run of this index
        # and the patients it names, never the sessions or the products themselves.
        Index("ix_session_products_lot", *RECALL_INDEX),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    session_id: int = Field(sa_column=Column(
        Integer, ForeignKey("sessions.id", name="fk_session_products_session",
                            ondelete="RESTRICT"), nullable=False))
    position: int = Field(sa_column=Column(Integer, nullable=False))
    # Copies of the session's (which never changes), so a recall needs no session row.
    patient_id: int = Field(sa_column=Column(Integer, nullable=False))
    consultation_id: int = Field(sa_column=Column(Integer, nullable=False))
    session_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    substance: str = Field(sa_column=Column(String(64), nullable=False))
    product: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                      server_default=""))
    manufacturer: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                           server_default=""))
    lot: str = Field(sa_column=Column(String(40), nullable=False))
    lot_key: str = Field(sa_column=Column(String(40), nullable=False))  # trimmed, upper case
    expiry: str = Field(sa_column=Column(String(10), nullable=False))
    volume_ml: float = Field(sa_column=Column(Float, nullable=False))
    concentration_mg_per_ml: float | None = Field(default=None, sa_column=Column(
        Float, nullable=True))


class ClinicSettingsRow(SQLModel, table=True):
    __tablename__ = "clinic_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_clinic_settings_single_row"),
        CheckConstraint("default_paper IN ('a4', 'letter')", name="ck_clinic_settings_paper"),
        CheckConstraint("jurisdiction IN ('EU', 'US', 'UK')",
                        name="ck_clinic_settings_jurisdiction"),
        CheckConstraint("retention_years BETWEEN 1 AND 100", name="ck_clinic_settings_retention"),
    )

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True, autoincrement=False))
    name: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    address: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    logo_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    practitioner_name: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                                server_default=""))
    practitioner_registration: str = Field(default="", sa_column=Column(
        String(200), nullable=False, server_default=""))
    default_paper: str = Field(default="a4", sa_column=Column(String(8), nullable=False,
                                                             server_default="a4"))
    default_language: str = Field(default="en", sa_column=Column(String(35), nullable=False,
                                                                server_default="en"))
    phone: str = Field(default="", sa_column=Column(String(100), nullable=False,
                                                    server_default=""))
    jurisdiction: str = Field(default="EU", sa_column=Column(String(8), nullable=False,
                                                             server_default="EU"))
    member_state: str = Field(default="GR", sa_column=Column(String(2), nullable=False,
                                                             server_default="GR"))
    # How long clinical records are kept after a patient's last one (revision 0009), and
    # whether the clinic confirmed the period (the default is a value it must confirm).
    retention_years: int = Field(default=10, sa_column=Column(Integer, nullable=False,
                                                              server_default="10"))
    retention_confirmed: bool = Field(default=False, sa_column=Column(
        Boolean, nullable=False, server_default=false()))
    updated_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AuditEventRow(SQLModel, table=True):
    """One link of the append-only, hash-chained audit trail."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("previous_hash", name="uq_audit_events_previous_hash"),
        UniqueConstraint("hash", name="uq_audit_events_hash"),
        Index("ix_audit_events_record", "table_name", "record_id"),
    )

    # Assigned by the store (previous id + 1, under the write lock), never by a sequence.
    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(sa_column=Column(String(200), nullable=False))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    table_name: str = Field(sa_column=Column(String(40), nullable=False))
    record_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    before_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    after_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    previous_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


# The columns a patient's photographs are listed by: the covering index holds them, so a
# list never reads the rows themselves, where the image data is.
PHOTO_LISTED = ("patient_id", "taken_on", "id", "area", "view", "session_id", "width",
                "height", "added_at", "deleted_at")


class PhotoRow(SQLModel, table=True):
    """A photograph of a treated area (migration 0008). Its metadata never changes; its
    image data is deleted (NULL, with ``deleted_at``) when the photo consent is withdrawn."""

    __tablename__ = "photos"
    __table_args__ = (
        Index("ix_photos_patient", *PHOTO_LISTED),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    patient_id: int = Field(sa_column=Column(
        Integer, ForeignKey("patients.id", name="fk_photos_patient", ondelete="RESTRICT"),
        nullable=False))
    area: str = Field(sa_column=Column(String(64), nullable=False))
    view: str = Field(sa_column=Column(String(16), nullable=False))
    session_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("sessions.id", name="fk_photos_session", ondelete="RESTRICT"),
        nullable=True))
    taken_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    width: int = Field(sa_column=Column(Integer, nullable=False))
    height: int = Field(sa_column=Column(Integer, nullable=False))
    image_sha256: str = Field(sa_column=Column(String(64), nullable=False))  # as stored
    added_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    deleted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime,
                                                                          nullable=True))
    thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class PhotoConsentRow(SQLModel, table=True):
    """One event of a patient's photo consent, given or withdrawn on its own; never changes."""

    __tablename__ = "photo_consents"
    __table_args__ = (
        Index("ix_photo_consents_patient", "patient_id", "on_date"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    patient_id: int = Field(sa_column=Column(
        Integer, ForeignKey("patients.id", name="fk_photo_consents_patient",
                            ondelete="RESTRICT"), nullable=False))
    given: bool = Field(sa_column=Column(Boolean, nullable=False))
    on_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    actor: str = Field(default="", sa_column=Column(String(200), nullable=False,
                                                    server_default=""))
    recorded_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ErasureRow(SQLModel, table=True):
    """A patient erased once the retention period of their records had run out (migration
    0009): the delete triggers let their records go only with this row, which never changes.
    No personal data: the id only (no foreign key, the patient is gone)."""

    __tablename__ = "erasures"
    __table_args__ = (
        UniqueConstraint("patient_id", name="uq_erasures_patient"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    patient_id: int = Field(sa_column=Column(Integer, nullable=False))
    kept_until: dt.date = Field(sa_column=Column(Date, nullable=False))
    erased_at: dt.datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(sa_column=Column(String(200), nullable=False))


patients = PatientRow.__table__
practitioners = PractitionerRow.__table__
consultations = ConsultationRow.__table__
signed_consents = SignedConsentRow.__table__
sessions = SessionRow.__table__
session_products = SessionProductRow.__table__
clinic_settings = ClinicSettingsRow.__table__
audit_events = AuditEventRow.__table__
photos = PhotoRow.__table__
photo_consents = PhotoConsentRow.__table__
erasures = ErasureRow.__table__
metadata = SQLModel.metadata
