"""Batch detection over the real Elasticsearch, SQLite and PostgreSQL: idempotent, decisions kept, watermark safe."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from detection.batch import reprioritise, run_detection
from shared_db.es.client import IndexUnavailable, make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import DetectionRun, Hit, Mark
from shared_db.repo.hits import decide
from shared_db.repo.marks import upsert_mark
from shared_db.repo.runs import last_watermark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

LISTINGS = [
    {"marketplace": "demo", "listing_id": "1", "title": "N1ke Air Max 90 replica", "category": "shoes",
     "price": 25.0, "currency": "USD", "seller_id": "s1"},
    {"marketplace": "demo", "listing_id": "2", "title": "Guccci handbag", "category": "bags", "seller_id": "s2"},
    {"marketplace": "demo", "listing_id": "3", "title": "plain kettle", "category": "kitchen"},
    {"marketplace": "demo", "listing_id": "4", "title": "耐剋 運動鞋", "category": "shoes"},
    {"marketplace": "demo", "listing_id": "5", "title": "Nike Air Max", "category": "shoes", "seller_id": "nike-store"},
]


@pytest.fixture
def index(settings: Settings) -> Iterator[ListingsIndex]:
    listings = ListingsIndex(make_client(settings), settings)
    listings.ensure()
    yield listings


@pytest.fixture
def marks(engine: Engine) -> dict[str, int]:
    with Session(engine) as session, session.begin():
        nike, _ = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc.", transliterations=["耐克"], classes=[25],
                                         authorised_sellers=["nike-store"]), session=session)
        gucci, _ = upsert_mark(MarkCreate(text="Gucci", owner="Gucci", classes=[18, 25]), session=session)
        return {"nike": nike.id, "gucci": gucci.id}


def _hits(engine: Engine) -> list[tuple[str, int, str, str]]:
    with Session(engine) as session:
        rows = session.execute(select(Hit.listing_id, Hit.mark_id, Hit.kind, Hit.status).order_by(Hit.listing_id))
        return [tuple(row) for row in rows]


def test_detection_finds_hits_and_a_rerun_converges(settings: Settings, engine: Engine,
                                                    index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS, refresh=True)
    first = run_detection(settings=settings, engine=engine)
    assert first.status == "succeeded" and first.listings_scanned == 5
    hits = _hits(engine)
    assert hits == [("demo:1", marks["nike"], "leet", "new"), ("demo:2", marks["gucci"], "fuzzy", "new"),
                    ("demo:4", marks["nike"], "transliteration", "new")]
    again = run_detection(settings=settings, engine=engine, full=True)
    assert (again.hits_created, again.hits_updated) == (0, 3)
    assert _hits(engine) == hits
    with Session(engine) as session:
        hit = session.scalar(select(Hit).where(Hit.listing_id == "demo:1"))
        assert hit.span_start == 0 and hit.matched_text == "N1ke" and hit.model_version == first.model_version
        runs = session.scalars(select(DetectionRun).order_by(DetectionRun.id)).all()
        assert [r.status for r in runs] == ["succeeded", "succeeded"]
        assert runs[0].listings_scanned == 5 and runs[0].hits_created == 3 and runs[0].watermark is not None


def test_incremental_run_reads_only_new_listings(settings: Settings, engine: Engine,
                                                 index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS[:2], refresh=True)
    assert run_detection(settings=settings, engine=engine).listings_scanned == 2
    assert run_detection(settings=settings, engine=engine).listings_scanned == 0
    index.bulk_upsert(LISTINGS[2:], refresh=True)
    later = run_detection(settings=settings, engine=engine)
    assert later.listings_scanned == 3 and later.hits_created == 1


def test_rerun_never_overwrites_a_decision(settings: Settings, engine: Engine,
                                           index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS, refresh=True)
    run_detection(settings=settings, engine=engine)
    with Session(engine) as session, session.begin():
        hit = session.scalar(select(Hit).where(Hit.listing_id == "demo:2"))
        decide(hit.id, "dismissed", session=session, reviewer_id=None, expected_version=hit.version)
    summary = run_detection(settings=settings, engine=engine, full=True)
    assert summary.hits_kept == 1
    assert ("demo:2", marks["gucci"], "fuzzy", "dismissed") in _hits(engine)


def test_slices_together_cover_the_index(settings: Settings, engine: Engine,
                                         index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS, refresh=True)
    scanned = sum(run_detection(settings=settings, engine=engine, full=True, slice_id=n, slices=2)
                  .listings_scanned for n in range(2))
    assert scanned == 5 and len(_hits(engine)) == 3


def test_unreachable_elasticsearch_fails_the_run_and_keeps_the_watermark(
        settings: Settings, engine: Engine, index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS, refresh=True)
    run_detection(settings=settings, engine=engine)
    with Session(engine) as session:
        before = last_watermark(session=session)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    broken = settings.model_copy(update={"es_url": f"http://127.0.0.1:{closed_port}"})
    with pytest.raises(IndexUnavailable):
        run_detection(settings=broken, engine=engine, full=True)
    with Session(engine) as session:
        assert last_watermark(session=session) == before
        failed = session.scalar(select(DetectionRun).order_by(DetectionRun.id.desc()))
        assert failed.status == "failed" and "IndexUnavailable" in (failed.error or "")
        assert session.scalar(select(func.count()).select_from(Hit)) == 3


def test_reprioritise_follows_the_mark_weight(settings: Settings, engine: Engine,
                                              index: ListingsIndex, marks: dict[str, int]) -> None:
    index.bulk_upsert(LISTINGS, refresh=True)
    run_detection(settings=settings, engine=engine)
    with Session(engine) as session, session.begin():
        session.get_one(Mark, marks["nike"]).weight = 3.0
        assert reprioritise(session=session) == 2
    with Session(engine) as session:
        hit = session.scalar(select(Hit).where(Hit.listing_id == "demo:1"))
        assert hit.priority == pytest.approx(3.0 * hit.probability)


def test_marks_awaiting_or_failing_verification_are_not_detected(settings: Settings, engine: Engine,
                                                                   index: ListingsIndex) -> None:
    """A rights holder's claim on someone else's mark finds nothing until a reviewer verifies it."""
    from shared_db.repo.marks import verify_mark

    with Session(engine) as session, session.begin():
        claimed, _ = upsert_mark(MarkCreate(text="NIKE", owner="Not Nike", registration_number="FAKE"),
                                 session=session, curator=False)
        refused, _ = upsert_mark(MarkCreate(text="Gucci", owner="Not Gucci"), session=session, curator=False)
        verify_mark(refused, "rejected", session=session, actor_id=None)
        claimed_id = claimed.id
    index.bulk_upsert(LISTINGS, refresh=True)
    run_detection(settings=settings, engine=engine)
    assert _hits(engine) == []
    with Session(engine) as session, session.begin():
        verify_mark(session.get(Mark, claimed_id), "verified", session=session, actor_id=None)
    run_detection(settings=settings, engine=engine, full=True)
    assert {mark_id for _, mark_id, _, _ in _hits(engine)} == {claimed_id}


def test_long_crawled_values_never_halt_detection(settings: Settings, engine: Engine,
                                                  index: ListingsIndex, marks: dict[str, int]) -> None:
    """Crawled strings longer than their columns are bounded (keys hashed, text cut), not a failed batch."""
    long_id = "x" * 380  # a document id under Elasticsearch's 512 bytes but over the old 300-character column
    hostile = {"marketplace": "demo", "listing_id": "long-seller", "title": "Nike shoes replica",
               "seller_id": "s" * 1000, "seller_name": "n" * 2000, "currency": "US dollars",
               "evidence_sha256": "e" * 100, "price": 12.5}
    twin = {**hostile, "listing_id": "long-seller-2", "seller_id": "s" * 999 + "t"}
    index.bulk_upsert([{"marketplace": "demo", "listing_id": long_id, "title": "Guccci bag"}, hostile, twin,
                       *LISTINGS], refresh=True)
    summary = run_detection(settings=settings, engine=engine, batch_size=3)
    assert summary.status == "succeeded" and summary.listings_scanned == 8
    with Session(engine) as session:
        long_hit = session.scalar(select(Hit).where(Hit.listing_id == f"demo:{long_id}"))
        assert long_hit is not None and long_hit.mark_id == marks["gucci"]
        assert index.get_by_doc_id(long_hit.listing_id)["title"] == "Guccci bag"  # the id still finds the listing
        cut = session.scalar(select(Hit).where(Hit.listing_id == "demo:long-seller"))
        other = session.scalar(select(Hit).where(Hit.listing_id == "demo:long-seller-2"))
        assert len(cut.seller_id) <= 200 and cut.seller_id.startswith("s" * 100)
        assert cut.seller_id != other.seller_id  # two sellers stay two sellers
        assert cut.seller_name == "n" * 300
        assert cut.currency is None and cut.evidence_sha256 is None  # not a currency code, not a digest
        assert len(_hits(engine)) == 6


def _at(base: datetime, seconds: float) -> Callable[[], datetime]:
    return lambda: base + timedelta(seconds=seconds)


def _listing(n: int) -> dict[str, object]:
    return {"marketplace": "demo", "listing_id": f"w{n}", "title": f"N1ke trainers {n}", "category": "shoes"}


def test_a_bulk_in_flight_when_a_run_starts_is_read_by_the_next_run(
        settings: Settings, engine: Engine, index: ListingsIndex, marks: dict[str, int]) -> None:
    """The old watermark (newest listing seen) skipped a bulk stamped before it but visible only after the scan."""
    skewed = settings.model_copy(update={"detection_skew_seconds": 5.0})
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    ListingsIndex(index.client, settings, clock=_at(t, 0)).bulk_upsert([_listing(1)], refresh=True)
    ListingsIndex(index.client, settings, clock=_at(t, 10)).bulk_upsert([_listing(2)], refresh=True)
    first = run_detection(settings=skewed, engine=engine, clock=_at(t, 11))  # bulk 3 stamped t+8 still in flight
    assert first.listings_scanned == 1 and first.watermark == first.until == t + timedelta(seconds=6)
    ListingsIndex(index.client, settings, clock=_at(t, 8)).bulk_upsert([_listing(3)], refresh=True)
    second = run_detection(settings=skewed, engine=engine, clock=_at(t, 20))
    assert second.since == first.until and second.listings_scanned == 2
    assert {row[0] for row in _hits(engine)} == {"demo:w1", "demo:w2", "demo:w3"}


def test_a_crawler_clock_behind_by_less_than_the_skew_loses_nothing(
        settings: Settings, engine: Engine, index: ListingsIndex, marks: dict[str, int]) -> None:
    """A crawler 20 s slow writes after a run that saw a correct crawler's newer stamp."""
    skewed = settings.model_copy(update={"detection_skew_seconds": 30.0})
    t = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    ListingsIndex(index.client, settings, clock=_at(t, 0)).bulk_upsert([_listing(1)], refresh=True)
    ListingsIndex(index.client, settings, clock=_at(t, 30)).bulk_upsert([_listing(2)], refresh=True)
    first = run_detection(settings=skewed, engine=engine, clock=_at(t, 31))
    ListingsIndex(index.client, settings, clock=_at(t, 32 - 20)).bulk_upsert([_listing(3)], refresh=True)
    later = [run_detection(settings=skewed, engine=engine, clock=_at(t, 50)),
             run_detection(settings=skewed, engine=engine, clock=_at(t, 70))]
    assert [first.listings_scanned, *(run.listings_scanned for run in later)] == [1, 1, 1]  # each exactly once
    assert len(_hits(engine)) == 3


