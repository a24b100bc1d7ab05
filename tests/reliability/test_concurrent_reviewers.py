"""20 reviewers deciding at once through the served app: no lost or double decisions, no 5xx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def _load(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(LOAD), "--json", "--reviewers", "20", "--seconds", "5",
                           "--hits", "300", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _assert_consistent(result: dict) -> None:
    assert result["decisions_accepted"] > 0
    assert result["conflicts"] > 0  # the reviewers really raced for the same hits
    assert result["server_errors"] == 0, result["statuses"]
    assert result["lost_or_double"] == 0
    assert result["versions_decided_twice"] == 0


@pytest.mark.slow
def test_concurrent_reviewers_on_sqlite() -> None:
    _assert_consistent(_load())


@pytest.mark.slow
def test_concurrent_reviewers_on_postgresql(pg_engine: Engine) -> None:
    _assert_consistent(_load("--database-url", pg_engine.url.render_as_string(hide_password=False)))
