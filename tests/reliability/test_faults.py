"""Faults: a killed detection converges, lost database connections never leave a partial decision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from detection.batch import run_detection
from shared_db.db import make_engine
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.migrate import upgrade
from shared_db.models import Decision, DetectionRun, Hit
from shared_db.repo.hits import HitCandidate, decide, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

BRANDS = ["SONY", "CANON", "LOGITECH", "SAMSUNG", "BELKIN", "PANASONIC"]
TRICKS = ["{}", "{} replica", "{}x", "1:1 {}", "genuine {}", "{} 高仿"]


def _listings(count: int) -> list[dict]:
    """Deterministic titles: every sixth a plain product, the rest brand look-alikes."""
    listings = []
    for i in range(count):
        brand = BRANDS[i % len(BRANDS)]
        title = "usb cable 2m black" if i % 6 == 5 else TRICKS[i % len(TRICKS)].format(brand.lower()) + f" item {i}"
        listings.append({"listing_id": str(i), "marketplace": "faults", "title": title, "price": "10.00",
                         "currency": "USD", "seller_id": f"s{i % 13}"})
    return listings


def _prepare(settings: Settings, engine: Engine, listings: list[dict]) -> None:
    with Session(engine) as session, session.begin():
        for brand in BRANDS:
            upsert_mark(MarkCreate(text=brand, owner=f"{brand} owner"), session=session)
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert(listings, refresh=True)


def _hit_keys(engine: Engine) -> set[tuple[str, int, float]]:
    with Session(engine) as session:
        return {(h.listing_id, h.mark_id, round(h.score, 3)) for h in session.scalars(select(Hit))}


@pytest.mark.slow
def test_detection_killed_midway_converges_to_the_same_hits(settings: Settings, sqlite_engine: Engine,
                                                            tmp_path) -> None:
    listings = _listings(6000)
    _prepare(settings, sqlite_engine, listings)
    env = {**os.environ, "MARKWATCH_DATABASE_URL": settings.resolved_database_url}
    # Small batches: each commits, so the first hits appear long before the run ends.
    process = subprocess.Popen([sys.executable, "-P", "-c", "from markwatch.cli import main; main()", "detect",
                                "--batch-size", "20"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        with Session(sqlite_engine) as session:
            if session.scalar(select(func.count()).select_from(Hit)):
                break
        time.sleep(0.05)
    assert process.poll() is None, "detection finished before it could be killed; use more listings"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with Session(sqlite_engine) as session:
        partial = session.scalar(select(func.count()).select_from(Hit))
        assert session.scalar(select(DetectionRun.status)) == "running"  # killed: never finished
    run_detection(settings=settings, engine=sqlite_engine)

    reference_engine = make_engine(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    upgrade(reference_engine)
    with Session(reference_engine) as session, session.begin():
        for brand in BRANDS:
            upsert_mark(MarkCreate(text=brand, owner=f"{brand} owner"), session=session)
    run_detection(settings=settings, engine=reference_engine)
    converged, reference = _hit_keys(sqlite_engine), _hit_keys(reference_engine)
    assert 0 < partial < len(reference)
    assert converged == reference


def _one_hit(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony"), session=session)
        upsert_hit(HitCandidate(listing_id="m:1", mark_id=mark.id, marketplace="m", listing_title="s0ny tv",
                                score=90, kind="leet"), session=session)
        return session.scalar(select(Hit.id))


def test_lost_postgresql_connection_leaves_no_partial_decision(pg_engine: Engine) -> None:
    hit_id = _one_hit(pg_engine)
    session = Session(pg_engine)
    session.begin()
    decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    backend = session.execute(text("select pg_backend_pid()")).scalar()
    with psycopg.connect(pg_engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (backend,))
    with pytest.raises(DBAPIError):
        session.commit()
    session.close()
    with Session(pg_engine) as check:
        assert check.scalar(select(Hit.status).where(Hit.id == hit_id)) == "new"
        assert check.scalar(select(func.count()).select_from(Decision)) == 0
    with Session(pg_engine) as retry, retry.begin():  # the pool replaces the dead connection
        decide(hit_id, "confirmed", session=retry, reviewer_id=None, expected_version=1)
    with Session(pg_engine) as check:
        assert check.scalar(select(func.count()).select_from(Decision)) == 1


def test_sqlite_busy_waits_for_the_writer_then_decides(sqlite_engine: Engine) -> None:
    hit_id = _one_hit(sqlite_engine)
    holder = sqlite_engine.raw_connection()
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, holder.commit)
    release.start()
    began = time.monotonic()
    with Session(sqlite_engine) as session, session.begin():
        decide(hit_id, "dismissed", session=session, reviewer_id=None, expected_version=1)
    release.join()
    holder.close()
    assert time.monotonic() - began >= 0.9  # it waited on the lock instead of failing
    with Session(sqlite_engine) as check:
        assert check.scalar(select(Hit.status)) == "dismissed"
        assert check.scalar(select(func.count()).select_from(Decision)) == 1
