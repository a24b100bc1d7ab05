"""`markwatch airflow standalone|dags-folder` and `markwatch housekeeping`, as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from markwatch.cli import app

pytestmark = pytest.mark.airflow
runner = CliRunner()


def test_standalone_uses_the_data_dir_and_the_project_dags(settings, dags_folder: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARKWATCH_DAGS_FOLDER", raising=False)
    monkeypatch.delenv("AIRFLOW__API__HOST", raising=False)
    result = runner.invoke(app, ["airflow", "standalone", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"AIRFLOW_HOME={(settings.data_dir / 'airflow').resolve()}" in lines
    assert f"AIRFLOW__CORE__DAGS_FOLDER={dags_folder}" in lines
    assert "AIRFLOW__CORE__LOAD_EXAMPLES=False" in lines
    assert "AIRFLOW__API__HOST=127.0.0.1" in lines  # local use: not reachable from the network
    assert lines[-1].endswith("airflow standalone")


def test_dags_folder_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_DAGS_FOLDER", str(tmp_path))
    result = runner.invoke(app, ["airflow", "dags-folder"])
    assert (result.exit_code, result.output.strip()) == (0, str(tmp_path))
    monkeypatch.setenv("MARKWATCH_DAGS_FOLDER", str(tmp_path / "missing"))
    result = runner.invoke(app, ["airflow", "dags-folder"])
    assert result.exit_code == 1 and "is not a directory" in result.output


def test_housekeeping_command(settings, sqlite_engine) -> None:
    from shared_db.evidence import EvidenceStore

    EvidenceStore(settings.resolved_evidence_dir).put(b"old", url="http://x/", status=200,
                                                       captured_at=datetime(2000, 1, 1, tzinfo=UTC))
    dry = runner.invoke(app, ["housekeeping", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["evidence"]["deleted"] == 1
    assert len(list(EvidenceStore(settings.resolved_evidence_dir).iter_hashes())) == 1

    done = runner.invoke(app, ["housekeeping"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["evidence"]["deleted"] == 1 and report["claims_released"] == 0
    assert report["login_counters_purged"] == 0
    assert report["index"]["index"] == f"{settings.listings_alias}-v1" and not report["index"]["reindexed"]
    assert list(EvidenceStore(settings.resolved_evidence_dir).iter_hashes()) == []


def test_suspects_process_command(settings, sqlite_engine, demo_site) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from markwatch.demo_market.server import DemoMarket
    from shared_db.models import SuspectReport

    with DemoMarket(host="127.0.0.1", port=0, seed=3, size=8) as market:
        demo_site(settings, market.base_url)
        url = market.product_urls()[0]
        with Session(sqlite_engine) as session, session.begin():
            session.add(SuspectReport(url=url))
        result = runner.invoke(app, ["suspects", "process", "--timeout", "120"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["crawled"] == [1]
    with Session(sqlite_engine) as session:
        report = session.scalar(select(SuspectReport))
    # no marks registered: crawled, detected, no match
    assert (report.status, report.listing_id) == ("no_match", f"demo-market:{url.rsplit('/', 1)[1]}")
    again = runner.invoke(app, ["suspects", "process"])
    assert json.loads(again.output) == {"queued": 0, "refused": [], "failed": [], "crawled": [], "no_match": [],
                                        "hits": {}, "crawls": [], "detection_error": None}
