"""markwatch_housekeeping: daily evidence retention, stale claims, old login counters, marks' distinctiveness,
index upkeep, vocabulary.

Wiring only; the CLI runs the same work with ``markwatch housekeeping``. ``prune_evidence`` deletes
snapshots older than ``MARKWATCH_EVIDENCE_RETENTION_DAYS`` except those of confirmed, escalated or
still-undecided hits. ``release_claims`` frees review claims older than ``MARKWATCH_CLAIM_TTL_MINUTES``.
``purge_login_counters`` deletes failed-login counters quiet for a day. ``reassess_marks`` stores the
distinctiveness of marks not yet assessed or whose assessment the rules now change.
``reindex_listings`` rebuilds the index behind its alias when its mapping drifted from the code (or
when param ``reindex`` is set) and drops old versions; then ``learn_vocabulary`` relearns the words
listings of several brands use, which detection does not report as fuzzy matches. ``recheck_takedowns``
re-checks notified listings (removed / still online / changed) and flags re-listings; ``link_sellers``
recomputes the seller networks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param, dag, task


@dag(
    dag_id="markwatch_housekeeping",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    params={"reindex": Param(False, type="boolean", description="Rebuild the listings index even without drift")},
    tags=["markwatch"],
    doc_md=__doc__,
)
def markwatch_housekeeping() -> None:
    @task(multiple_outputs=False, execution_timeout=timedelta(hours=1))
    def prune_evidence() -> dict[str, Any]:
        from markwatch.jobs import housekeeping
        from markwatch.jobs.runtime import jsonable, task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return jsonable(housekeeping.prune_evidence(settings=settings,
                                                    engine=get_engine(settings.resolved_database_url)))

    @task(multiple_outputs=False, execution_timeout=timedelta(minutes=10))
    def release_claims() -> int:
        from markwatch.jobs import housekeeping
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return housekeeping.release_stale_claims(settings=settings,
                                                 engine=get_engine(settings.resolved_database_url))

    @task(multiple_outputs=False, execution_timeout=timedelta(minutes=10))
    def purge_login_counters() -> int:
        from markwatch.jobs import housekeeping
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        return housekeeping.purge_login_counters(engine=get_engine(task_settings().resolved_database_url))

    @task(multiple_outputs=False, execution_timeout=timedelta(minutes=30))
    def reassess_marks() -> int:
        from markwatch.jobs import housekeeping
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        return housekeeping.reassess_marks(engine=get_engine(task_settings().resolved_database_url))

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=2))
    def reindex_listings() -> dict[str, Any]:
        from airflow.sdk import get_current_context

        from markwatch.jobs import housekeeping
        from markwatch.jobs.runtime import jsonable, task_settings

        force = bool(get_current_context()["params"].get("reindex"))
        return jsonable(housekeeping.reindex_listings(settings=task_settings(), force=force))

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=1))
    def learn_vocabulary() -> dict[str, Any]:
        from markwatch.jobs import vocabulary
        from markwatch.jobs.runtime import jsonable, task_settings

        return jsonable(vocabulary.learn_vocabulary(settings=task_settings()))

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=1))
    def recheck_takedowns() -> dict[str, Any]:
        from markwatch.jobs import recheck
        from markwatch.jobs.runtime import jsonable, task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return jsonable(recheck.recheck_listings(settings=settings, engine=get_engine(settings.resolved_database_url)))

    @task(multiple_outputs=False, execution_timeout=timedelta(hours=1))
    def link_sellers() -> int:
        from markwatch.jobs import networks
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        settings = task_settings()
        return networks.link_sellers(settings=settings, engine=get_engine(settings.resolved_database_url))

    prune_evidence()
    recheck_takedowns()
    link_sellers()
    release_claims()
    purge_login_counters()
    reassess_marks()
    reindex_listings() >> learn_vocabulary()


markwatch_housekeeping()
