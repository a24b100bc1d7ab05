"""Case lifecycle and staydown kinds: a case's resolution, closing and follow-up notice; a listing's follow-up;
whether a flagged hit re-lists the removed item or is the same seller's other item.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
_CASE_COLUMNS = ("resolution", "close_note", "closed_at", "closed_by", "followups", "followup_sent_at",
                 "followup_sent_to", "followup_sha256")


def upgrade() -> None:
    # hits and case_listings get plain columns (ALTER TABLE ADD COLUMN, no rebuild of hits' expression indexes)
    op.add_column("hits", sa.Column("relisting_kind", sa.String(20), nullable=True))
    op.execute("UPDATE hits SET relisting_kind = 'relisting' WHERE relisting_of_case_id IS NOT NULL")
    op.add_column("case_listings", sa.Column("followup_at", TS, nullable=True))
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution", sa.String(30), nullable=True))
        batch_op.add_column(sa.Column("close_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", TS, nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("followups", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("followup_sent_at", TS, nullable=True))
        batch_op.add_column(sa.Column("followup_sent_to", sa.String(320), nullable=True))
        batch_op.add_column(sa.Column("followup_sha256", sa.String(64), nullable=True))
        batch_op.create_foreign_key("fk_enforcement_cases_closed_by_users", "users", ["closed_by"], ["id"])
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.alter_column("followups", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_enforcement_cases_closed_by_users", type_="foreignkey")
        for column in _CASE_COLUMNS:
            batch_op.drop_column(column)
    op.drop_column("case_listings", "followup_at")
    op.drop_column("hits", "relisting_kind")
