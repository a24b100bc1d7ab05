"""Listing ids as wide as Elasticsearch's ``_id``; detection runs keep a window and a slice plan.

Document ids up to 400 bytes are kept as crawled, so a 300-character column failed the whole
detection batch on PostgreSQL. A detection run records ``until`` (the end of its window) and its
``slice_plan`` (``all`` or ``k/n``), under which its watermark is kept; earlier runs were ``all``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
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
    with op.batch_alter_table("detection_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slice_plan", sa.String(length=20), nullable=False, server_default="all"))
        batch_op.add_column(sa.Column("until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("detection_runs", schema=None) as batch_op:
        batch_op.alter_column("slice_plan", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("detection_runs", schema=None) as batch_op:
        batch_op.drop_column("until")
        batch_op.drop_column("slice_plan")
    _resize(512, 300)
