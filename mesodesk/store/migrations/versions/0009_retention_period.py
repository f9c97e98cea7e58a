"""How long the clinic keeps a patient's clinical records after the last one (the
retention period, in years), and whether the clinic confirmed it: until then the default
(10 years) is shown as not confirmed. Erasing a patient is refused while the period runs.

Once it has run out, a patient may be erased (GDPR article 17): an explicit, audited
operation of the store. It first writes a row in ``erasures`` (the patient's id, the last
day the records had to be kept, when and by whom: no personal data), and the triggers that
keep closed consultations, signed consents, sessions and their products, photographs and
photo consent events from being deleted now let a deletion through only for a patient with
such a row. An erasure row itself never changes and is never deleted; TRUNCATE stays
refused on every table. The audit trail keeps one event per record deleted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Migrations are frozen in time: SQL and plain SQLAlchemy types here.
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ERASED = "EXISTS (SELECT 1 FROM erasures WHERE erasures.patient_id = {patient})"
CONSENT_PATIENT = "(SELECT patient_id FROM consultations WHERE id = OLD.consultation_id)"

# table: (delete trigger, condition before this revision (SQLite), message)
DELETES = {
    "consultations": ("consultations_final_no_delete", "OLD.status <> 'draft'",
                      "a finalized consultation cannot be deleted"),
    "signed_consents": ("signed_consents_no_delete", "", "a signed consent cannot be deleted"),
    "sessions": ("sessions_no_delete", "", "a recorded session cannot be deleted"),
    "session_products": ("session_products_no_delete", "", "a recorded session cannot be changed"),
    "photos": ("photos_no_delete", "",
               "a stored photograph cannot be deleted (withdraw the photo consent instead)"),
    "photo_consents": ("photo_consents_no_delete", "", "a photo consent event cannot be changed"),
}
ERASURE_CHANGED = "an erasure record cannot be changed"


def _patient(table: str) -> str:
    return CONSENT_PATIENT if table == "signed_consents" else "OLD.patient_id"


# -- SQLite ----------------------------------------------------------------------------------
def _sqlite_delete(table: str, erasable: bool) -> str:
    trigger, when, message = DELETES[table]
    conditions = [when] if when else []
    if erasable:
        conditions.append("NOT " + ERASED.format(patient=_patient(table)))
    where = f"WHEN {' AND '.join(conditions)} " if conditions else ""
    return (f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} {where}"
            f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {message}'); END")


SQLITE_ERASURES = [
    "CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures "
    f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {ERASURE_CHANGED}'); END",
    "CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures "
    f"BEGIN SELECT RAISE(ABORT, 'mesodesk: {ERASURE_CHANGED}'); END",
]


# -- PostgreSQL ------------------------------------------------------------------------------
# A trigger's WHEN cannot hold a subquery there: a function looks for the erasure.
PG_FUNCTION = """
    CREATE FUNCTION mesodesk_refuse_delete_unless_erased() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        patient integer;
    BEGIN
        IF TG_TABLE_NAME = 'signed_consents' THEN
            SELECT patient_id INTO patient FROM consultations WHERE id = OLD.consultation_id;
        ELSE
            patient := (to_jsonb(OLD) ->> 'patient_id')::integer;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM erasures WHERE erasures.patient_id = patient) THEN
            RAISE EXCEPTION 'mesodesk: %', TG_ARGV[0] USING ERRCODE = 'MD001';
        END IF;
        RETURN OLD;
    END
    $$"""
# Before this revision: table -> its delete trigger as it was (statement-level ones refused
# TRUNCATE too; consultations have a TRUNCATE trigger of their own).
PG_BEFORE = {
    "consultations": "FOR EACH ROW WHEN (OLD.status <> 'draft')",
    "signed_consents": "FOR EACH STATEMENT",
    "sessions": "FOR EACH STATEMENT",
    "session_products": "FOR EACH STATEMENT",
    "photos": "FOR EACH STATEMENT",
    "photo_consents": "FOR EACH STATEMENT",
}


def _pg_upgrade(table: str) -> list[str]:
    trigger, _when, message = DELETES[table]
    statements = [f"DROP TRIGGER {trigger} ON {table}"]
    when = "WHEN (OLD.status <> 'draft') " if table == "consultations" else ""
    statements.append(f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} FOR EACH ROW {when}"
                      f"EXECUTE FUNCTION mesodesk_refuse_delete_unless_erased('{message}')")
    if table != "consultations":
        statements.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION mesodesk_refuse_change('{message}')")
    return statements


def _pg_downgrade(table: str) -> list[str]:
    trigger, _when, message = DELETES[table]
    statements = [f"DROP TRIGGER {trigger} ON {table}"]
    events = "DELETE" if table == "consultations" else "DELETE OR TRUNCATE"
    if table != "consultations":
        statements.append(f"DROP TRIGGER {table}_no_truncate ON {table}")
    statements.append(f"CREATE TRIGGER {trigger} BEFORE {events} ON {table} {PG_BEFORE[table]} "
                      f"EXECUTE FUNCTION mesodesk_refuse_change('{message}')")
    return statements


PG_ERASURES = [
    "CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures FOR EACH ROW "
    f"EXECUTE FUNCTION mesodesk_refuse_change('{ERASURE_CHANGED}')",
    "CREATE TRIGGER erasures_no_delete BEFORE DELETE OR TRUNCATE ON erasures FOR EACH STATEMENT "
    f"EXECUTE FUNCTION mesodesk_refuse_change('{ERASURE_CHANGED}')",
]


def upgrade() -> None:
    # batch mode: SQLite adds a CHECK constraint only by rebuilding the table
    with op.batch_alter_table("clinic_settings") as batch:
        batch.add_column(sa.Column("retention_years", sa.Integer(), nullable=False,
                                   server_default="10"))
        batch.add_column(sa.Column("retention_confirmed", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_check_constraint("ck_clinic_settings_retention",
                                      "retention_years BETWEEN 1 AND 100")
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True),
        # No foreign key: the patient it names is gone.
        sa.Column("patient_id", sa.Integer, nullable=False),
        sa.Column("kept_until", sa.Date, nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.UniqueConstraint("patient_id", name="uq_erasures_patient"),
        sqlite_autoincrement=True,
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, (trigger, _when, _message) in DELETES.items():
            op.execute(f"DROP TRIGGER {trigger}")
            op.execute(_sqlite_delete(table, erasable=True))
        for statement in SQLITE_ERASURES:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for table in DELETES:
            for statement in _pg_upgrade(table):
                op.execute(statement)
        for statement in PG_ERASURES:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, (trigger, _when, _message) in DELETES.items():
            op.execute(f"DROP TRIGGER {trigger}")
            op.execute(_sqlite_delete(table, erasable=False))
    elif dialect == "postgresql":
        for table in DELETES:
            for statement in _pg_downgrade(table):
                op.execute(statement)
        op.execute("DROP FUNCTION mesodesk_refuse_delete_unless_erased()")
    op.drop_table("erasures")  # its own triggers go with it
    with op.batch_alter_table("clinic_settings") as batch:
        batch.drop_constraint("ck_clinic_settings_retention", type_="check")
        batch.drop_column("retention_confirmed")
        batch.drop_column("retention_years")
