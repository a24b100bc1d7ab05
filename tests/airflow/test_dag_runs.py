"""Real Airflow runs (``dag.test()``) of crawl → detect against the demo marketplace, ES and SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import CrawlRun, DetectionRun, Hit, ModelVersion
from shared_db.repo.marks import upsert_mark
from shared_db.repo.vocabulary import current_version
from shared_db.schemas import MarkCreate
from shared_db.settings import reset_settings

pytestmark = [pytest.mark.airflow, pytest.mark.slow]
INTERVAL = datetime(2026, 6, 1, 6, tzinfo=UTC)


@pytest.fixture
def market(settings, demo_site) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from markwatch.demo_market.server import DemoMarket

    with DemoMarket(host="127.0.0.1", port=0, seed=11, size=40, slow_seconds=0.5, huge_bytes=200_000,
                    bomb_bytes=2_000_000) as running:
        demo_site(settings, running.base_url)
        yield running


@pytest.fixture
def demo_marks(sqlite_engine) -> None:
    from markwatch.demo_market.rights import DEMO_MARKS

    with Session(sqlite_engine) as session, session.begin():
        for mark in DEMO_MARKS:
            upsert_mark(MarkCreate(text=mark.mark, owner=mark.owner, aliases=[mark.chinese],
                                   transliterations=[mark.pinyin], classes=list(mark.classes),
                                   authorised_sellers=list(mark.authorised_sellers)), session=session)


@pytest.fixture
def through_airflow_connection(settings, es_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """MARKWATCH_ES_URL points nowhere; only the Airflow Connection ``markwatch_es`` leads to ES."""
    monkeypatch.setenv("MARKWATCH_ES_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AIRFLOW_CONN_MARKWATCH_ES", es_url)
    monkeypatch.setenv("AIRFLOW_VAR_MARKWATCH_DETECT_SLICES", "2")
    reset_settings()


def task_instances(run) -> dict[tuple[str, int], Any]:  # type: ignore[no-untyped-def]
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == run.dag_id,
                                                          TaskInstance.run_id == run.run_id)).all()
        return {(ti.task_id, ti.map_index): (ti.state, ti.try_number) for ti in rows}


def hit_keys(engine) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return sorted(session.execute(select(Hit.listing_id, Hit.mark_id)).tuples())


def test_crawl_then_detect_finds_hits_and_a_rerun_duplicates_nothing(
        airflow_db, dagbag, settings, sqlite_engine, demo_marks, market, through_airflow_connection) -> None:
    conf = {"targets": ["demo_market"], "start_urls": {"demo_market": [f"{market.base_url}/"]}}
    crawl = dagbag.dags["markwatch_crawl"].test(logical_date=INTERVAL, run_conf=conf)
    assert crawl.state == "success", task_instances(crawl)
    states = task_instances(crawl)
    assert states[("crawl", 0)][0] == "success" and states[("publish", -1)][0] == "success"
    assert states[("watcher", -1)][0] == "skipped"

    detect = dagbag.dags["markwatch_detect"].test(logical_date=INTERVAL)
    assert detect.state == "success", task_instances(detect)
    assert {key for key in task_instances(detect) if key[0] == "detect"} == {("detect", 0), ("detect", 1)}
    assert task_instances(detect)[("backfill", -1)][0] == "success"
    with Session(sqlite_engine) as session:  # the two slices together scanned every listing once, as did the backfill
        scanned = dict(session.execute(select(DetectionRun.slice_plan == "backfill",
                                              func.sum(DetectionRun.listings_scanned))
                                       .group_by(DetectionRun.slice_plan == "backfill")).tuples().all())
    total = ListingsIndex(make_client(settings), settings).count()
    assert scanned == {False: total, True: total} and total > 0
    first = hit_keys(sqlite_engine)
    infringing = {f"demo-market:{row['listing_id']}" for row in market.ground_truth() if row["infringing"]}
    assert first, "detection found no hits in the demo marketplace"
    assert infringing & {listing for listing, _ in first}
    with Session(sqlite_engine) as session:  # the screenshots task ran after detection
        shots = session.execute(select(Hit.screenshot_sha256, Hit.screenshot_error)
                                .where(Hit.score >= settings.match_threshold)).all()
    assert shots and all(sha and error is None for sha, error in shots), shots

    # The same interval again: the listings are overwritten, hits upserted; nothing is duplicated.
    assert dagbag.dags["markwatch_crawl"].test(logical_date=INTERVAL, run_conf=conf).state == "success"
    again = dagbag.dags["markwatch_detect"].test(logical_date=INTERVAL, run_conf={"full": True})
    assert again.state == "success"
    assert hit_keys(sqlite_engine) == first
    with Session(sqlite_engine) as session:
        crawl_runs = session.execute(select(CrawlRun.profile, CrawlRun.status)).tuples().all()
        detection_runs = session.scalar(select(func.count()).where(DetectionRun.status == "succeeded",
                                                                   DetectionRun.slice_plan != "backfill"))
    assert crawl_runs == [("demo_market", "succeeded")] * 2
    assert detection_runs == 4  # two slices, two runs



def test_a_search_profile_is_crawled_as_mapped_query_batches_within_its_budget(
        airflow_db, dagbag, settings, sqlite_engine, demo_marks, market) -> None:
    from crawlers.profile import load_profile
    from markwatch.jobs.watch_queries import load_watch_queries

    search = load_profile("demo_market_search").search
    with Session(sqlite_engine) as session:
        watched = load_watch_queries(session=session, lookalikes=search.lookalikes)
    batches = -(-len(watched) // search.batch_size)
    assert batches >= 2
    conf = {"targets": ["demo_market_search"], "start_urls": {"demo_market_search": [f"{market.base_url}/"]}}
    run = dagbag.dags["markwatch_crawl"].test(logical_date=INTERVAL + timedelta(hours=3), run_conf=conf)
    assert run.state == "success", task_instances(run)
    states = task_instances(run)
    assert {key for key in states if key[0] == "crawl"} == {("crawl", i) for i in range(batches)}
    assert all(state == "success" for (task, _), (state, _) in states.items() if task in ("crawl", "publish"))
    with Session(sqlite_engine) as session:
        runs = session.scalars(select(CrawlRun).where(CrawlRun.profile == "demo_market_search")).all()
    assert len(runs) == batches and {r.status for r in runs} == {"succeeded"}
    # every watch query searched once, by one batch; together within the marketplace's budget
    assert sum(r.stats["markwatch/search/queries_given"] for r in runs) == len(watched)
    assert sum(r.stats["markwatch/search/budget"] for r in runs) == search.pages_per_run
    spent = sum(r.stats.get("markwatch/search/pages", 0) + r.stats.get("markwatch/search/listings_requested", 0)
                for r in runs)
    assert 0 < spent <= search.pages_per_run
    infringing = {row["listing_id"] for row in market.ground_truth() if row["infringing"]}
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    assert infringing & {doc["listing_id"] for doc in index.iterate(fields=["listing_id"])}


def test_reported_suspects_are_crawled_and_detected_in_one_interval(
        airflow_db, dagbag, settings, sqlite_engine, demo_marks, market) -> None:
    from shared_db.models import SuspectReport

    infringing = [row for row in market.ground_truth() if row["infringing"] and not row["hostile"]]
    missing = f"{market.base_url}/product/does-not-exist"
    with Session(sqlite_engine) as session, session.begin():
        session.add_all([SuspectReport(url=row["url"]) for row in infringing] + [SuspectReport(url=missing)])

    interval = INTERVAL + timedelta(hours=2)  # each test its own interval: dag.test() reuses a date's run
    crawl = dagbag.dags["markwatch_crawl"].test(logical_date=interval, run_conf={"targets": []})
    assert crawl.state == "success", task_instances(crawl)
    assert task_instances(crawl)[("publish", -1)][0] == "success"
    assert dagbag.dags["markwatch_detect"].test(logical_date=interval).state == "success"

    with Session(sqlite_engine) as session:
        reports = {r.url: r for r in session.scalars(select(SuspectReport))}
        hit_listings = set(session.scalars(select(Hit.listing_id)))
        crawl_labels = set(session.scalars(select(CrawlRun.profile)))
    assert reports[missing].status == "fetch_failed" and reports[missing].error == "the site answered HTTP 404"
    crawled = [reports[row["url"]] for row in infringing]
    # detected in the same task: a report is a hit exactly when its listing has one
    assert all(r.status in ("hit", "no_match") and r.processed_at for r in crawled)
    assert {r.listing_id for r in crawled if r.status == "hit" and r.hit_id} == hit_listings
    # Same document ids as a scheduled crawl of the demo marketplace: no duplicate listing later.
    assert {r.listing_id for r in crawled} == {f"demo-market:{row['listing_id']}" for row in infringing}
    assert hit_listings and hit_listings <= {r.listing_id for r in crawled}
    assert crawl_labels == {"suspects-demo-market"}


def test_a_failing_crawl_is_retried_recorded_and_fails_the_run(
        airflow_db, dagbag, settings, sqlite_engine, demo_site, monkeypatch: pytest.MonkeyPatch) -> None:
    from markwatch.demo_market.server import DemoMarket

    monkeypatch.setenv("AIRFLOW_VAR_MARKWATCH_CRAWL_TIMEOUT", "8")
    market = DemoMarket(host="127.0.0.1", port=0, seed=11, size=10, slow_seconds=120.0).start()
    demo_site(settings, market.base_url)
    dag = dagbag.dags["markwatch_crawl"]
    crawl = dag.task_dict["crawl"]
    crawl.partial_kwargs.update(retries=1, retry_delay=timedelta(0), retry_exponential_backoff=0)
    conf = {"targets": ["demo_market"], "start_urls": {"demo_market": [f"{market.base_url}/product/x-slow"]}}
    try:
        run = dag.test(logical_date=INTERVAL + timedelta(hours=1), run_conf=conf)
    finally:
        market.stop()

    assert run.state == "failed"
    states = task_instances(run)
    assert states[("crawl", 0)] == ("failed", 2)
    assert states[("watcher", -1)][0] == "failed"
    assert states[("publish", -1)][0] == "skipped"  # nothing indexed: the listings asset is not updated
    with Session(sqlite_engine) as session:
        runs = session.execute(select(CrawlRun.status, CrawlRun.error)).tuples().all()
    assert [status for status, _ in runs] == ["failed", "failed"]
    assert all(error for _, error in runs)


def test_housekeeping_dag_runs_its_six_tasks(airflow_db, dagbag, settings, sqlite_engine) -> None:
    from shared_db.evidence import EvidenceStore

    with sqlite_engine.begin() as conn:  # a mark stored before distinctiveness was
        conn.execute(text("INSERT INTO organisations (name, created_at) VALUES ('Old Org', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO marks (org_id, text, normalised, aliases, transliterations, classes, jurisdictions,"
            " authorised_sellers, authorised_domains, categories, weight, status, verification, created_at,"
            " updated_at) SELECT id, 'Black', 'black', '[]', '[]', '[]', '[]', '[]', '[]', '[]', 1.0, 'registered',"
            " 'verified', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM organisations"))
    store = EvidenceStore(settings.resolved_evidence_dir)
    store.put(b"expired", url="http://x/", status=200, captured_at=datetime(2000, 1, 1, tzinfo=UTC))
    run = dagbag.dags["markwatch_housekeeping"].test(logical_date=INTERVAL)
    assert run.state == "success", task_instances(run)
    assert {task for (task, _), (state, _) in task_instances(run).items() if state == "success"} == {
        "prune_evidence", "recheck_takedowns", "link_sellers", "release_claims", "purge_login_counters", "reassess_marks", "reindex_listings",
        "learn_vocabulary"}
    assert list(store.iter_hashes()) == []
    with sqlite_engine.connect() as conn:
        assert json.loads(conn.execute(text("SELECT distinctiveness FROM marks")).scalar_one())["level"] == "ordinary"
    with Session(sqlite_engine) as session:
        assert current_version(session=session) is not None  # learnt into the shared database


def test_retrain_waits_for_decisions_then_trains_and_registers_a_model(
        airflow_db, dagbag, settings, sqlite_engine) -> None:
    dag = dagbag.dags["markwatch_retrain"]
    run = dag.test(logical_date=INTERVAL)
    assert run.state == "success"
    assert task_instances(run)[("train", -1)][0] == "skipped"

    decided_hits(sqlite_engine, per_class=12)
    run = dag.test(logical_date=INTERVAL + timedelta(days=7))
    assert run.state == "success", task_instances(run)
    assert task_instances(run)[("train", -1)][0] == "success"
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(ModelVersion)) == 1


def decided_hits(engine, *, per_class: int) -> None:  # type: ignore[no-untyped-def]
    """Hits a reviewer confirmed (cheap replicas, unknown sellers) and dismissed (genuine offers), interleaved."""
    from shared_db.repo.hits import HitCandidate, decide, upsert_hit

    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony", reference_price=Decimal("300"),
                                         currency="USD", authorised_sellers=["sony-official"]), session=session)
        for i in range(per_class):
            for fake in (True, False):
                listing = f"demo:{'f' if fake else 'g'}{i}"
                upsert_hit(HitCandidate(
                    listing_id=listing, mark_id=mark.id, marketplace="demo",
                    listing_title=f"S0NY replica headphones {i}" if fake else f"Sony WH-1000XM{i} headphones",
                    score=88.0 if fake else 100.0, kind="leet" if fake else "exact",
                    price=Decimal(20 + i) if fake else Decimal(290 + i), currency="USD",
                    seller_id=f"shop{i}" if fake else "sony-official"), session=session)
                hit = session.scalar(select(Hit).where(Hit.listing_id == listing))
                decide(hit.id, "confirmed" if fake else "dismissed", session=session, reviewer_id=None,
                       expected_version=hit.version)
