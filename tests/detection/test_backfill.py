"""Backfills: a new or changed mark meets the listings already collected, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from detection.backfill import run_backfills
from detection.batch import run_detection
from markwatch.cli import app
from shared_db.es.client import IndexUnavailable, make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import DetectionRun, Hit, Mark, MarkBackfill
from shared_db.repo.backfills import (
    claim_backfills,
    close_covered_backfills,
    finish_backfill,
    new_claim_token,
    queue_backfill,
    waiting_requests,
)
from shared_db.repo.hits import decide
from shared_db.repo.marks import update_mark, upsert_mark, verify_mark
from shared_db.repo.runs import last_watermark
from shared_db.schemas import MarkCreate, MarkUpdate
from shared_db.settings import Settings

LISTINGS = [
    {"marketplace": "demo", "listing_id": "1", "title": "N1ke Air Max 90 replica", "category": "shoes"},
    {"marketplace": "demo", "listing_id": "2", "title": "Guccci handbag", "category": "bags"},
    {"marketplace": "demo", "listing_id": "3", "title": "Adidas Superstar trainers", "category": "shoes"},
    {"marketplace": "demo", "listing_id": "4", "title": "Addidas running shoes", "category": "shoes"},
    {"marketplace": "demo", "listing_id": "5", "title": "A-d-i-d-a-s tracksuit", "category": "clothing"},
    {"marketplace": "demo", "listing_id": "6", "title": "plain kettle", "category": "kitchen"},
    {"marketplace": "demo", "listing_id": "7", "title": "Puma suede classic", "category": "shoes"},
]


@pytest.fixture
def index(settings: Settings) -> Iterator[ListingsIndex]:
    listings = ListingsIndex(make_client(settings), settings)
    listings.ensure()
    listings.bulk_upsert(LISTINGS, refresh=True)
    yield listings


@pytest.fixture
def detected(settings: Settings, engine: Engine, index: ListingsIndex) -> dict[str, int]:
    """NIKE and Gucci registered, backfilled and detected: the watermark is past every listing."""
    marks = {"nike": _add(engine, "NIKE", "Nike, Inc.", classes=[25]), "gucci": _add(engine, "Gucci", "Gucci")}
    run_backfills(settings=settings, engine=engine)
    run_detection(settings=settings, engine=engine)
    return marks


def _pairs(engine: Engine, mark_id: int | None = None) -> set[tuple[str, int]]:
    query = select(Hit.listing_id, Hit.mark_id)
    if mark_id is not None:
        query = query.where(Hit.mark_id == mark_id)
    with Session(engine) as session:
        return {tuple(row) for row in session.execute(query)}


def _state(engine: Engine, mark_id: int) -> MarkBackfill | None:
    with Session(engine) as session:
        return session.get(MarkBackfill, mark_id)


def _add(engine: Engine, text: str, owner: str, **fields: object) -> int:
    with Session(engine) as session, session.begin():
        return upsert_mark(MarkCreate(text=text, owner=owner, **fields), session=session)[0].id


def test_a_new_mark_meets_the_listings_already_collected(settings: Settings, engine: Engine,
                                                         detected: dict[str, int]) -> None:
    before = _pairs(engine)
    adidas = _add(engine, "Adidas", "adidas AG", classes=[25])
    assert run_detection(settings=settings, engine=engine).listings_scanned == 0  # nothing new since the watermark
    assert _pairs(engine, adidas) == set() and _state(engine, adidas).status == "queued"
    with Session(engine) as session:
        watermark = last_watermark(session=session)

    summary = run_backfills(settings=settings, engine=engine)
    assert (summary.marks, summary.scans, summary.listings_scanned) == ([adidas], 1, len(LISTINGS))
    found = _pairs(engine, adidas)
    assert {"demo:3", "demo:4"} <= {listing for listing, _ in found}
    assert _pairs(engine) - found == before  # the other marks were not matched again
    state = _state(engine, adidas)
    assert (state.status, state.listings_checked, state.hits_found) == ("done", len(LISTINGS), len(found))
    with Session(engine) as session:
        assert last_watermark(session=session) == watermark  # backfills move no watermark
        assert session.scalar(select(DetectionRun.slice_plan).order_by(DetectionRun.id.desc())) == "backfill"

    again = run_backfills(settings=settings, engine=engine)  # nothing queued: nothing done
    assert (again.marks, again.scans) == ([], 0)

    # the reference: a full run with the whole register finds the same pairs for the new mark
    with Session(engine) as session, session.begin():
        session.execute(Hit.__table__.delete())
    run_detection(settings=settings, engine=engine, full=True)
    assert _pairs(engine, adidas) == found


def test_changes_that_alter_detection_queue_a_backfill_and_weights_do_not(engine: Engine,
                                                                          detected: dict[str, int]) -> None:
    with Session(engine) as session, session.begin():
        nike = session.get_one(Mark, detected["nike"])
        update_mark(nike, MarkUpdate(weight=3.0), session=session, actor_id=None)
    assert _state(engine, detected["nike"]).status == "done"  # only the rank changed: reprioritise handles it
    with Session(engine) as session, session.begin():
        nike = session.get_one(Mark, detected["nike"])
        update_mark(nike, MarkUpdate(aliases=["Nikey"]), session=session, actor_id=None)
    assert _state(engine, detected["nike"]).status == "queued"


def test_a_claim_is_queued_when_verified_not_before(settings: Settings, engine: Engine,
                                                    detected: dict[str, int]) -> None:
    with Session(engine) as session, session.begin():
        puma = upsert_mark(MarkCreate(text="Puma", owner="Puma SE", classes=[25]), session=session,
                           curator=False)[0].id
    assert _state(engine, puma) is None  # pending verification: not used for detection, nothing to check
    with Session(engine) as session, session.begin():
        verify_mark(session.get_one(Mark, puma), "verified", session=session, actor_id=None)
    assert _state(engine, puma).status == "queued"
    run_backfills(settings=settings, engine=engine)
    assert "demo:7" in {listing for listing, _ in _pairs(engine, puma)}


def test_a_rerun_keeps_decisions_and_duplicates_nothing(settings: Settings, engine: Engine,
                                                        detected: dict[str, int]) -> None:
    adidas = _add(engine, "Adidas", "adidas AG", classes=[25])
    run_backfills(settings=settings, engine=engine)
    with Session(engine) as session, session.begin():
        hit = session.scalar(select(Hit).where(Hit.mark_id == adidas, Hit.listing_id == "demo:4"))
        decide(hit.id, "dismissed", session=session, reviewer_id=None, expected_version=hit.version)
        queue_backfill(adidas, session=session)
        hit_id = hit.id
    count = len(_pairs(engine))
    run_backfills(settings=settings, engine=engine)
    assert len(_pairs(engine)) == count
    with Session(engine) as session:
        assert session.scalar(select(Hit.status).where(Hit.id == hit_id)) == "dismissed"
        assert session.scalar(select(func.count()).select_from(Hit).where(Hit.mark_id == adidas)) == \
            len(_pairs(engine, adidas))


def test_two_runners_claim_disjoint_marks(settings: Settings, engine: Engine, index: ListingsIndex) -> None:
    ids = [_add(engine, f"Brand{n:02d}x", f"Owner {n}") for n in range(40)]
    claims: list[list[int]] = []
    start = threading.Barrier(2)

    def claim() -> None:
        start.wait()
        with Session(engine) as session, session.begin():
            claims.append(claim_backfills(session=session, token=new_claim_token(), limit=40))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claims[0]) & set(claims[1])
    assert sorted(claims[0] + claims[1]) == ids


def test_two_backfill_runs_side_by_side_check_each_mark_once(settings: Settings, engine: Engine,
                                                             index: ListingsIndex) -> None:
    ids = [_add(engine, text, owner) for text, owner in (("Adidas", "adidas AG"), ("Puma", "Puma SE"),
                                                         ("NIKE", "Nike, Inc."), ("Gucci", "Gucci"))]
    results = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(run_backfills(settings=settings, engine=engine, marks_per_scan=1))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    checked = [mark for result in results for mark in result.marks]
    assert sorted(checked) == ids  # every mark once, by one runner or the other
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Hit)) == len(_pairs(engine))
        assert set(session.scalars(select(MarkBackfill.status))) == {"done"}


def test_a_change_during_the_run_queues_the_mark_again(engine: Engine, detected: dict[str, int]) -> None:
    token = new_claim_token()
    with Session(engine) as session, session.begin():
        queue_backfill(detected["nike"], session=session)
    with Session(engine) as session, session.begin():
        assert claim_backfills(session=session, token=token) == [detected["nike"]]
    with Session(engine) as session, session.begin():
        queue_backfill(detected["nike"], session=session)  # the owner edits the mark meanwhile
        assert session.get_one(MarkBackfill, detected["nike"]).status == "running"
    with Session(engine) as session, session.begin():
        assert finish_backfill(detected["nike"], session=session, token=token, listings=7)
    assert _state(engine, detected["nike"]).status == "queued"


def test_a_stale_claim_is_taken_over_and_its_owner_cannot_finish(engine: Engine, detected: dict[str, int]) -> None:
    nike = detected["nike"]
    with Session(engine) as session, session.begin():
        queue_backfill(nike, session=session)
    with Session(engine) as session, session.begin():
        assert claim_backfills(session=session, token="killed") == [nike]
        assert claim_backfills(session=session, token="other") == []  # fresh claims are not taken
    with Session(engine) as session, session.begin():
        session.execute(update(MarkBackfill).values(claimed_at=MarkBackfill.claimed_at - timedelta(hours=2)))
    with Session(engine) as session, session.begin():
        assert claim_backfills(session=session, token="other") == [nike]
    with Session(engine) as session, session.begin():
        assert not finish_backfill(nike, session=session, token="killed", listings=1)
        assert finish_backfill(nike, session=session, token="other", listings=7)


def test_unreachable_elasticsearch_fails_the_backfill_and_the_next_run_retries(
        settings: Settings, engine: Engine, detected: dict[str, int], unused_port: int) -> None:
    adidas = _add(engine, "Adidas", "adidas AG")
    broken = settings.model_copy(update={"es_url": f"http://127.0.0.1:{unused_port}"})
    with pytest.raises(IndexUnavailable):
        run_backfills(settings=broken, engine=engine)
    state = _state(engine, adidas)
    assert state.status == "failed" and "IndexUnavailable" in state.error and state.claim_token is None
    assert run_backfills(settings=settings, engine=engine).marks == [adidas]
    assert _state(engine, adidas).status == "done"


def test_detect_backfill_command(settings: Settings, sqlite_engine: Engine, index: ListingsIndex) -> None:
    _add(sqlite_engine, "Adidas", "adidas AG")
    result = CliRunner().invoke(app, ["detect", "--backfill"])
    assert result.exit_code == 0, result.stderr
    assert f"1 mark checked against the whole index in 1 scan ({len(LISTINGS)} listings)" in result.stderr
    assert "no backfill queued" in CliRunner().invoke(app, ["detect", "--backfill"]).stderr
    assert CliRunner().invoke(app, ["detect", "--backfill", "--full"]).exit_code == 2


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_full_run_closes_the_backfills_waiting_when_it_began(settings: Settings, engine: Engine,
                                                               detected: dict[str, int]) -> None:
    adidas = _add(engine, "Adidas", "adidas AG", classes=[25])
    run_detection(settings=settings, engine=engine, full=True, slice_id=0, slices=2)
    assert _state(engine, adidas).status == "queued"  # half the index is no check of the whole
    run_detection(settings=settings, engine=engine, full=True)
    state = _state(engine, adidas)
    assert (state.status, state.listings_checked) == ("done", len(LISTINGS))
    assert run_backfills(settings=settings, engine=engine).marks == []

    puma = _add(engine, "Puma", "Puma SE", classes=[25])
    with Session(engine) as session:
        snapshot = waiting_requests(session=session)
    with Session(engine) as session, session.begin():
        queue_backfill(puma, session=session)  # changed after the run read the queue, before it loaded the marks
    with Session(engine) as session, session.begin():
        assert close_covered_backfills(snapshot, session=session, listings=7) == 0
    assert _state(engine, puma).status == "queued"
