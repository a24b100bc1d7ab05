"""Mark distinctiveness: how much evidence a hit on the mark needs, assessed when the mark changes.

Existing marks get NULL: detection assesses those afresh, and ``markwatch marks refresh-distinctiveness``
(or housekeeping, after relearning the vocabulary) stores the assessment. The migration does not import
detection.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("distinctiveness", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("distinctiveness_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.drop_column("distinctiveness_at")
        batch_op.drop_column("distinctiveness")
