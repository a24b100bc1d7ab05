"""Screenshot evidence: a full-page PNG of each hit at or above the threshold and of each reported URL.

``screenshot_sha256`` names the PNG in the evidence store (its sidecar keeps the URL and capture
time), ``screenshot_at`` is when it was taken or last tried, ``screenshot_error`` why it failed.
Plain ``ADD COLUMN`` (no batch rebuild), so SQLite keeps the hits' expression indexes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("hits", "suspect_reports")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("screenshot_sha256", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("screenshot_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("screenshot_error", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        for column in ("screenshot_error", "screenshot_at", "screenshot_sha256"):
            op.drop_column(table, column)
