"""Reference product images of marks (pHash and evidence-store sha256).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mark_reference_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mark_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mark_id"], ["marks.id"], name=op.f("fk_mark_reference_images_mark_id_marks")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"],
                                name=op.f("fk_mark_reference_images_uploaded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mark_reference_images")),
        sa.UniqueConstraint("mark_id", "sha256", name="uq_mark_reference_images_mark_sha256"),
    )
    with op.batch_alter_table("mark_reference_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mark_reference_images_mark_id"), ["mark_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mark_reference_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mark_reference_images_mark_id"))
    op.drop_table("mark_reference_images")
