"""Enforcement: cases with their notice and the marketplace's answer, notified listings' outcomes, seller links,
and the staydown link of a re-listed hit to the earlier case.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
# As in migrations 0002, 0004 and 0008: SQLite's batch mode rebuilds the table and cannot carry expression indexes.
EXPRESSION = "abs(coalesce(probability, 1.5) - 0.5)"
_EXPRESSION_INDEXES = (f"ix_hits_status_uncertainty ON hits (status, {EXPRESSION}, id)",
                       f"ix_hits_uncertainty ON hits ({EXPRESSION}, id)")


def upgrade() -> None:
    op.create_table(
        "enforcement_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisations.id", name="fk_enforcement_cases_org_id_organisations"),
                  nullable=False),
        sa.Column("marketplace", sa.String(100), nullable=False),
        sa.Column("mark_id", sa.Integer(), sa.ForeignKey("marks.id", name="fk_enforcement_cases_mark_id_marks")),
        sa.Column("network", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", name="fk_enforcement_cases_created_by_users")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("notice_sha256", sa.String(64)),
        sa.Column("notice_sent_at", TS),
        sa.Column("notice_sent_to", sa.String(320)),
        sa.Column("notice_sent_by", sa.Integer(),
                  sa.ForeignKey("users.id", name="fk_enforcement_cases_notice_sent_by_users")),
        sa.Column("response", sa.String(30)),
        sa.Column("response_note", sa.Text()),
        sa.Column("response_at", TS),
        sa.Column("response_by", sa.Integer(), sa.ForeignKey("users.id", name="fk_enforcement_cases_response_by_users")),
        sa.PrimaryKeyConstraint("id", name="pk_enforcement_cases"),
    )
    op.create_index("ix_enforcement_cases_org_id", "enforcement_cases", ["org_id"])
    op.create_index("ix_enforcement_cases_marketplace", "enforcement_cases", ["marketplace"])
    op.create_index("ix_enforcement_cases_status", "enforcement_cases", ["status"])
    op.create_table(
        "case_listings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(),
                  sa.ForeignKey("enforcement_cases.id", name="fk_case_listings_case_id_enforcement_cases"),
                  nullable=False),
        sa.Column("hit_id", sa.Integer(), sa.ForeignKey("hits.id", name="fk_case_listings_hit_id_hits"), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("checked_at", TS),
        sa.Column("removed_at", TS),
        sa.Column("http_status", sa.Integer()),
        sa.Column("check_note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_case_listings"),
        sa.UniqueConstraint("case_id", "hit_id", name="uq_case_listings_case_hit"),
    )
    op.create_index("ix_case_listings_case_id", "case_listings", ["case_id"])
    op.create_index("ix_case_listings_hit_id", "case_listings", ["hit_id"])
    op.create_index("ix_case_listings_outcome", "case_listings", ["outcome"])
    op.create_table(
        "seller_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("marketplace", sa.String(100), nullable=False),
        sa.Column("seller_a", sa.String(200), nullable=False),
        sa.Column("seller_b", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.Column("computed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_seller_links"),
        sa.UniqueConstraint("marketplace", "seller_a", "seller_b", "reason", name="uq_seller_links_pair_reason"),
    )
    op.create_index("ix_seller_links_marketplace", "seller_links", ["marketplace"])
    op.create_index("ix_seller_links_seller_a", "seller_links", ["seller_a"])
    op.create_index("ix_seller_links_seller_b", "seller_links", ["seller_b"])
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relisting_of_case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("relisting_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_hits_relisting_of_case_id_enforcement_cases", "enforcement_cases",
                                    ["relisting_of_case_id"], ["id"])
    for index in _EXPRESSION_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {index}")


def downgrade() -> None:
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_constraint("fk_hits_relisting_of_case_id_enforcement_cases", type_="foreignkey")
        batch_op.drop_column("relisting_reason")
        batch_op.drop_column("relisting_of_case_id")
    for index in _EXPRESSION_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {index}")
    op.drop_table("seller_links")
    op.drop_table("case_listings")
    op.drop_table("enforcement_cases")
