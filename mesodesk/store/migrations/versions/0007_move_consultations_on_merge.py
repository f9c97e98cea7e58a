"""Two records of one person can be merged: a closed consultation may move to another
patient, and nothing else about it may change. The trigger that keeps finalized and
not-treated consultations unchanged now lets an update through only when the patient is
the one column it changes (a merge, audited with the state before and after); every
other change of a closed consultation is refused as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Every column of consultations but patient_id: unchanged, or the update is refused.
# (tests/store/test_patient_merge.py changes each column of a final consultation in turn.)
UNCHANGED = ("id", "practitioner_id", "date", "concerns", "status", "document", "fingerprint",
             "supersedes", "created_at", "updated_at", "finalized_at", "format")

MESSAGE = "a finalized consultation cannot be changed"
_SQLITE_SAME = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in UNCHANGED)
_PG_NEW = ", ".join(f"NEW.{column}" for column in UNCHANGED)
_PG_OLD = ", ".join(f"OLD.{column}" for column in UNCHANGED)

SQLITE_MOVABLE = f"""
    CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
    WHEN OLD.status <> 'draft'
     AND NOT (NEW.patient_id IS NOT OLD.patient_id AND {_SQLITE_SAME})
    BEGIN SELECT RAISE(ABORT, 'mesodesk: {MESSAGE}'); END"""
SQLITE_FROZEN = f"""
    CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
    WHEN OLD.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, 'mesodesk: {MESSAGE}'); END"""
POSTGRESQL_MOVABLE = f"""
    CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
    FOR EACH ROW WHEN (OLD.status <> 'draft'
                       AND NOT (NEW.patient_id IS DISTINCT FROM OLD.patient_id
                                AND ROW({_PG_NEW}) IS NOT DISTINCT FROM ROW({_PG_OLD})))
    EXECUTE FUNCTION mesodesk_refuse_change('{MESSAGE}')"""
POSTGRESQL_FROZEN = f"""
    CREATE TRIGGER consultations_final_no_update BEFORE UPDATE ON consultations
    FOR EACH ROW WHEN (OLD.status <> 'draft')
    EXECUTE FUNCTION mesodesk_refuse_change('{MESSAGE}')"""


def _replace(sqlite: str, postgresql: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER consultations_final_no_update")
        op.execute(sqlite)
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER consultations_final_no_update ON consultations")
        op.execute(postgresql)


def upgrade() -> None:
    _replace(SQLITE_MOVABLE, POSTGRESQL_MOVABLE)


def downgrade() -> None:
    _replace(SQLITE_FROZEN, POSTGRESQL_FROZEN)
