"""Airflow in a throw-away home: configured before anything imports airflow, its DB reset once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

DAGS_FOLDER = Path(__file__).resolve().parents[2] / "dags"
_HOME = Path(tempfile.mkdtemp(prefix="markwatch-airflow-"))

# Airflow reads its configuration when first imported: this must run before any test imports it.
os.environ.update({
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
    "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(_HOME / "logs"),
})


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def dags_folder() -> Path:
    return DAGS_FOLDER


@pytest.fixture(scope="session")
def airflow_db() -> Iterator[None]:
    """A fresh Airflow metadata database for this pytest session (needed by dag.test())."""
    from airflow.utils.db import resetdb

    resetdb()
    yield


@pytest.fixture
def dagbag(dags_folder: Path):  # type: ignore[no-untyped-def]
    """Freshly parsed DAGs: dag.test() keeps a run's conf in the DAG's params, and tests tune retries."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(dags_folder))
