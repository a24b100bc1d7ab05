"""Elasticsearch restarting in the middle of a crawl: nothing is lost (crawled count = indexed count)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawlers.runner import run_crawl
from markwatch.cli import app
from markwatch.demo_market import DemoMarket
from markwatch.embedded_es import EmbeddedElasticsearch
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.settings import Settings

RESTART_PORT = 9291


@pytest.fixture
def own_es() -> Iterator[EmbeddedElasticsearch]:
    """A second embedded Elasticsearch this test may stop and start."""
    data_dir = Path(tempfile.mkdtemp(prefix="markwatch-restart-es-"))
    data_dir.chmod(0o755)
    server = EmbeddedElasticsearch(Settings(data_dir=data_dir, es_port=RESTART_PORT))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.mark.slow
def test_crawl_survives_an_elasticsearch_restart(settings: Settings, sqlite_engine: object, shared_data: Path,
                                                 own_es: EmbeddedElasticsearch, monkeypatch) -> None:
    local = settings.model_copy(update={"es_url": own_es.url})
    monkeypatch.setenv("MARKWATCH_ES_URL", own_es.url)
    index = ListingsIndex(make_client(local), local)
    index.ensure()
    restarted = threading.Event()

    def restart_when_indexing_started() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if index.count() >= 20:
                    break
            except Exception:  # noqa: BLE001 - the index may not be visible yet
                pass
            time.sleep(0.1)
        own_es.stop()
        time.sleep(2)
        own_es.start()
        restarted.set()

    with DemoMarket(size=200, seed=11, data_dir=shared_data, slow_seconds=0.2) as market:
        local = local.model_copy(update={"allowed_private_hosts": [market.base_url]})
        chaos = threading.Thread(target=restart_when_indexing_started, daemon=True)
        chaos.start()
        summary = run_crawl("demo_market", start_urls=[market.base_url + "/"], settings=local, timeout=600,
                            scrapy_settings={"MARKWATCH_INDEX_BATCH": 10, "DOWNLOAD_DELAY": 0.05,
                                             "AUTOTHROTTLE_ENABLED": False})
        chaos.join(timeout=180)
    assert restarted.is_set()
    assert summary.spooled > 0, "the restart happened after the crawl; nothing was tested"
    assert summary.indexed + summary.spooled == summary.items
    replay = CliRunner().invoke(app, ["crawl", "replay"])
    assert replay.exit_code == 0, replay.output
    index.refresh()
    assert index.count() == summary.items
