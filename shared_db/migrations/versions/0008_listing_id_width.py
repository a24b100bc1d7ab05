"""Columns that hold a listing's Elasticsearch ``_id`` are as wide as the id can be (512 bytes).

Document ids up to 400 bytes are kept as crawled, so a 300-character column failed the whole
detection batch on PostgreSQL.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = (("hits", False), ("suspect_reports", True))
# As in migrations 0002 and 0004: SQLite's batch mode rebuilds the table and cannot carry expression indexes.
EXPRESSION = "abs(coalesce(probability, 1.5) - 0.5)"
_EXPRESSION_INDEXES = (f"ix_hits_status_uncertainty ON hits (status, {EXPRESSION}, id)",
                       f"ix_hits_uncertainty ON hits ({EXPRESSION}, id)")


def _resize(old: int, new: int) -> None:
    for table, nullable in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("listing_id", existing_type=sa.String(length=old), type_=sa.String(length=new),
                                  existing_nullable=nullable)
    for index in _EXPRESSION_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {index}")


def upgrade() -> None:
    _resize(300, 512)


def downgrade() -> None:
    _resize(512, 300)
