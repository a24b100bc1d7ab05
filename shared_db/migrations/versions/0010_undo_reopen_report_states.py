"""Decisions can be undone (within a few seconds) and hits reopened; reports record the hit they became.

``decisions.previous_status`` is the hit's status before the decision, restored by an undo;
``undone_at``/``undone_by`` mark an undone decision (kept for the audit, never a training label).
A reopen is a decision row with the verdict ``reopened`` and its reason. ``suspect_reports.hit_id``
is the hit a report became; the old state ``failed`` is now ``fetch_failed``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("undone_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_decisions_undone_by_users"), "users", ["undone_by"], ["id"])
    with op.batch_alter_table("suspect_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_suspect_reports_hit_id_hits"), "hits", ["hit_id"], ["id"])
    op.execute("UPDATE suspect_reports SET status = 'fetch_failed' WHERE status = 'failed'")


def downgrade() -> None:
    op.execute("UPDATE suspect_reports SET status = 'failed' WHERE status IN ('fetch_failed', 'refused')")
    op.execute("UPDATE suspect_reports SET status = 'crawled' WHERE status IN ('no_match', 'hit')")
    with op.batch_alter_table("suspect_reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_suspect_reports_hit_id_hits"), type_="foreignkey")
        batch_op.drop_column("hit_id")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decisions_undone_by_users"), type_="foreignkey")
        batch_op.drop_column("undone_by")
        batch_op.drop_column("undone_at")
        batch_op.drop_column("previous_status")
