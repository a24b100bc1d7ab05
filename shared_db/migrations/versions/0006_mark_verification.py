"""Mark verification: a rights holder's mark is a claim until a reviewer or admin checks it.

Marks that exist already were registered before claims were checked and are migrated as verified.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verification", sa.String(length=20), nullable=False,
                                      server_default="verified"))
        batch_op.add_column(sa.Column("verification_note", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("verified_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_marks_verified_by_users"), "users", ["verified_by"], ["id"])
    # The server default only fills the existing rows; new marks get their state from the application.
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.alter_column("verification", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_marks_verified_by_users"), type_="foreignkey")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("verified_by")
        batch_op.drop_column("verification_note")
        batch_op.drop_column("verification")
