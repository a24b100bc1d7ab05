"""Scheduled work: what the Airflow DAGs and the matching CLI commands run.

Every DAG task is a thin call into one of these modules, so the same work runs without Airflow:

- :mod:`markwatch.jobs.crawl` — the enabled site profiles and one crawl per profile.
- :mod:`markwatch.jobs.suspects` — crawl the listing URLs reported by hand.
- :mod:`markwatch.jobs.detect` — detection split into index slices, then re-prioritisation.
- :mod:`markwatch.jobs.retrain` — retrain the classifier from reviewers' decisions.
- :mod:`markwatch.jobs.housekeeping` — evidence retention, stale claims, index reindex.
- :mod:`markwatch.jobs.runtime` — settings for a task: markwatch settings plus Airflow
  Variables and Connections (read only when a task runs).

Nothing here imports Airflow at module level.
"""
