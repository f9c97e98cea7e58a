"""Patient search keys: an accent- and case-insensitive name key and the phone's digits,
both indexed, back-filled for every existing patient.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

from mesodesk.store.search import phone_digits, search_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 2000


def _backfill() -> None:
    bind = op.get_bind()
    patients = sa.table("patients", sa.column("id", sa.Integer), sa.column("name", sa.Text),
                        sa.column("phone", sa.String), sa.column("search_key", sa.Text),
                        sa.column("phone_digits", sa.String))
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(patients.c.id, patients.c.name, patients.c.phone)
            .where(patients.c.id > last_id).order_by(patients.c.id).limit(BATCH)).all()
        if not rows:
            break
        bind.execute(
            patients.update().where(patients.c.id == sa.bindparam("row_id"))
            .values(search_key=sa.bindparam("key"), phone_digits=sa.bindparam("digits")),
            [{"row_id": row.id, "key": search_key(row.name), "digits": phone_digits(row.phone)}
             for row in rows])
        last_id = rows[-1].id


# Batch mode re-creates the table from its reflection (CHECK constraints included), which
# does not know AUTOINCREMENT: ask for it again so patient ids are never reused.
TABLE_KWARGS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("search_key", sa.Text, nullable=True))
        batch.add_column(sa.Column("phone_digits", sa.String(200), nullable=False,
                                   server_default=""))
    _backfill()
    # In SQLite this re-creates the table (batch mode); the runner has foreign keys off for
    # the migration and checks them before committing.
    with op.batch_alter_table("patients", table_kwargs=TABLE_KWARGS) as batch:
        batch.alter_column("search_key", existing_type=sa.Text, nullable=False)
        batch.drop_index("ix_patients_name")
        batch.create_index("ix_patients_search_key", ["search_key"])
        batch.create_index("ix_patients_phone_digits", ["phone_digits"])


def downgrade() -> None:
    with op.batch_alter_table("patients", table_kwargs=TABLE_KWARGS) as batch:
        batch.drop_index("ix_patients_phone_digits")
        batch.drop_index("ix_patients_search_key")
        batch.create_index("ix_patients_name", ["name"])
        batch.drop_column("phone_digits")
        batch.drop_column("search_key")
