"""The jobs the DAGs and the CLI share: profiles, housekeeping, configuration from Airflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from markwatch.jobs import housekeeping
from markwatch.jobs.crawl import ProfileError, crawl_targets, enabled_profile_names, indexed_count
from markwatch.jobs.detect import plan_detection, plan_slices
from markwatch.jobs.runtime import JobConfigurationError, es_url_from_connection, jsonable, parse_slices
from shared_db.evidence import EvidenceStore
from shared_db.models import Hit, User
from shared_db.repo.hits import HitCandidate, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate

pytestmark = pytest.mark.airflow
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_enabled_profiles_are_the_toml_files_not_disabled(tmp_path: Path) -> None:
    (tmp_path / "alpha.toml").write_text('name = "alpha"\nstart_urls = ["http://a"]\n')
    (tmp_path / "beta.toml").write_text("enabled = false\n")
    (tmp_path / "gamma.toml").write_text("enabled = true\n")
    (tmp_path / "notes.txt").write_text("not a profile")
    assert enabled_profile_names(tmp_path) == ["alpha", "gamma"]
    assert crawl_targets(start_urls={"gamma": ["http://mirror/"]}, directory=tmp_path) == [
        {"name": "alpha", "start_urls": None}, {"name": "gamma", "start_urls": ["http://mirror/"]}]
    assert crawl_targets(["demo_market", "demo_market"], directory=tmp_path) == [
        {"name": "demo_market", "start_urls": None}]
    with pytest.raises(ProfileError, match="not crawled in this run"):
        crawl_targets(["alpha"], start_urls={"beta": ["http://x/"]}, directory=tmp_path)


def test_unreadable_profile_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("name = \n")
    with pytest.raises(ProfileError, match="broken.toml"):
        enabled_profile_names(tmp_path)


def test_missing_profiles_dir_means_nothing_to_crawl(tmp_path: Path) -> None:
    assert enabled_profile_names(tmp_path / "absent") == []


def test_plan_slices_and_their_validation() -> None:
    assert plan_slices("3", full=True) == [{"slice_id": i, "slices": 3, "full": True, "since": None}
                                           for i in range(3)]
    for bad in ("many", 0, 65, None):
        with pytest.raises(JobConfigurationError, match="markwatch_detect_slices"):
            parse_slices(bad)


def test_es_url_from_connection() -> None:
    from airflow.sdk import Connection

    plain = Connection(conn_id="markwatch_es", conn_type="http", host="es.internal", port=9200)
    assert es_url_from_connection(plain) == "http://es.internal:9200"
    secured = Connection(conn_id="markwatch_es", conn_type="elasticsearch", host="es.internal", port=443,
                         schema="https", login="mark watch", password="p@ss")
    assert es_url_from_connection(secured) == "https://mark%20watch:p%40ss@es.internal:443"
    full = Connection(conn_id="markwatch_es", conn_type="http", host="https://es.example.org/")
    assert es_url_from_connection(full) == "https://es.example.org"
    with pytest.raises(JobConfigurationError, match="has no host"):
        es_url_from_connection(Connection(conn_id="markwatch_es", conn_type="http"))


def test_jsonable_turns_summaries_into_xcom_values() -> None:
    @dataclass
    class Summary:
        at: datetime
        price: Decimal
        names: tuple[str, ...]

    value = jsonable(Summary(at=NOW, price=Decimal("1.50"), names=("a",)))
    assert value == {"at": "2026-06-01T00:00:00+00:00", "price": 1.5, "names": ["a"]}
    assert indexed_count({"indexed": 4}) == 4 and indexed_count({"indexed": None}) == 0


def _hit(session: Session, mark_id: int, listing: str, evidence: str, status: str = "new") -> Hit:
    upsert_hit(HitCandidate(listing_id=listing, mark_id=mark_id, marketplace="demo", listing_title="t",
                            score=90.0, kind="exact", evidence_sha256=evidence), session=session)
    hit = session.scalar(select(Hit).where(Hit.listing_id == listing))
    hit.status = status
    return hit


def test_evidence_retention_keeps_protected_and_recent_snapshots(settings, sqlite_engine) -> None:
    store = EvidenceStore(settings.resolved_evidence_dir)
    old = NOW - timedelta(days=settings.evidence_retention_days + 1)
    recent = NOW - timedelta(days=1)
    sha = {name: store.put(name.encode(), url=f"http://x/{name}", status=200, captured_at=when)
           for name, when in [("confirmed", old), ("escalated", old), ("undecided", old), ("dismissed", old),
                              ("orphan", old), ("fresh", recent)]}
    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony"), session=session)
        _hit(session, mark.id, "demo:1", sha["confirmed"], "confirmed")
        _hit(session, mark.id, "demo:2", sha["escalated"], "escalated")
        _hit(session, mark.id, "demo:3", sha["undecided"], "new")
        _hit(session, mark.id, "demo:4", sha["dismissed"], "dismissed")

    dry = housekeeping.prune_evidence(settings=settings, engine=sqlite_engine, now=NOW, dry_run=True)
    assert (dry.deleted, set(store.iter_hashes())) == (2, set(sha.values()))

    report = housekeeping.prune_evidence(settings=settings, engine=sqlite_engine, now=NOW)
    assert (report.scanned, report.deleted, report.kept_protected, report.kept_recent) == (6, 2, 3, 1)
    assert set(store.iter_hashes()) == {sha[k] for k in ("confirmed", "escalated", "undecided", "fresh")}

    strict = housekeeping.prune_evidence(settings=settings, engine=sqlite_engine, now=NOW, keep_undecided=False)
    assert strict.deleted == 1
    assert set(store.iter_hashes()) == {sha[k] for k in ("confirmed", "escalated", "fresh")}


def test_evidence_retention_keeps_reference_photos_and_protected_hits_images(settings, sqlite_engine,
                                                                             images) -> None:  # type: ignore[no-untyped-def]
    from shared_db.repo.reference_images import add_reference_image

    store = EvidenceStore(settings.resolved_evidence_dir)
    old = NOW - timedelta(days=settings.evidence_retention_days + 1)
    sha = {name: store.put(name.encode(), url=f"http://x/{name}", status=200, captured_at=old)
           for name in ("page", "confirmed-image", "dismissed-image")}
    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony"), session=session)
        photo = add_reference_image(mark, images.photo("sony-official"), session=session, settings=settings).sha256
        _hit(session, mark.id, "demo:1", sha["page"], "confirmed").features = {"image_sha256": [sha["confirmed-image"]]}
        _hit(session, mark.id, "demo:2", sha["page"], "dismissed").features = {"image_sha256": [sha["dismissed-image"]]}

    housekeeping.prune_evidence(settings=settings, engine=sqlite_engine, now=NOW + timedelta(days=400))
    assert set(store.iter_hashes()) == {sha["page"], sha["confirmed-image"], photo}


def test_evidence_retention_keeps_screenshots_of_protected_and_cased_hits_and_of_reports(settings, engine) -> None:
    from shared_db.models import CaseListing, EnforcementCase, SuspectReport

    store = EvidenceStore(settings.resolved_evidence_dir)
    old = NOW - timedelta(days=settings.evidence_retention_days + 1)
    sha = {name: store.put(name.encode(), url=f"http://x/{name}", status=200, captured_at=old)
           for name in ("page", "confirmed-shot", "cased-page", "cased-shot", "dismissed-shot", "report-shot")}
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony"), session=session)
        _hit(session, mark.id, "demo:1", sha["page"], "confirmed").screenshot_sha256 = sha["confirmed-shot"]
        _hit(session, mark.id, "demo:2", sha["page"], "dismissed").screenshot_sha256 = sha["dismissed-shot"]
        reopened = _hit(session, mark.id, "demo:3", sha["cased-page"], "dismissed")  # dismissed after its notice
        reopened.screenshot_sha256 = sha["cased-shot"]
        session.flush()
        session.add(EnforcementCase(org_id=mark.org_id, marketplace="demo", status="sent", template="default",
                                    listings=[CaseListing(hit_id=reopened.id, outcome="pending", checks=0)]))
        session.add(SuspectReport(url="http://x/report", status="crawled", screenshot_sha256=sha["report-shot"]))

    report = housekeeping.prune_evidence(settings=settings, engine=engine, now=NOW)
    assert set(store.iter_hashes()) == {sha[k] for k in ("page", "confirmed-shot", "cased-page", "cased-shot",
                                                         "report-shot")}
    assert report.deleted == 1


def test_release_stale_claims_uses_the_claim_ttl(settings, sqlite_engine) -> None:
    now = datetime.now(UTC)
    with Session(sqlite_engine) as session, session.begin():
        user = User(email="r@example.org", password_hash="x", role="reviewer")
        session.add(user)
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony"), session=session)
        session.flush()
        stale = _hit(session, mark.id, "demo:1", None)
        fresh = _hit(session, mark.id, "demo:2", None)
        stale.claimed_by = fresh.claimed_by = user.id
        stale.claimed_at = now - timedelta(minutes=settings.claim_ttl_minutes + 5)
        fresh.claimed_at = now - timedelta(minutes=1)
    assert housekeeping.release_stale_claims(settings=settings, engine=sqlite_engine) == 1
    with Session(sqlite_engine) as session:
        claims = dict(session.execute(select(Hit.listing_id, Hit.claimed_by)).all())
    assert claims["demo:1"] is None and claims["demo:2"] is not None


def test_reindex_only_on_drift_or_force_and_keeps_documents(settings) -> None:
    from shared_db.es.client import make_client
    from shared_db.es.listings import MAPPINGS, ListingsIndex, index_settings

    client = make_client(settings)
    index = ListingsIndex(client, settings)
    # An index created by an older release: one field missing, one mapped with another type.
    legacy = {k: v for k, v in MAPPINGS["properties"].items() if k != "gtin"}
    legacy["sku"] = {"type": "text"}
    client.indices.create(index=f"{index.alias}-v1", body={
        "settings": index_settings(settings),
        "mappings": {"properties": legacy} | {"dynamic": "false"},
        "aliases": {index.alias: {"is_write_index": True}},
    })
    index.bulk_upsert([{"marketplace": "demo", "listing_id": "1", "title": "Sony camera"}], refresh=True)

    first = housekeeping.reindex_listings(settings=settings)
    assert first.reindexed and first.index == f"{index.alias}-v2"
    assert sorted(first.drift) == ["gtin: missing", "sku: text -> keyword"]
    assert index.get("demo", "1")["title"] == "Sony camera"

    second = housekeeping.reindex_listings(settings=settings)
    assert (second.reindexed, second.drift, second.index) == (False, [], f"{index.alias}-v2")

    forced = housekeeping.reindex_listings(settings=settings, force=True)
    assert forced.reindexed and forced.index == f"{index.alias}-v3"
    assert forced.dropped == [f"{index.alias}-v1"]
    assert index.count() == 1


def test_plan_detection_leaves_each_slice_to_its_own_watermark() -> None:
    """No shared start: a slice that failed rescans from its own watermark (tests/detection/test_batch.py)."""
    assert plan_detection(slices=2) == plan_slices(2)
    assert [job["since"] for job in plan_detection(slices=3)] == [None, None, None]
    assert plan_detection(slices=2, full=True) == plan_slices(2, full=True)
