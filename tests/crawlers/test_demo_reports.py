"""The demo reports URLs of every state and processes reports while it serves (markwatch.demo)."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from markwatch import demo as steps
from shared_db.models import SuspectReport


def test_demo_reports_reach_every_state_through_the_worker(settings, sqlite_engine, demo_site, market,  # type: ignore[no-untyped-def]
                                                           tmp_path) -> None:
    run_settings = demo_site(settings, market.base_url).model_copy(update={"crawl_timeout_seconds": 5})
    steps.load_marks(tmp_path / "marks.csv", engine=sqlite_engine)
    steps.ensure_users(steps.demo_users(steps.demo_owner_names()), engine=sqlite_engine, reset_passwords=False)
    added = steps.seed_reports(market, engine=sqlite_engine)
    assert len(added) == 5 and steps.seed_reports(market, engine=sqlite_engine) == []  # idempotent

    worker = steps.ReportWorker(settings=run_settings, engine=sqlite_engine, interval=0.2).start()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with Session(sqlite_engine) as session:
                states = dict(session.execute(select(SuspectReport.url, SuspectReport.status)).tuples().all())
            if "queued" not in states.values() and "crawled" not in states.values():
                break
            time.sleep(1)
    finally:
        worker.stop()
    infringing, unrelated, missing, robots, redirect = added
    assert states == {infringing: "hit", unrelated: "no_match", missing: "fetch_failed", robots: "refused",
                      redirect: "refused"}
    with Session(sqlite_engine) as session:
        reports = list(session.scalars(select(SuspectReport)))
    assert len({r.org_id for r in reports}) == 1 and all(r.reported_by for r in reports)  # one rights holder's