def test_each_slice_plan_keeps_its_own_watermark(settings: Settings, engine: Engine, index: ListingsIndex,
                                                 marks: dict[str, int]) -> None:
    """Slice 0 then slice 1, twice: the second slice no longer starts at the first one's watermark."""
    index.bulk_upsert([_listing(n) for n in range(20)], refresh=True)
    assert sum(run_detection(settings=settings, engine=engine, slice_id=n, slices=2).listings_scanned
               for n in range(2)) == 20
    index.bulk_upsert([_listing(n) for n in range(20, 40)], refresh=True)
    runs = [run_detection(settings=settings, engine=engine, slice_id=n, slices=2) for n in range(2)]
    assert [run.slice_plan for run in runs] == ["0/2", "1/2"] and sum(r.listings_scanned for r in runs) == 20
    assert run_detection(settings=settings, engine=engine).listings_scanned == 40  # plan "all" has its own too
    with Session(engine) as session:
        assert last_watermark(session=session, slice_plan="0/2") == runs[0].until
    assert len(_hits(engine)) == 40


def test_slices_side_by_side_with_bulks_arriving_read_every_listing_once(
        settings: Settings, engine: Engine, index: ListingsIndex, marks: dict[str, int]) -> None:
    """Two slice workers loop while a crawler keeps indexing: every listing is scanned exactly once."""
    skewed = settings.model_copy(update={"detection_skew_seconds": 2.0})
    total, scanned, errors = 120, [], []
    crawling = threading.Event()
    crawling.set()

    def crawl() -> None:
        try:
            for start in range(0, total, 10):
                index.bulk_upsert([_listing(n) for n in range(start, start + 10)])
                time.sleep(0.1)
        finally:
            crawling.clear()

    def worker(slice_id: int) -> None:
        try:
            while crawling.is_set():
                scanned.append(run_detection(settings=skewed, engine=engine, slice_id=slice_id,
                                             slices=2).listings_scanned)
            later = datetime.now(UTC) + timedelta(seconds=3)  # after the last bulk, past the skew
            scanned.append(run_detection(settings=skewed, engine=engine, slice_id=slice_id, slices=2,
                                         clock=lambda: later).listings_scanned)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=crawl), *(threading.Thread(target=worker, args=(n,)) for n in range(2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(scanned) > 2
    assert sum(scanned) == total  # no window overlaps another, none leaves a gap
    assert len(_hits(engine)) == total
