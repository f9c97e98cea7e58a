"""Treatment sessions (``mesodesk.session/1``) and their products with the lot indexed for
recall. A recorded session never changes: triggers refuse an update or a delete, a session
for a consultation that is not finalized, and a product added to a session already recorded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Migrations are frozen in time: SQL and plain SQLAlchemy types here.
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)

# A session's products are written before its audit event, in the same transaction: once
# the event exists, the session is recorded and nothing more is added to it.
SQLITE_TRIGGERS = {
    "sessions_final_only": """
        CREATE TRIGGER sessions_final_only BEFORE INSERT ON sessions
        WHEN (SELECT status FROM consultations WHERE id = NEW.consultation_id) IS NOT 'final'
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a session can only be recorded for a finalized consultation'); END""",
    "sessions_no_update": """
        CREATE TRIGGER sessions_no_update BEFORE UPDATE ON sessions
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a recorded session cannot be changed'); END""",
    "sessions_no_delete": """
        CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a recorded session cannot be deleted'); END""",
    "session_products_while_recording": """
        CREATE TRIGGER session_products_while_recording BEFORE INSERT ON session_products
        WHEN EXISTS (SELECT 1 FROM audit_events WHERE table_name = 'sessions'
                     AND record_id = NEW.session_id)
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a recorded session cannot be changed'); END""",
    "session_products_no_update": """
        CREATE TRIGGER session_products_no_update BEFORE UPDATE ON session_products
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a recorded session cannot be changed'); END""",
    "session_products_no_delete": """
        CREATE TRIGGER session_products_no_delete BEFORE DELETE ON session_products
        BEGIN SELECT RAISE(ABORT, 'mesodesk: a recorded session cannot be changed'); END""",
}

POSTGRESQL_FUNCTIONS = [
    """
    CREATE FUNCTION mesodesk_session_needs_final() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (SELECT status FROM consultations WHERE id = NEW.consultation_id)
           IS DISTINCT FROM 'final' THEN
            RAISE EXCEPTION 'mesodesk: a session can only be recorded for a finalized consultation'
                USING ERRCODE = 'MD001';
        END IF;
        RETURN NEW;
    END
    $$""",
    """
    CREATE FUNCTION mesodesk_product_while_recording() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_events WHERE table_name = 'sessions'
                   AND record_id = NEW.session_id) THEN
            RAISE EXCEPTION 'mesodesk: a recorded session cannot be changed'
                USING ERRCODE = 'MD001';
        END IF;
        RETURN NEW;
    END
    $$""",
]

POSTGRESQL_TRIGGERS = {
    "sessions_final_only": """
        CREATE TRIGGER sessions_final_only BEFORE INSERT ON sessions
        FOR EACH ROW EXECUTE FUNCTION mesodesk_session_needs_final()""",
    "sessions_no_update": """
        CREATE TRIGGER sessions_no_update BEFORE UPDATE ON sessions
        FOR EACH ROW EXECUTE FUNCTION mesodesk_refuse_change('a recorded session cannot be changed')""",
    "sessions_no_delete": """
        CREATE TRIGGER sessions_no_delete BEFORE DELETE OR TRUNCATE ON sessions
        FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('a recorded session cannot be deleted')""",
    "session_products_while_recording": """
        CREATE TRIGGER session_products_while_recording BEFORE INSERT ON session_products
        FOR EACH ROW EXECUTE FUNCTION mesodesk_product_while_recording()""",
    "session_products_no_update": """
        CREATE TRIGGER session_products_no_update BEFORE UPDATE ON session_products
        FOR EACH ROW EXECUTE FUNCTION mesodesk_refuse_change('a recorded session cannot be changed')""",
    "session_products_no_delete": """
        CREATE TRIGGER session_products_no_delete BEFORE DELETE OR TRUNCATE ON session_products
        FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('a recorded session cannot be changed')""",
}


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("consultation_id", sa.Integer,
                  sa.ForeignKey("consultations.id", name="fk_sessions_consultation",
                                ondelete="RESTRICT"), nullable=False),
        sa.Column("patient_id", sa.Integer,
                  sa.ForeignKey("patients.id", name="fk_sessions_patient", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("concern", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(12), nullable=False),
        sa.Column("corrects", sa.Integer,
                  sa.ForeignKey("sessions.id", name="fk_sessions_corrects", ondelete="RESTRICT"),
                  nullable=True),
        sa.Column("correction_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.UniqueConstraint("corrects", name="uq_sessions_corrects"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sessions_consultation", "sessions", ["consultation_id", "concern", "number"])
    op.create_index("ix_sessions_patient", "sessions", ["patient_id", "date"])
    op.create_table(
        "session_products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer,
                  sa.ForeignKey("sessions.id", name="fk_session_products_session",
                                ondelete="RESTRICT"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("consultation_id", sa.Integer, nullable=False),
        sa.Column("session_date", sa.Date, nullable=False),
        sa.Column("substance", sa.String(64), nullable=False),
        sa.Column("product", sa.String(200), nullable=False, server_default=""),
        sa.Column("manufacturer", sa.String(200), nullable=False, server_default=""),
        sa.Column("lot", sa.String(40), nullable=False),
        sa.Column("lot_key", sa.String(40), nullable=False),
        sa.Column("expiry", sa.String(10), nullable=False),
        sa.Column("volume_ml", sa.Float, nullable=False),
        sa.Column("concentration_mg_per_ml", sa.Float, nullable=True),
        sa.UniqueConstraint("session_id", "position", name="uq_session_products_position"),
        sqlite_autoincrement=True,
    )
    # Covering and in recall order: a recall reads one run of it, then the patients.
    op.create_index("ix_session_products_lot", "session_products",
                    ["lot_key", "session_date", "session_id", "position", "patient_id",
                     "consultation_id", "substance", "product", "manufacturer", "lot", "expiry"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_FUNCTIONS:
            op.execute(statement)
        for statement in POSTGRESQL_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("session_products")
    op.drop_table("sessions")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION mesodesk_session_needs_final()")
        op.execute("DROP FUNCTION mesodesk_product_while_recording()")
