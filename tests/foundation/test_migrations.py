"""Alembic migrations go up and down on SQLite and PostgreSQL and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from shared_db.migrate import current_revision, downgrade, upgrade
from shared_db.models import Base

TABLES = {"organisations", "users", "marks", "crawl_runs", "detection_runs", "hits", "decisions", "audit_log",
          "model_versions", "suspect_reports"}


def test_upgraded_schema_matches_the_models(engine) -> None:
    assert current_revision(engine) == "0001"
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert current_revision(engine) == "0001"
    assert TABLES <= set(inspect(engine).get_table_names())
