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
_ITEM = "relisting_reason LIKE '%same image%' OR relisting_reason LIKE '%like the removed one%'"
_CASE_COLUMNS = ("resolution", "close_note", "closed_at", "closed_by", "followups", "followup_sent_at",
                 "followup_sent_to", "followup_sha256")


def upgrade() -> None:
    # hits and case_listings get plain columns (ALTER TABLE ADD COLUMN, no rebuild of hits' expression indexes)
    op.add_column("hits", sa.Column("relisting_kind", sa.String(20), nullable=True))
    # Hits flagged before: the same seller alone was a re-listing then; it is a repeat infringer now, whose boost
    # is 50 less (shared_db.repo.hits.REPEAT_INFRINGER_BOOST). Item evidence was written as these two phrases.
    op.execute(f"UPDATE hits SET relisting_kind = 'relisting' WHERE relisting_of_case_id IS NOT NULL AND ({_ITEM})")
    op.execute("UPDATE hits SET priority = CASE WHEN status = 'new' THEN priority - 50.0 ELSE priority END, "
               "relisting_kind = 'repeat_infringer' WHERE relisting_of_case_id IS NOT NULL AND relisting_kind IS NULL")
    op.add_column("case_listings", sa.Column("followup_at", TS, nullable=True))
    # Plain ADD COLUMNs here too: a batch rebuild would drop enforcement_cases, which case_listings and hits
    # reference (SQLite refuses with foreign keys on), so closed_by has no foreign key (the audit log names the actor).
    op.add_column("enforcement_cases", sa.Column("resolution", sa.String(30), nullable=True))
    op.add_column("enforcement_cases", sa.Column("close_note", sa.Text(), nullable=True))
    op.add_column("enforcement_cases", sa.Column("closed_at", TS, nullable=True))
    op.add_column("enforcement_cases", sa.Column("closed_by", sa.Integer(), nullable=True))
    op.add_column("enforcement_cases", sa.Column("followups", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("enforcement_cases", sa.Column("followup_sent_at", TS, nullable=True))
    op.add_column("enforcement_cases", sa.Column("followup_sent_to", sa.String(320), nullable=True))
    op.add_column("enforcement_cases", sa.Column("followup_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    for column in _CASE_COLUMNS:
        op.drop_column("enforcement_cases", column)
    op.drop_column("case_listings", "followup_at")
    op.drop_column("hits", "relisting_kind")
