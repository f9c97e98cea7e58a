"""How long the clinic keeps a patient's clinical records after the last one (the
retention period, in years), and whether the clinic confirmed it: until then the default
(10 years) is shown as not confirmed. Erasing a patient is refused while the period runs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite adds a CHECK constraint only by rebuilding the table
    with op.batch_alter_table("clinic_settings") as batch:
        batch.add_column(sa.Column("retention_years", sa.Integer(), nullable=False,
                                   server_default="10"))
        batch.add_column(sa.Column("retention_confirmed", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_check_constraint("ck_clinic_settings_retention",
                                      "retention_years BETWEEN 1 AND 100")


def downgrade() -> None:
    with op.batch_alter_table("clinic_settings") as batch:
        batch.drop_constraint("ck_clinic_settings_retention", type_="check")
        batch.drop_column("retention_confirmed")
        batch.drop_column("retention_years")
