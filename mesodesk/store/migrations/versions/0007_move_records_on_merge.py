"""Two records of one person can be merged: a closed consultation and a recorded session
may move to another patient, and nothing else about them may change. The triggers that
keep finalized consultations and recorded sessions unchanged now let an update through
only when the patient is the one column it changes (a merge, audited with the state
before and after); every other change is refused as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Every column but patient_id: unchanged, or the update is refused.
# (tests/store/test_patient_merge.py changes each column of a closed record in turn.)
UNCHANGED = {
    "consultations": ("id", "practitioner_id", "date", "concerns", "status", "document",
                      "fingerprint", "supersedes", "created_at", "updated_at", "finalized_at",
                      "format"),
    "sessions": ("id", "consultation_id", "concern", "number", "date", "document", "fingerprint",
                 "corrects", "correction_reason", "recorded_at"),
}
TRIGGERS = {  # table: (trigger, when it applies, its message)
    "consultations": ("consultations_final_no_update", "OLD.status <> 'draft'",
                      "a finalized consultation cannot be changed"),
    "sessions": ("sessions_no_update", "", "a recorded session cannot be changed"),
}


def _sqlite(table: str, movable: bool) -> str:
    trigger, when, message = TRIGGERS[table]
    conditions = [when] if when else []
    if movable:
        same = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in UNCHANGED[table])
        conditions.append(f"NOT (NEW.patient_id IS NOT OLD.patient_id AND {same})")
    where = f"WHEN {' AND '.join(conditions)} " if conditions else ""
    return (f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} {where}"
            f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {message}'); END")


def _postgresql(table: str, movable: bool) -> str:
    trigger, when, message = TRIGGERS[table]
    conditions = [f"({when})"] if when else []
    if movable:
        new = ", ".join(f"NEW.{column}" for column in UNCHANGED[table])
        old = ", ".join(f"OLD.{column}" for column in UNCHANGED[table])
        conditions.append(f"NOT (NEW.patient_id IS DISTINCT FROM OLD.patient_id "
                          f"AND ROW({new}) IS NOT DISTINCT FROM ROW({old}))")
    where = f"WHEN ({' AND '.join(conditions)}) " if conditions else ""
    return (f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} FOR EACH ROW {where}"
            f"EXECUTE FUNCTION mesodesk_refuse_change('{message}')")


def _replace(movable: bool) -> None:
    dialect = op.get_bind().dialect.name
    for table, (trigger, _when, _message) in TRIGGERS.items():
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER {trigger}")
            op.execute(_sqlite(table, movable))
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
            op.execute(_postgresql(table, movable))


def upgrade() -> None:
    _replace(movable=True)


def downgrade() -> None:
    _replace(movable=False)
