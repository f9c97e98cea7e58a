"""The clinic's phone (printed with its address on every page) and its jurisdiction (which
decides the regulatory status printed on a consent: EU with the member state, US or UK).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite adds a CHECK constraint only by rebuilding the table
    with op.batch_alter_table("clinic_settings") as batch:
        batch.add_column(sa.Column("phone", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("jurisdiction", sa.String(8), nullable=False,
                                   server_default="EU"))
        batch.add_column(sa.Column("member_state", sa.String(2), nullable=False,
                                   server_default="GR"))
        batch.create_check_constraint("ck_clinic_settings_jurisdiction",
                                      "jurisdiction IN ('EU', 'US', 'UK')")


def downgrade() -> None:
    with op.batch_alter_table("clinic_settings") as batch:
        batch.drop_constraint("ck_clinic_settings_jurisdiction", type_="check")
        batch.drop_column("member_state")
        batch.drop_column("jurisdiction")
        batch.drop_column("phone")
