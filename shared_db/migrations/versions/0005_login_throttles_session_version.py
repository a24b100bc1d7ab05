"""Login throttling shared by server processes, and a per-user session version.

``login_throttles`` counts failed logins per account, client address and known device (issue 15, item 9);
``users.session_version`` ends every session of a user on logout, password change and deactivation (item 11).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.Float(), nullable=False),
        sa.Column("blocked_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_last_failure_at"), "login_throttles", ["last_failure_at"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    op.drop_index(op.f("ix_login_throttles_last_failure_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
