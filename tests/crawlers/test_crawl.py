"""End-to-end crawls of the demo marketplace in subprocesses (crawlers.runner), into a real Elasticsearch."""

from __future__ import annotations

import socket
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from crawlers.runner import CrawlFailed, run_crawl
from markwatch.cli import app
from markwatch.demo_market import DemoMarket
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.evidence import EvidenceStore
from shared_db.settings import Settings

pytestmark = pytest.mark.slow


def index_for(settings: Settings) -> ListingsIndex:
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    return index


def assert_matches_truth(doc: dict[str, Any], truth: dict[str, Any]) -> None:
    assert doc["title"] == truth["title"]
    assert Decimal(str(doc["price"])) == Decimal(truth["price"])
    assert doc["currency"] == truth["currency"]
    assert doc["seller_id"] == truth["seller_id"]
    assert doc.get("brand") == truth["stated_brand"]
    assert doc["language"] == truth["language"]


def test_structured_crawl_indexes_every_listing_with_evidence(market: DemoMarket, market_settings: Settings) -> None:
    start = [f"{market.base_url}/", f"{market.base_url}/private/admin"]  # the second is disallowed by robots.txt
    summary = run_crawl("demo_market", start_urls=start, settings=market_settings, timeout=180)
    truth = market.ground_truth()
    assert summary.status == "succeeded", summary.error
    assert summary.items == len(truth) and summary.indexed == summary.items and summary.spooled == 0
    index = index_for(market_settings)
    assert index.count() == summary.items
    store = EvidenceStore(market_settings.resolved_evidence_dir)
    for record in truth:
        doc = index.get("demo-market", record["listing_id"])
        assert doc is not None, record["listing_id"]
        assert record["title"].encode() in store.get(doc["evidence_sha256"]).replace(b"&#39;", b"'") or \
            record["hostile"] == "gbk"
        if record["hostile"] in (None, "gbk", "slow"):
            assert_matches_truth(doc, record)

    # hostile pages neither crash nor stop the crawl, and each is counted
    stats = summary.stats
    assert stats["markwatch/errors/http_500"] == 1
    assert stats["markwatch/blocked/private_address"] == 2
    assert stats["markwatch/errors/download_cancelled_error"] == 1  # the huge page
    assert stats["markwatch/errors/too_large"] == 1  # the gzip bomb, stopped during decompression
    assert summary.errors == 5
    assert stats["robotstxt/forbidden"] == 1 and stats["markwatch/skipped/robots_txt"] == 1
    assert market.requests["private"] == 0  # robots.txt obeyed

    again = run_crawl("demo_market", start_urls=[f"{market.base_url}/"], settings=market_settings, timeout=180)
    assert again.items == summary.items and again.indexed == 0
    assert again.stats["markwatch/incremental/unchanged"] == summary.items

    result = CliRunner().invoke(app, ["crawl", "status"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.count("demo_market") == 2 and "succeeded" in result.output


def test_profile_crawl_reads_pages_without_markup(market: DemoMarket, market_settings: Settings) -> None:
    summary = run_crawl("demo_market_selectors", start_urls=[f"{market.base_url}/"], settings=market_settings,
                        timeout=180)
    assert summary.status == "succeeded" and summary.profile == "demo_market_selectors"
    index = index_for(market_settings)
    plain = [r for r in market.ground_truth() if r["markup"] == "plain" and r["hostile"] is None]
    assert plain
    for record in plain:
        doc = index.get("demo-market", record["listing_id"])
        assert_matches_truth(doc, record)
        assert doc["profile"] == "demo_market_selectors"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_elasticsearch_down_spools_and_replay_indexes_everything(market: DemoMarket,
                                                                 market_settings: Settings) -> None:
    down = market_settings.model_copy(update={"es_url": f"http://127.0.0.1:{closed_port()}"})
    summary = run_crawl("demo_market_sitemap", start_urls=[f"{market.base_url}/robots.txt"], settings=down,
                        timeout=180)
    assert summary.status == "degraded"  # before: "succeeded" with nothing indexed
    assert summary.indexed == 0 and summary.spooled == summary.items == len(market.ground_truth())
    result = CliRunner().invoke(app, ["crawl", "replay"])
    assert result.exit_code == 0, result.output
    assert f"replayed {summary.items}" in result.output
    assert index_for(market_settings).count() == summary.items


def test_runner_raises_with_the_log_tail(crawl_settings: Settings) -> None:
    with pytest.raises(CrawlFailed, match="no spider or profile named 'no-such-site'") as failure:
        run_crawl("no-such-site", settings=crawl_settings, timeout=60)
    assert failure.value.returncode == 2


def test_elasticsearch_refusing_the_credentials_fails_the_crawl_with_its_message(
        market: DemoMarket, market_settings: Settings, es_gate: Any) -> None:
    """A 401 used to count as "unavailable": the crawl spooled everything and ended green."""
    from pydantic import SecretStr

    from crawlers.runner import read_summary
    from crawlers.spool import Spool

    es_gate.credentials = {"ApiKey the-right-key"}
    refused = market_settings.model_copy(update={"es_url": es_gate.url, "es_api_key": SecretStr("a-wrong-key")})
    with pytest.raises(CrawlFailed) as failure:
        run_crawl("demo_market_sitemap", start_urls=[f"{market.base_url}/robots.txt"], settings=refused,
                  timeout=180)
    summary = read_summary(failure.value.run_id, market_settings)
    assert summary.status == "failed" and summary.spooled == 0 and summary.indexed == 0
    assert "401 security_exception: missing authentication credentials" in (summary.error or "")
    assert Spool(market_settings.resolved_spool_dir).pending() == 0


def test_a_crawl_that_spooled_fails_its_airflow_task_after_spooling(market: DemoMarket,
                                                                    market_settings: Settings) -> None:
    from crawlers.runner import CrawlDegraded
    from crawlers.spool import Spool
    from markwatch.jobs.crawl import crawl_profile

    down = market_settings.model_copy(update={"es_url": f"http://127.0.0.1:{closed_port()}"})
    with pytest.raises(CrawlDegraded, match="spooled") as degraded:
        crawl_profile("demo_market_sitemap", start_urls=[f"{market.base_url}/robots.txt"], settings=down,
                      timeout=180)
    assert "markwatch crawl replay" in str(degraded.value)
    assert Spool(market_settings.resolved_spool_dir).pending() == len(market.ground_truth())
    from sqlalchemy import select

    from shared_db.db import make_engine
    from shared_db.models import CrawlRun

    with make_engine(market_settings.resolved_database_url).connect() as conn:
        assert conn.execute(select(CrawlRun.status)).scalars().all() == ["degraded"]
