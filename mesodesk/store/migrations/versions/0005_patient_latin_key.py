"""Search across scripts: each patient's name key in Latin letters (Greek transliterated by
ELOT 743), so "Eleni" finds "Ελένη"; back-filled for every existing patient.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

from mesodesk.store.search import latin_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 2000
# As in 0002: batch mode re-creates the table and must keep AUTOINCREMENT.
TABLE_KWARGS = {"sqlite_autoincrement": True}


def _backfill() -> None:
    bind = op.get_bind()
    patients = sa.table("patients", sa.column("id", sa.Integer), sa.column("name", sa.Text),
                        sa.column("latin_key", sa.Text))
    last_id = 0
    while True:
        rows = bind.execute(sa.select(patients.c.id, patients.c.name)
                            .where(patients.c.id > last_id).order_by(patients.c.id)
                            .limit(BATCH)).all()
        if not rows:
            break
        bind.execute(patients.update().where(patients.c.id == sa.bindparam("row_id"))
                     .values(latin_key=sa.bindparam("key")),
                     [{"row_id": row.id, "key": latin_key(row.name)} for row in rows])
        last_id = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("latin_key", sa.Text, nullable=True))
    _backfill()
    with op.batch_alter_table("patients", table_kwargs=TABLE_KWARGS) as batch:
        batch.alter_column("latin_key", existing_type=sa.Text, nullable=False)
        batch.drop_index("ix_patients_search_key")
        batch.create_index("ix_patients_name_keys", ["search_key", "latin_key"])


def downgrade() -> None:
    with op.batch_alter_table("patients", table_kwargs=TABLE_KWARGS) as batch:
        batch.drop_index("ix_patients_name_keys")
        batch.create_index("ix_patients_search_key", ["search_key"])
        batch.drop_column("latin_key")
