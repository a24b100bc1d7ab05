"""markwatch_detect: detect infringing listings after every crawl, or on demand.

Wiring only. Scheduled by the listings Asset that ``markwatch_crawl`` updates; trigger it by hand
(params ``full`` and ``slices``) to re-detect everything, e.g. after marks changed. ``plan`` splits
the index into slices (Variable ``markwatch_detect_slices``), each scanning from its own watermark
(``markwatch.jobs.detect.plan_detection``), ``detect`` is mapped over them and
upserts hits idempotently (a retry or a re-run duplicates nothing); beside them ``backfill`` checks the
marks added or changed since the last run against the whole index
(``markwatch.jobs.detect.run_mark_backfills``); then ``reprioritise`` re-ranks the review queue and
``screenshots`` takes screenshot evidence of the hits (and reported URLs) that have none. The CLI runs
the same work with ``markwatch detect``, ``markwatch detect --backfill`` and ``markwatch screenshots``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, Param, dag, task

LISTINGS = Asset(name="markwatch_listings", uri="markwatch://listings/")


@dag(
    dag_id="markwatch_detect",
    schedule=[LISTINGS],
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2)},
    params={
        "full": Param(False, type="boolean", description="Scan every listing, not only those indexed since the last run"),
        "slices": Param(None, type=["null", "integer"], minimum=1, maximum=64,
                        description="Parallel detection tasks (default: Variable markwatch_detect_slices)"),
    },
    tags=["markwatch"],
    doc_md=__doc__,
)
def markwatch_detect() -> None:
    @task
    def plan() -> list[dict[str, Any]]:
        from airflow.sdk import get_current_context

        from markwatch.jobs.detect import plan_detection
        from markwatch.jobs.runtime import (
            DEFAULT_DETECT_SLICES,
            DETECT_SLICES_VARIABLE,
            variable,
        )

        params = get_current_context()["params"]
        slices = params.get("slices") or variable(DETECT_SLICES_VARIABLE, DEFAULT_DETECT_SLICES)
        return plan_detection(slices=slices, full=bool(params.get("full")))

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=3))
    def detect(job: dict[str, Any]) -> dict[str, Any]:
        from markwatch.jobs.detect import detect_slice
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return detect_slice(settings=settings, engine=get_engine(settings.resolved_database_url), **job)

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=3))
    def backfill() -> dict[str, Any]:
        from markwatch.jobs.detect import run_mark_backfills
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return run_mark_backfills(settings=settings, engine=get_engine(settings.resolved_database_url))

    @task(multiple_outputs=False, execution_timeout=timedelta(minutes=30))
    def reprioritise(results: list[dict[str, Any]], backfilled: dict[str, Any]) -> dict[str, Any]:
        from markwatch.jobs.detect import reprioritise_queue
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        report = reprioritise_queue(engine=get_engine(settings.resolved_database_url))
        return {"slices": len(list(results)), "backfilled_marks": len(backfilled["marks"]), **report}

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=1))
    def screenshots(ranked: dict[str, Any]) -> dict[str, Any]:
        from markwatch.jobs.runtime import task_settings
        from markwatch.jobs.screenshots import capture_screenshots
        from shared_db.db import get_engine

        settings = task_settings()
        return capture_screenshots(settings=settings, engine=get_engine(settings.resolved_database_url))

    screenshots(reprioritise(detect.expand(job=plan()), backfill()))


markwatch_detect()
