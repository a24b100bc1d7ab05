"""The DAG files import cleanly, define the expected DAGs and graphs, and pass Airflow's ruff rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.airflow

EXPECTED = {
    "markwatch_crawl": {
        "list_profiles": set(),
        "crawl": {"list_profiles"},
        "crawl_suspects": set(),
        "publish": {"crawl", "crawl_suspects"},
        "watcher": {"crawl", "crawl_suspects"},
    },
    "markwatch_detect": {"plan": set(), "detect": {"plan"}, "backfill": set(), "reprioritise": {"detect", "backfill"},
                         "screenshots": {"reprioritise"}},
    "markwatch_retrain": {"train": set(), "report": {"train"}},
    "markwatch_housekeeping": {"prune_evidence": set(), "recheck_takedowns": set(), "link_sellers": set(),
                               "release_claims": set(), "purge_login_counters": set(),
                               "reassess_marks": set(), "reindex_listings": set(),
                               "learn_vocabulary": {"reindex_listings"}},
}


def test_no_import_errors_and_expected_dags(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == set(EXPECTED)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_task_graph(dagbag, dag_id: str) -> None:
    dag = dagbag.dags[dag_id]
    graph = {task_id: set(task.upstream_task_ids) for task_id, task in dag.task_dict.items()}
    assert graph == EXPECTED[dag_id]


def test_crawl_is_mapped_retried_bounded_and_publishes_the_listings_asset(dagbag) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    crawl_dag = dagbag.dags["markwatch_crawl"]
    crawl = crawl_dag.get_task("crawl")
    assert isinstance(crawl, MappedOperator)
    assert crawl.retries >= 1 and crawl.execution_timeout is not None
    outlets = crawl_dag.get_task("publish").outlets
    detect_dag = dagbag.dags["markwatch_detect"]
    assert [a.uri for a in outlets] == [a.uri for a in detect_dag.timetable.asset_condition.objects]
    assert isinstance(detect_dag.get_task("detect"), MappedOperator)


def test_schedules(dagbag) -> None:
    assert dagbag.dags["markwatch_retrain"].schedule == "@weekly"
    assert dagbag.dags["markwatch_housekeeping"].schedule == "@daily"
    assert dagbag.dags["markwatch_crawl"].max_active_runs == 1


def test_dag_files_import_nothing_heavy(dags_folder: Path) -> None:
    """Parsing the DAG files must not import the pipeline (no DB/ES/crawler work at import time)."""
    code = (
        "import sys, runpy, pathlib\n"
        f"for f in sorted(pathlib.Path({str(dags_folder)!r}).glob('*.py')): runpy.run_path(str(f))\n"
        "heavy = [m for m in ('elasticsearch', 'scrapy', 'sklearn', 'shared_db', 'detection',"
        " 'crawlers', 'markwatch') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    heavy = [line for line in out.stdout.splitlines() if line.startswith("HEAVY=")]
    assert heavy == ["HEAVY="]


@pytest.mark.parametrize("rules", [["--select", "AIR3"], ["--preview", "--select", "AIR"]])
def test_ruff_airflow_rules_clean(dags_folder: Path, rules: list[str]) -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", *rules, str(dags_folder)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
