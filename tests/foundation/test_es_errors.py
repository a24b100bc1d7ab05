"""Elasticsearch failures: unavailable (retried, spooled) versus refused (loud), reindex tasks, 8.x settings.

The embedded 7.9 OSS server has no security, so the ``es_gate`` fixture (tests/conftest.py) in front
of it plays the part of an 8.x cluster.
"""

from __future__ import annotations

import base64
import socket
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawlers.config import scrapy_settings
from crawlers.pipelines.index import REFUSED_STAT, IndexPipeline
from crawlers.spool import Spool
from detection.batch import run_detection
from shared_db.es.client import IndexRefused, IndexUnavailable, make_client, require_available
from shared_db.es.listings import ListingsIndex, ReindexFailed
from shared_db.models import DetectionRun
from shared_db.settings import Settings


def crawler_for(settings: Settings) -> Any:
    crawler = get_crawler(settings_dict=scrapy_settings(settings, {}))
    crawler.spider = SimpleNamespace(marketplace="demo-market", name="test")
    return crawler


def normalised(n: int) -> dict[str, Any]:
    return {"listing_id": f"p{n}", "marketplace": "demo-market", "url": f"http://shop/product/p{n}",
            "title": f"Sony headphones {n}", "crawled_at": "2026-01-01T00:00:00+00:00", "profile": "test"}


def _error(status: int, error_type: str, reason: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"root_cause": [{"type": error_type, "reason": reason}], "type": error_type,
                              "reason": reason}, "status": status}


@pytest.fixture
def gate(es_gate: Any) -> Any:
    return es_gate


def _through(settings: Settings, gate: Any, **update: Any) -> Settings:
    return settings.model_copy(update={"es_url": gate.url, **update})


@pytest.mark.parametrize(("status", "error_type", "reason", "kind"), [
    (401, "security_exception", "missing authentication credentials", IndexRefused),
    (403, "security_exception", "action [indices:data/read/search] is unauthorized for API key", IndexRefused),
    (400, "mapper_parsing_exception", "failed to parse field [price] of type [scaled_float]", IndexRefused),
    (404, "index_not_found_exception", "no such index [nope]", IndexRefused),
    (429, "es_rejected_execution_exception", "rejected execution of coordinating operation", IndexUnavailable),
    (503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master]", IndexUnavailable),
])
def test_refusals_carry_the_servers_message_and_only_busy_or_broken_is_unavailable(
        settings: Settings, gate: Any, status: int, error_type: str, reason: str, kind: type) -> None:
    gate.answers["_count"] = _error(status, error_type, reason)
    index = ListingsIndex(make_client(_through(settings, gate), retries=0), settings)
    with pytest.raises(kind) as caught:
        index.count()
    assert error_type in str(caught.value) and reason in str(caught.value)
    if kind is IndexRefused:
        assert caught.value.status == status and not isinstance(caught.value, IndexUnavailable)


