"""markwatch_crawl: crawl every enabled site profile and the suspect URLs reported by hand.

Wiring only. Each task calls ``markwatch.jobs`` (the CLI runs the same work with ``markwatch crawl``
and ``markwatch suspects process``). ``crawl`` is mapped over the enabled profiles (or the
Variable ``markwatch_crawl_targets``, a JSON list, or the run's ``targets`` param) and, for a profile
with a search template, over its batches of watch queries (profile × query batch, each batch with its
share of the marketplace's page budget: ``markwatch.jobs.crawl.search_batches``); each crawl runs
as a subprocess, records its crawl run and raises with the log tail when it fails, so Airflow retries
it. ``crawl_suspects`` checks, crawls and detects the reported URLs and records each report's state
(refused, fetch_failed, no_match, hit). ``publish`` updates the listings Asset once per run (which triggers ``markwatch_detect``);
``watcher`` fails the run when any crawl failed for good.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, Param, dag, task

LISTINGS = Asset(name="markwatch_listings", uri="markwatch://listings/")
CRAWL_TIMEOUT = timedelta(hours=2)
# Where crawls run: a pool bounding all crawls together, a Celery queue served by crawler hosts.
CRAWL_ROUTING = {key: value for key, value in {
    "pool": os.environ.get("MARKWATCH_CRAWL_POOL"),
    "queue": os.environ.get("MARKWATCH_CRAWL_QUEUE"),
}.items() if value}


@dag(
    dag_id="markwatch_crawl",
    schedule=os.environ.get("MARKWATCH_CRAWL_SCHEDULE", "@hourly"),
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "retry_exponential_backoff": 2.0},
    params={
        "targets": Param(None, type=["null", "array"], items={"type": "string"},
                         description="Profiles or spiders to crawl (default: Variable markwatch_crawl_targets, "
                                     "else every enabled profile)"),
        "start_urls": Param({}, type="object",
                            description="Start URLs replacing a target's own, e.g. {\"name\": [\"http://mirror/\"]}"),
    },
    tags=["markwatch"],
    doc_md=__doc__,
)
def markwatch_crawl() -> None:
    @task
    def list_profiles() -> list[dict[str, Any]]:
        from airflow.sdk import get_current_context

        from markwatch.jobs.crawl import crawl_targets, expand_search_targets
        from markwatch.jobs.runtime import CRAWL_TARGETS_VARIABLE, task_settings, variable

        params = get_current_context()["params"]
        targets = params.get("targets")
        if targets is None:
            targets = variable(CRAWL_TARGETS_VARIABLE, None, deserialize_json=True)
        return expand_search_targets(crawl_targets(targets, start_urls=params.get("start_urls") or {}),
                                     settings=task_settings())

    @task(
        multiple_outputs=False,
        execution_timeout=CRAWL_TIMEOUT,
        max_active_tis_per_dagrun=int(os.environ.get("MARKWATCH_CRAWL_CONCURRENCY", "4")),
        **CRAWL_ROUTING,
    )
    def crawl(target: dict[str, Any]) -> dict[str, Any]:
        from markwatch.jobs.crawl import crawl_profile
        from markwatch.jobs.runtime import CRAWL_TIMEOUT_VARIABLE, task_settings, variable

        # The subprocess must end (and close its crawl run) before Airflow's execution_timeout fires.
        limit = CRAWL_TIMEOUT.total_seconds() - 60
        timeout = min(float(variable(CRAWL_TIMEOUT_VARIABLE, limit)), limit)
        return crawl_profile(target["name"], start_urls=target["start_urls"], settings=task_settings(),
                             timeout=timeout, queries=target.get("queries"), budget=target.get("budget"))

    @task(multiple_outputs=False, execution_timeout=timedelta(minutes=45), **CRAWL_ROUTING)
    def crawl_suspects() -> dict[str, Any]:
        from airflow.sdk import get_current_context

        from markwatch.jobs.runtime import CRAWL_TIMEOUT_VARIABLE, jsonable, task_settings, variable
        from markwatch.jobs.suspects import process_suspects
        from shared_db.db import get_engine

        ti = get_current_context()["ti"]
        settings = task_settings()
        report = process_suspects(
            settings=settings,
            engine=get_engine(settings.resolved_database_url),
            timeout=min(float(variable(CRAWL_TIMEOUT_VARIABLE, 40 * 60)), 40 * 60),  # < execution_timeout
            final_attempt=ti.try_number > ti.max_tries,
        )
        return jsonable(report)

    @task(multiple_outputs=False, trigger_rule="all_done", outlets=[LISTINGS])
    def publish(crawls: list[dict[str, Any]], suspects: dict[str, Any] | None) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowSkipException

        from markwatch.jobs.crawl import indexed_count

        summaries = [c for c in (crawls or []) if isinstance(c, dict)]
        if isinstance(suspects, dict):
            summaries.extend(c for c in suspects.get("crawls", []) if isinstance(c, dict))
        indexed = sum(indexed_count(summary) for summary in summaries)
        if not indexed:
            raise AirflowSkipException("no listing was indexed in this run; the listings asset is unchanged")
        return {"crawls": len(summaries), "indexed": indexed}

    @task(multiple_outputs=False, trigger_rule="one_failed", retries=0)
    def watcher() -> None:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException("a crawl failed after its retries; see its task log and the crawl_runs table")

    crawls = crawl.expand(target=list_profiles())
    suspects = crawl_suspects()
    publish(crawls, suspects)
    [crawls, suspects] >> watcher()


markwatch_crawl()
