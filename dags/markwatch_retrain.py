"""markwatch_retrain: weekly, retrain the classifier from reviewers' decisions.

Wiring only. ``train`` builds the training set from decisions, trains, evaluates and promotes the
candidate only if it passes the promotion gate (all inside ``train_from_decisions``); ``train`` is
skipped while there are not enough confirmed and dismissed hits; ``report`` logs the outcome. Param
``force`` promotes the candidate even when it is worse than the current model. The CLI runs the same
work with ``markwatch train``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Param, dag, task


@dag(
    dag_id="markwatch_retrain",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    params={"force": Param(False, type="boolean", description="Promote the new model even if it is worse")},
    tags=["markwatch"],
    doc_md=__doc__,
)
def markwatch_retrain() -> None:
    @task(multiple_outputs=False, execution_timeout=timedelta(hours=2))
    def train() -> dict[str, Any]:
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowSkipException

        from markwatch.jobs.retrain import retrain
        from markwatch.jobs.runtime import task_settings
        from shared_db.db import get_engine

        force = bool(get_current_context()["params"].get("force"))
        settings = task_settings()
        result = retrain(settings=settings, engine=get_engine(settings.resolved_database_url), force=force)
        if not result["trained"]:
            raise AirflowSkipException(result["reason"])
        return result

    @task(multiple_outputs=False)
    def report(result: dict[str, Any]) -> dict[str, Any]:
        import logging

        logging.getLogger("markwatch.retrain").info("retraining report: %s", result)
        return result

    report(train())


markwatch_retrain()
