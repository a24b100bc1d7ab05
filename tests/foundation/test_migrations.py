"""Alembic migrations go up and down on SQLite and PostgreSQL and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from shared_db.migrate import current_revision, downgrade, upgrade
from shared_db.models import Base

HEAD = "0013"
TABLES = {"organisations", "users", "marks", "crawl_runs", "detection_runs", "hits", "decisions", "audit_log",
          "model_versions", "suspect_reports", "mark_reference_images", "mark_backfills", "detection_vocabularies",
          "enforcement_cases", "case_listings", "seller_links"}


def _has_index(engine, name: str) -> bool:  # type: ignore[no-untyped-def]
    query = ("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name" if engine.dialect.name == "sqlite"
             else "SELECT 1 FROM pg_indexes WHERE indexname = :name")
    with engine.connect() as conn:
        return conn.execute(text(query), {"name": name}).first() is not None


def test_upgraded_schema_matches_the_models(engine) -> None:
    assert current_revision(engine) == HEAD
    assert TABLES <= set(inspect(engine).get_table_names())
    # expression indexes: not reflected by SQLite
    assert _has_index(engine, "ix_hits_status_uncertainty") and _has_index(engine, "ix_hits_uncertainty")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(engine) -> None:
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    upgrade(engine)
    upgrade(engine)  # idempotent
    assert current_revision(engine) == HEAD
    assert TABLES <= set(inspect(engine).get_table_names())


def _insert_old_mark(engine, **extra: str) -> None:  # type: ignore[no-untyped-def]
    """One organisation and its mark OLD, written with the columns of an older schema plus ``extra``."""
    columns = "".join(f", {name}" for name in extra)
    values = "".join(f", '{value}'" for value in extra.values())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (name, created_at) VALUES ('Old Org', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO marks (org_id, text, normalised, aliases, transliterations, classes, jurisdictions,"
            f" authorised_sellers, authorised_domains, categories, weight, status{columns}, created_at, updated_at)"
            " SELECT id, 'OLD', 'old', '[]', '[]', '[]', '[]', '[]', '[]', '[]', 1.0, 'registered'"
            f"{values}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM organisations"))


def test_marks_that_exist_before_verification_are_migrated_as_verified(engine) -> None:
    downgrade(engine, "0004")
    _insert_old_mark(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT verification, verified_by FROM marks")).one() == ("verified", None)


def test_distinctiveness_columns_go_up_empty_and_down_again(engine) -> None:
    downgrade(engine, "0006")
    assert "distinctiveness" not in {c["name"] for c in inspect(engine).get_columns("marks")}
    _insert_old_mark(engine, verification="verified")
    upgrade(engine)
    with engine.connect() as conn:  # assessed later (refresh, housekeeping), not by the migration
        assert conn.execute(text("SELECT distinctiveness, distinctiveness_at FROM marks")).one() == (None, None)


def test_hits_flagged_on_the_same_seller_alone_become_repeat_infringers(engine) -> None:
    """Upgrading a database with cases, their listings and flagged hits (rows that reference the cases)."""
    from sqlalchemy.orm import Session

    from shared_db.models import CaseListing, EnforcementCase, Hit
    from shared_db.repo.hits import RELISTING_BOOST
    from shared_db.repo.marks import upsert_mark
    from shared_db.schemas import MarkCreate

    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="OLD", owner="Old Org"), session=session)
        case = EnforcementCase(org_id=mark.org_id, marketplace="demo", network=[], status="sent", template="default")
        session.add(case)
        session.flush()
        mark_id = mark.id
        evidence = {"seller": "same seller s1", "photo": "same seller s1; same image", "title": "title 95% like the removed one",
                    "decided": "same seller s1"}
        for name, why in evidence.items():
            session.add(Hit(listing_id=name, mark_id=mark_id, marketplace="demo", listing_title=name, score=90,
                            kind="exact", status="confirmed" if name == "decided" else "new",
                            priority=RELISTING_BOOST + 0.5, relisting_of_case_id=case.id,
                            relisting_reason=f"re-listing of L0, removed after case {case.id}: {why}"))
        session.add(Hit(listing_id="plain", mark_id=mark_id, marketplace="demo", listing_title="x", score=90,
                        kind="exact", priority=0.5))
        session.flush()
        case.listings = [CaseListing(hit_id=session.query(Hit.id).filter_by(listing_id="plain").scalar(),
                                     outcome="removed", checks=1)]
    downgrade(engine, "0012")
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict((r[0], (r[1], r[2])) for r in conn.execute(text("SELECT listing_id, relisting_kind, priority FROM hits")))
    assert rows == {"seller": ("repeat_infringer", RELISTING_BOOST + 0.5 - 50), "photo": ("relisting", RELISTING_BOOST + 0.5),
                    "title": ("relisting", RELISTING_BOOST + 0.5), "decided": ("repeat_infringer", RELISTING_BOOST + 0.5),
                    "plain": (None, 0.5)}


def test_sqlite_tables_referenced_by_other_rows_are_rebuilt(sqlite_engine) -> None:
    """Migration 0011 rebuilds hits (batch mode); decisions referencing them must not stop it, and the
    connection's foreign keys are enforced again afterwards."""
    from sqlalchemy.orm import Session

    from shared_db.models import Hit
    from shared_db.repo.hits import HitCandidate, decide, upsert_hit
    from shared_db.repo.marks import upsert_mark
    from shared_db.schemas import MarkCreate

    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="OLD", owner="Old Org"), session=session)
        upsert_hit(HitCandidate(listing_id="a", mark_id=mark.id, marketplace="demo", listing_title="OLD bag",
                                score=90, kind="exact"), session=session)
        session.flush()
        decide(session.query(Hit.id).scalar(), "confirmed", session=session, reviewer_id=None, expected_version=1)
    downgrade(sqlite_engine, "0010")
    upgrade(sqlite_engine)
    assert current_revision(sqlite_engine) == HEAD
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM decisions JOIN hits ON hits.id = decisions.hit_id")).scalar() == 1
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