def test_a_closed_port_is_unavailable(settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = settings.model_copy(update={"es_url": f"http://127.0.0.1:{port}"})
    with pytest.raises(IndexUnavailable, match="markwatch services up"):
        require_available(make_client(down, timeout=2, retries=0))


def test_a_crawl_refused_by_elasticsearch_fails_loudly_and_spools_nothing(settings: Settings, gate: Any) -> None:
    """Before: a 401 was "unavailable", so every crawl spooled quietly for ever."""
    gate.credentials = {"ApiKey right-key"}
    crawler = crawler_for(_through(settings, gate, es_api_key=SecretStr("wrong-key")))
    pipeline = IndexPipeline(crawler)
    pipeline.open_spider()
    for n in range(3):
        pipeline.process_item(normalised(n))
    pipeline.close_spider()
    message = crawler.stats.get_value(REFUSED_STAT)
    assert "401" in message and "missing authentication credentials" in message and "MARKWATCH_ES_API_KEY" in message
    assert Spool(settings.resolved_spool_dir).pending() == 0
    assert crawler.stats.get_value("markwatch/index/spooled") is None
    assert crawler.stats.get_value("markwatch/index/not_indexed") == 3


def test_bulk_documents_refused_as_busy_are_spooled_for_later(settings: Settings, gate: Any) -> None:
    ListingsIndex(make_client(settings), settings).ensure()
    gate.answers["_bulk"] = _error(429, "es_rejected_execution_exception", "queue capacity 200 reached")
    crawler = crawler_for(_through(settings, gate))
    pipeline = IndexPipeline(crawler)
    pipeline.open_spider()
    for n in range(4):
        pipeline.process_item(normalised(n))
    pipeline.close_spider()
    assert crawler.stats.get_value("markwatch/index/spooled") == 4 and crawler.stats.get_value(REFUSED_STAT) is None
    assert Spool(settings.resolved_spool_dir).pending() == 4


@pytest.mark.parametrize("auth", ["api_key", "basic"])
def test_credentials_and_compatibility_headers_reach_an_8x_style_cluster(settings: Settings, gate: Any,
                                                                        auth: str) -> None:
    if auth == "api_key":
        gate.credentials = {"ApiKey bWFya3dhdGNoOnNlY3JldA=="}
        through = _through(settings, gate, es_api_key=SecretStr("bWFya3dhdGNoOnNlY3JldA=="), es_compatibility=True)
    else:
        gate.credentials = {"Basic " + base64.b64encode(b"markwatch:s3cret-pass").decode()}
        through = _through(settings, gate, es_username="markwatch", es_password=SecretStr("s3cret-pass"),
                           es_compatibility=True)
    index = ListingsIndex(make_client(through), through)
    require_available(index.client)
    index.ensure()
    indexed, errors = index.bulk_upsert([normalised(n) for n in range(3)], refresh=True)
    assert (indexed, errors, index.count()) == (3, [], 3)
    assert ListingsIndex(make_client(settings), settings).count() == 3  # really in the cluster behind the gate
    bulk = next(seen for seen in gate.seen if "_bulk" in seen["path"])
    assert bulk["content-type"] == "application/vnd.elasticsearch+x-ndjson;compatible-with=7"
    assert all(seen["accept"] == "application/vnd.elasticsearch+json;compatible-with=7" for seen in gate.seen)


def test_without_compatibility_mode_the_plain_media_types_are_sent(settings: Settings, gate: Any) -> None:
    require_available(make_client(_through(settings, gate)))
    assert gate.seen[-1]["accept"] == "application/json"


def test_the_ca_certificate_setting_verifies_the_cluster(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    client = make_client(settings.model_copy(update={"es_url": "https://es.internal:9200", "es_ca_certs": ca}))
    connection = client.transport.connection_pool.connections[0]
    assert connection.pool.ca_certs == str(ca) and connection.pool.cert_reqs == "CERT_REQUIRED"


def test_detection_against_a_missing_index_fails_with_the_servers_message(settings: Settings,
                                                                         sqlite_engine: Engine) -> None:
    with pytest.raises(IndexRefused, match="index_not_found_exception"):
        run_detection(settings=settings, engine=sqlite_engine)
    with Session(sqlite_engine) as session:
        run = session.scalar(select(DetectionRun))
        assert run.status == "failed" and "no such index" in run.error


def _spy(target: Any, name: str, calls: list[dict[str, Any]]) -> None:
    original = getattr(target, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    setattr(target, name, spy)


def test_reindex_runs_as_a_polled_task_then_switches_the_alias(settings: Settings) -> None:
    index = ListingsIndex(make_client(settings), settings)
    old = index.ensure()
    index.bulk_upsert([normalised(n) for n in range(40)], refresh=True)
    reindexes: list[dict[str, Any]] = []
    polls: list[dict[str, Any]] = []
    _spy(index.client, "reindex", reindexes)
    _spy(index.client.tasks, "get", polls)
    new = index.rollover_reindex(poll_seconds=0.05)
    assert new == f"{settings.listings_alias}-v2" and index.current_index() == new
    assert [call["wait_for_completion"] for call in reindexes] == [False] and polls
    assert index.count() == 40 and sorted(index.client.indices.get_alias(name=index.alias)) == [new]
    assert old in index.versions()


def test_a_failed_reindex_task_leaves_the_alias_where_it_was(settings: Settings) -> None:
    client = make_client(settings)
    alias = settings.listings_alias
    client.indices.create(index=f"{alias}-v1", body={"mappings": {"properties": {"price": {"type": "keyword"}}},
                                                     "aliases": {alias: {"is_write_index": True}}})
    client.index(index=alias, id="demo:cheap", body={"price": "cheap"}, refresh=True)
    index = ListingsIndex(client, settings)
    index.ensure()
    with pytest.raises(ReindexFailed, match="alias was not switched") as caught:
        index.rollover_reindex(poll_seconds=0.05)
    assert "cheap" in str(caught.value) or "price" in str(caught.value)
    assert index.current_index() == f"{alias}-v1"


def test_indices_are_deleted_by_name_never_by_wildcard(settings: Settings) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.rollover_reindex(poll_seconds=0.05)
    deletes: list[dict[str, Any]] = []
    _spy(index.client.indices, "delete", deletes)
    index.delete_all()
    assert sorted(call["index"] for call in deletes) == [f"{settings.listings_alias}-v1",
                                                          f"{settings.listings_alias}-v2"]
    assert not any("*" in call["index"] for call in deletes) and index.versions() == []
