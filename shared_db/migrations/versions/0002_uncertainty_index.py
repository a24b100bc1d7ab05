"""Index for the review queue's "most uncertain first" order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:20:00
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Same expression, with literal constants, as review_ui.queries.uncertainty(), so the index serves it.
EXPRESSION = "abs(coalesce(probability, 1.5) - 0.5)"


def upgrade() -> None:
    op.execute(f"CREATE INDEX ix_hits_status_uncertainty ON hits (status, {EXPRESSION}, id)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_hits_status_uncertainty")
