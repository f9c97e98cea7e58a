"""Consultation documents of version 2 (``mesodesk.consultation/2``): each stored
consultation says which version of the format its document is written in.

Stored documents are not rewritten. A version-1 document is upgraded each time it is read
(``mesodesk.domain.document.upgrade_v1``), so a finalized consultation stays byte for byte
what was finalized, its audit trail stays whole, and a signed one keeps its signed PDF and
the fingerprint that PDF prints (fingerprints are versioned: a version-1 document keeps
its version-1 fingerprint). Every row stored before this revision holds version 1; from
now on the store writes version 2, and names the version in this column.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSION_1 = "mesodesk.consultation/1"


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild, so the immutability triggers stay): every row
    # stored so far was written by a mesodesk that wrote only version 1.
    op.add_column("consultations", sa.Column("format", sa.String(40), nullable=False,
                                             server_default=VERSION_1))


def downgrade() -> None:
    bind = op.get_bind()
    newer = bind.execute(sa.text("SELECT COUNT(*) FROM consultations "
                                 "WHERE format <> :v1"), {"v1": VERSION_1}).scalar_one()
    if newer:
        # Version 3 of mesodesk cannot read them: refuse rather than leave unreadable records.
        raise RuntimeError(f"{newer} consultations are stored as version 2 of the document "
                           "format, which revision 0003 cannot read; restore the backup made "
                           "before the upgrade instead")
    # Not batch mode: rebuilding the table would lose its triggers in SQLite (3.35 and later
    # drop a column in place, as PostgreSQL does).
    op.execute("ALTER TABLE consultations DROP COLUMN format")
