"""Photographs of the treated areas and the photo consent given or withdrawn on its own.

A stored photograph's metadata never changes. Triggers let two updates through and refuse
every other: the deletion of its image data when the consent is withdrawn (image and
thumbnail become NULL and ``deleted_at`` is set, all else unchanged), and a move to another
patient in a merge (the patient is the one column that changes). A photograph or a consent
event is never deleted.

The image columns come last in the row and a covering index lists a patient's photographs,
so listing them never reads image data, however large the database grows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Migrations are frozen in time: SQL and plain SQLAlchemy types here.
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)

METADATA = ("id", "area", "view", "session_id", "taken_on", "width", "height", "image_sha256",
            "added_at")
IMAGE = ("image", "thumbnail", "deleted_at")
CONSENT = ("id", "given", "on_date", "actor", "recorded_at")
LISTED = ("patient_id", "taken_on", "id", "area", "view", "session_id", "width", "height",
          "added_at", "deleted_at")

PHOTO_CHANGED = "a stored photograph cannot be changed"
PHOTO_DELETED = "a stored photograph cannot be deleted (withdraw the photo consent instead)"
CONSENT_CHANGED = "a photo consent event cannot be changed"


def _sqlite_same(columns) -> str:
    return " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns)


def _pg_same(columns) -> str:
    new = ", ".join(f"NEW.{column}" for column in columns)
    old = ", ".join(f"OLD.{column}" for column in columns)
    return f"ROW({new}) IS NOT DISTINCT FROM ROW({old})"


def _photo_allowed(same, moved: str, unmoved: str) -> str:
    withdrawal = (f"(OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL AND NEW.image IS NULL"
                  f" AND NEW.thumbnail IS NULL AND {unmoved} AND {same(METADATA)})")
    merge = f"({moved} AND {same(METADATA)} AND {same(IMAGE)})"
    return f"{withdrawal} OR {merge}"


def _sqlite_statements() -> list[str]:
    photo_ok = _photo_allowed(_sqlite_same, "NEW.patient_id IS NOT OLD.patient_id",
                              "NEW.patient_id IS OLD.patient_id")
    consent_ok = f"NEW.patient_id IS NOT OLD.patient_id AND {_sqlite_same(CONSENT)}"
    return [
        f"CREATE TRIGGER photos_no_update BEFORE UPDATE ON photos WHEN NOT ({photo_ok}) "
        f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {PHOTO_CHANGED}'); END",
        f"CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos "
        f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {PHOTO_DELETED}'); END",
        f"CREATE TRIGGER photo_consents_no_update BEFORE UPDATE ON photo_consents "
        f"WHEN NOT ({consent_ok}) BEGIN SELECT RAISE(ABORT, 'mesodesk: {CONSENT_CHANGED}'); END",
        f"CREATE TRIGGER photo_consents_no_delete BEFORE DELETE ON photo_consents "
        f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {CONSENT_CHANGED}'); END",
    ]


def _postgresql_statements() -> list[str]:
    photo_ok = _photo_allowed(_pg_same, "NEW.patient_id IS DISTINCT FROM OLD.patient_id",
                              "NEW.patient_id IS NOT DISTINCT FROM OLD.patient_id")
    consent_ok = f"NEW.patient_id IS DISTINCT FROM OLD.patient_id AND {_pg_same(CONSENT)}"
    return [
        f"CREATE TRIGGER photos_no_update BEFORE UPDATE ON photos FOR EACH ROW "
        f"WHEN (NOT ({photo_ok})) EXECUTE FUNCTION mesodesk_refuse_change('{PHOTO_CHANGED}')",
        f"CREATE TRIGGER photos_no_delete BEFORE DELETE OR TRUNCATE ON photos "
        f"FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('{PHOTO_DELETED}')",
        f"CREATE TRIGGER photo_consents_no_update BEFORE UPDATE ON photo_consents FOR EACH ROW "
        f"WHEN (NOT ({consent_ok})) EXECUTE FUNCTION mesodesk_refuse_change('{CONSENT_CHANGED}')",
        f"CREATE TRIGGER photo_consents_no_delete BEFORE DELETE OR TRUNCATE ON photo_consents "
        f"FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('{CONSENT_CHANGED}')",
    ]


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer,
                  sa.ForeignKey("patients.id", name="fk_photos_patient", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("view", sa.String(16), nullable=False),
        sa.Column("session_id", sa.Integer,
                  sa.ForeignKey("sessions.id", name="fk_photos_session", ondelete="RESTRICT"),
                  nullable=True),
        sa.Column("taken_on", sa.Date, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("added_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        # Last in the row: a query that does not name them never reads their pages.
        sa.Column("thumbnail", sa.LargeBinary, nullable=True),
        sa.Column("image", sa.LargeBinary, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_photos_patient", "photos", list(LISTED))
    op.create_table(
        "photo_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer,
                  sa.ForeignKey("patients.id", name="fk_photo_consents_patient",
                                ondelete="RESTRICT"), nullable=False),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False, server_default=""),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_photo_consents_patient", "photo_consents", ["patient_id", "on_date"])

    dialect = op.get_bind().dialect.name
    statements = (_sqlite_statements() if dialect == "sqlite"
                  else _postgresql_statements() if dialect == "postgresql" else [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("photo_consents")
    op.drop_table("photos")
