"""Indexes for the review queue's "all statuses" orders and its seller filter.

Without them, ``status=all`` sorts every hit and a seller filter reads every open hit (both ~0.1-0.5 s at
100,000 hits); with them, each is an index range like the default queue.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:00:00
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Same expression, with literal constants, as review_ui.queries.uncertainty() (and migration 0002).
EXPRESSION = "abs(coalesce(probability, 1.5) - 0.5)"


def upgrade() -> None:
    op.create_index("ix_hits_priority", "hits", ["priority", "id"])
    op.execute(f"CREATE INDEX ix_hits_uncertainty ON hits ({EXPRESSION}, id)")
    op.create_index("ix_hits_seller_name", "hits", ["seller_name"])


def downgrade() -> None:
    op.drop_index("ix_hits_seller_name", table_name="hits")
    op.execute("DROP INDEX ix_hits_uncertainty")
    op.drop_index("ix_hits_priority", table_name="hits")
