"""Mark backfills and the shared detection vocabulary.

``mark_backfills`` queues one check of a mark against every collected listing when the mark is added
or changed (issue 16, item 2); ``detection_vocabularies`` holds the learned vocabulary in versions,
so every worker reads the same words instead of a file on its own disk (item 3).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mark_backfills",
        sa.Column("mark_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        sa.Column("claimed_request", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("listings_checked", sa.Integer(), nullable=True),
        sa.Column("hits_found", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["mark_id"], ["marks.id"], name=op.f("fk_mark_backfills_mark_id_marks")),
        sa.PrimaryKeyConstraint("mark_id", name=op.f("pk_mark_backfills")),
    )
    op.create_index(op.f("ix_mark_backfills_status"), "mark_backfills", ["status"])
    op.create_table(
        "detection_vocabularies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("listings", sa.Integer(), nullable=False),
        sa.Column("min_brands", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_vocabularies")),
    )


def downgrade() -> None:
    op.drop_table("detection_vocabularies")
    op.drop_index(op.f("ix_mark_backfills_status"), table_name="mark_backfills")
    op.drop_table("mark_backfills")
