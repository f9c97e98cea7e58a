"""The initial schema: patients, practitioners, consultations, signed consents, clinic
settings and the audit trail, with the triggers that make final records immutable.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPLICATION_ID = 0x4D53444B  # 'MSDK' in the SQLite header: this file belongs to mesodesk

TIMESTAMP = sa.DateTime(timezone=True)

# SQLite: RAISE(ABORT) rolls back the statement; the message starts with "mesodesk:" so the
# store can turn it into a clear error.
SQLITE_TRIGGERS = {
    "consultations_final_no_update": """
        CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a finalized consultation cannot be changed'); END""",
    "consultations_final_no_delete": """
        CREATE TRIGGER consultations_final_no_delete BEFORE DELETE ON consultations
        WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a finalized consultation cannot be deleted'); END""",
    "signed_consents_final_only": """
        CREATE TRIGGER signed_consents_final_only BEFORE INSERT ON signed_consents
        WHEN (SELECT status FROM consultations WHERE id = NEW.consultation_id) IS NOT 'final'
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a consent can only be recorded for a finalized consultation'); END""",
    "signed_consents_no_update": """
        CREATE TRIGGER signed_consents_no_update BEFORE UPDATE ON signed_consents
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a signed consent cannot be changed'); END""",
    "signed_consents_no_delete": """
        CREATE TRIGGER signed_consents_no_delete BEFORE DELETE ON signed_consents
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a signed consent cannot be deleted'); END""",
    "audit_events_no_update": """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'mesodesk: the audit trail is append-only'); END""",
    "audit_events_no_delete": """
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'mesodesk: the audit trail is append-only'); END""",
}

POSTGRESQL_FUNCTIONS = [
    """
    CREATE FUNCTION mesodesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'mesodesk: %', TG_ARGV[0] USING ERRCODE = 'MD001';
    END
    $$""",
    """
    CREATE FUNCTION mesodesk_consent_needs_final() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT status FROM consultations WHERE id = NEW.consultation_id)
           IS DISTINCT FROM 'final' THEN
            RAISE EXCEPTION 'mesodesk: a consent can only be recorded for a finalized consultation'
                USING ERRCODE = 'MD001';
        END IF;
        RETURN NEW;
    END
    $$""",
]

POSTGRESQL_TRIGGERS = {
    "consultations_final_no_update": """
        CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
        FOR EACH ROW WHEN (OLD.status <> 'draft')
        EXECUTE FUNCTION mesodesk_refuse_change('a finalized consultation cannot be changed')""",
    "consultations_final_no_delete": """
        CREATE TRIGGER consultations_final_no_delete BEFORE DELETE ON consultations
        FOR EACH ROW WHEN (OLD.status <> 'draft')
        EXECUTE FUNCTION mesodesk_refuse_change('a finalized consultation cannot be deleted')""",
    "consultations_no_truncate": """
        CREATE TRIGGER consultations_no_truncate BEFORE TRUNCATE ON consultations
        FOR EACH STATEMENT
        EXECUTE FUNCTION mesodesk_refuse_change('consultations cannot be truncated')""",
    "signed_consents_final_only": """
        CREATE TRIGGER signed_consents_final_only BEFORE INSERT ON signed_consents
        FOR EACH ROW EXECUTE FUNCTION mesodesk_consent_needs_final()""",
    "signed_consents_no_update": """
        CREATE TRIGGER signed_consents_no_update BEFORE UPDATE ON signed_consents
        FOR EACH ROW EXECUTE FUNCTION mesodesk_refuse_change('a signed consent cannot be changed')""",
    "signed_consents_no_delete": """
        CREATE TRIGGER signed_consents_no_delete BEFORE DELETE OR TRUNCATE ON signed_consents
        FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('a signed consent cannot be deleted')""",
    "audit_events_no_update": """
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION mesodesk_refuse_change('the audit trail is append-only')""",
    "audit_events_no_delete": """
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE OR TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('the audit trail is append-only')""",
}


def upgrade() -> None:
    sqlite = {"sqlite_autoincrement": True}
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("sex", sa.String(16), nullable=True),
        sa.Column("phone", sa.String(200), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("sex IN ('female', 'male', 'other', 'unspecified')",
                           name="ck_patients_sex"),
        **sqlite,
    )
    op.create_index("ix_patients_name", "patients", ["name"])
    op.create_index("ix_patients_date_of_birth", "patients", ["date_of_birth"])

    op.create_table(
        "practitioners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("registration", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("name", "registration", name="uq_practitioners_name_registration"),
        **sqlite,
    )

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer,
                  sa.ForeignKey("patients.id", name="fk_consultations_patient", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("practitioner_id", sa.Integer,
                  sa.ForeignKey("practitioners.id", name="fk_consultations_practitioner",
                                ondelete="RESTRICT"),
                  nullable=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("concerns", sa.String(400), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(12), nullable=False),
        sa.Column("supersedes", sa.Integer,
                  sa.ForeignKey("consultations.id", name="fk_consultations_supersedes",
                                ondelete="RESTRICT"),
                  nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("finalized_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("status IN ('draft', 'final', 'not-treated')",
                           name="ck_consultations_status"),
        sa.UniqueConstraint("supersedes", name="uq_consultations_supersedes"),
        **sqlite,
    )
    op.create_index("ix_consultations_patient", "consultations", ["patient_id", "date", "id"])
    op.create_index("ix_consultations_status_updated", "consultations", ["status", "updated_at"])

    op.create_table(
        "signed_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultation_id", sa.Integer,
                  sa.ForeignKey("consultations.id", name="fk_signed_consents_consultation",
                                ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(12), nullable=False),
        sa.Column("signed_at", TIMESTAMP, nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("consultation_id", name="uq_signed_consents_consultation"),
        **sqlite,
    )

    op.create_table(
        "clinic_settings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("logo_png", sa.LargeBinary, nullable=True),
        sa.Column("practitioner_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("practitioner_registration", sa.String(200), nullable=False, server_default=""),
        sa.Column("default_paper", sa.String(8), nullable=False, server_default="a4"),
        sa.Column("default_language", sa.String(35), nullable=False, server_default="en"),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_clinic_settings_single_row"),
        sa.CheckConstraint("default_paper IN ('a4', 'letter')", name="ck_clinic_settings_paper"),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer, nullable=True),
        sa.Column("before_hash", sa.String(64), nullable=True),
        sa.Column("after_hash", sa.String(64), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("previous_hash", name="uq_audit_events_previous_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_events_hash"),
    )
    op.create_index("ix_audit_events_record", "audit_events", ["table_name", "record_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_FUNCTIONS:
            op.execute(statement)
        for statement in POSTGRESQL_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("audit_events", "clinic_settings", "signed_consents", "consultations",
                  "practitioners", "patients"):
        op.drop_table(table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION mesodesk_refuse_change()")
        op.execute("DROP FUNCTION mesodesk_consent_needs_final()")
    elif dialect == "sqlite":
        op.execute("PRAGMA application_id = 0")
