"""Item pipelines one by one, with real Scrapy crawlers' settings and stats, a real Elasticsearch."""

from __future__ import annotations

import socket
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawlers.config import scrapy_settings
from crawlers.normalise import ITEM_FIELDS, content_hash
from crawlers.pipelines.evidence import EvidencePipeline
from crawlers.pipelines.incremental import IncrementalPipeline
from crawlers.pipelines.index import IndexPipeline
from crawlers.pipelines.normalise import NormalisePipeline
from crawlers.pipelines.validate import ValidatePipeline
from crawlers.spool import Spool
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.evidence import EvidenceStore
from shared_db.settings import Settings


def crawler_for(settings: Settings, **extra: Any) -> Any:
    crawler = get_crawler(settings_dict=scrapy_settings(settings, extra))
    crawler.spider = SimpleNamespace(marketplace="demo-market", name="test")
    return crawler


def raw_item(n: int = 1, **fields: Any) -> dict[str, Any]:
    item = {"listing_id": f"p{n}", "marketplace": "demo-market", "url": f"http://shop/product/p{n}",
            "title": f"<b>Sony</b>  headphones {n} with cable", "price": "1.299,00 €", "brand": "Sony",
            "gtin": "2000000000008", "availability": "http://schema.org/InStock", "crawled_at": "2026-01-01T00:00:00+00:00",
            "profile": "test"}
    item.update(fields)
    return item


def normalised(n: int = 1, **fields: Any) -> dict[str, Any]:
    return NormalisePipeline(get_crawler()).process_item(raw_item(n, **fields))


@pytest.mark.parametrize("missing", ["listing_id", "marketplace", "url", "title"])
def test_validate_drops_unusable_items_and_counts_the_reason(missing: str) -> None:
    crawler = get_crawler()
    with pytest.raises(DropItem):
        ValidatePipeline(crawler).process_item(raw_item(**{missing: "  <br> "}))
    assert crawler.stats.get_value(f"markwatch/drop/no_{missing}") == 1


def test_validate_keeps_items_without_price() -> None:
    item = raw_item(price=None)
    assert ValidatePipeline(get_crawler()).process_item(item) is item


def test_normalise_fields_and_counts_problems() -> None:
    crawler = get_crawler()
    pipeline = NormalisePipeline(crawler)
    item = pipeline.process_item(raw_item())
    assert set(ITEM_FIELDS) <= set(item)
    assert item["title"] == "Sony headphones 1 with cable"
    assert item["price"] == Decimal("1299.00") and item["currency"] == "EUR"
    assert item["availability"] == "InStock" and item["language"] == "en"
    assert item["content_hash"] == content_hash(item)
    pipeline.process_item(raw_item(2, price="price on request", gtin="12"))
    pipeline.process_item(raw_item(3, price=None))
    assert crawler.stats.get_value("markwatch/price/unparsable") == 1
    assert crawler.stats.get_value("markwatch/price/missing") == 1
    assert crawler.stats.get_value("markwatch/gtin/invalid") == 1


def test_content_hash_ignores_capture_details() -> None:
    a, b = normalised(1), normalised(1, crawled_at="2027-01-01T00:00:00+00:00")
    assert a["content_hash"] == b["content_hash"]
    assert normalised(1, price="9,99 €")["content_hash"] != a["content_hash"]


def test_evidence_is_stored_and_referenced(settings: Settings) -> None:
    crawler = crawler_for(settings)
    pipeline = EvidencePipeline(crawler)
    evidence = {"body": b"<html>page</html>", "url": "http://shop/product/p1", "status": 200,
                "headers": {"Content-Type": "text/html"}}
    item = pipeline.capture(normalised(1), evidence)
    store = EvidenceStore(settings.resolved_evidence_dir)
    assert store.get(item["evidence_sha256"]) == b"<html>page</html>"
    assert store.meta(item["evidence_sha256"])["captured_at"] == "2026-01-01T00:00:00+00:00"


def test_index_then_incremental_skips_unchanged(settings: Settings) -> None:
    index_pipeline = IndexPipeline(crawler_for(settings))
    index_pipeline.open_spider()
    for n in range(3):
        index_pipeline.process_item(normalised(n))
    index_pipeline.close_spider()
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    assert index.count() == 3
    crawler = crawler_for(settings)
    incremental = IncrementalPipeline(crawler)
    incremental.open_spider()
    same, changed = incremental.process_item(normalised(1)), incremental.process_item(normalised(2, price="1 €"))
    assert same.get("_unchanged") is True and "_unchanged" not in changed
    assert crawler.stats.get_value("markwatch/incremental/unchanged") == 1


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_elasticsearch_spools_and_next_run_replays(settings: Settings) -> None:
    down = settings.model_copy(update={"es_url": f"http://127.0.0.1:{closed_port()}"})
    crawler = crawler_for(down)
    pipeline = IndexPipeline(crawler)
    pipeline.open_spider()
    for n in range(5):
        pipeline.process_item(normalised(n))
    pipeline.close_spider()
    assert crawler.stats.get_value("markwatch/index/spooled") == 5
    assert Spool(settings.resolved_spool_dir).pending() == 5
    up = crawler_for(settings)
    IndexPipeline(up).open_spider()  # the next run replays first
    assert up.stats.get_value("markwatch/spool/replayed") == 5
    assert Spool(settings.resolved_spool_dir).files() == []
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    assert index.count() == 5
    assert index.get("demo-market", "p3")["price"] == 1299.0


def test_a_crawler_gets_the_real_secrets_not_their_masks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In production the crawl's components rebuild the settings: a masked key ("**********") would be refused."""
    from crawlers.config import markwatch_settings

    key, api_key = "k" * 48, "an-elasticsearch-api-key"
    settings = Settings(_env_file=None, env="production", secret_key=key, es_api_key=api_key, data_dir=tmp_path)
    rebuilt = markwatch_settings(get_crawler(settings_dict=scrapy_settings(settings)))
    assert rebuilt.secret_key is not None and rebuilt.secret_key.get_secret_value() == key
    assert rebuilt.es_api_key is not None and rebuilt.es_api_key.get_secret_value() == api_key
    assert rebuilt == settings
