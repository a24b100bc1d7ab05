"""The Elasticsearch layer against the real server: client factory, template and alias, bulk, scans."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from elasticsearch import Elasticsearch

from shared_db.es.client import IndexUnavailable, make_client, ping, require_available
from shared_db.es.listings import ListingsIndex, listing_doc_id
from shared_db.settings import Settings


def _listings(n: int, marketplace: str = "demo", start: int = 0) -> list[dict]:
    return [
        {"listing_id": str(i), "marketplace": marketplace, "title": f"Nïke Air {i} 耐克", "price": "59.90",
         "currency": "USD", "seller_id": f"s{i % 7}", "url": f"https://{marketplace}.test/item/{i}"}
        for i in range(start, start + n)
    ]


@pytest.fixture
def index(settings: Settings) -> ListingsIndex:
    listings = ListingsIndex(make_client(settings), settings)
    listings.ensure()
    return listings


def test_client_factory_talks_to_the_embedded_7_9_2_server(settings: Settings) -> None:
    client = make_client(settings)
    assert isinstance(client, Elasticsearch)
    info = client.info()
    assert info["version"]["number"] == "7.9.2" and info["version"]["build_flavor"] == "oss"
    assert ping(client)
    require_available(client)


def test_unreachable_cluster_is_reported_with_next_step() -> None:
    client = make_client(Settings(es_url="http://127.0.0.1:9"), timeout=2, retries=0)
    assert not ping(client)
    with pytest.raises(IndexUnavailable, match="markwatch services up"):
        require_available(client)


def test_ensure_installs_template_and_versioned_index_behind_alias(settings: Settings) -> None:
    client = make_client(settings)
    listings = ListingsIndex(client, settings)
    first = listings.ensure()
    assert first == f"{settings.listings_alias}-v1"
    assert listings.ensure() == first  # idempotent
    aliases = client.indices.get_alias(name=settings.listings_alias)
    assert aliases[first]["aliases"][settings.listings_alias]["is_write_index"] is True
    template = client.indices.get_template(name=listings.template)[listings.template]
    assert template["index_patterns"] == [f"{settings.listings_alias}-v*"]
    index_settings = client.indices.get_settings(index=first)[first]["settings"]["index"]
    assert index_settings["number_of_replicas"] == "0"
    mapping = client.indices.get_mapping(index=first)[first]["mappings"]["properties"]
    assert mapping["price"] == {"type": "scaled_float", "scaling_factor": 100.0}
    assert mapping["marketplace"]["type"] == "keyword" and mapping["indexed_at"]["type"] == "date"
    assert set(mapping["title"]["fields"]) == {"ngram", "edge", "raw"}
    tokens = client.indices.analyze(index=first, body={"analyzer": "folded", "text": "Nïke ÉLAN"})["tokens"]
    assert [t["token"] for t in tokens] == ["nike", "elan"]


def test_bulk_upsert_twice_gives_the_same_count(index: ListingsIndex) -> None:
    indexed, errors = index.bulk_upsert(_listings(120), refresh=True)
    assert (indexed, errors) == (120, [])
    indexed, errors = index.bulk_upsert(_listings(120), refresh=True)
    assert (indexed, errors, index.count()) == (120, [], 120)
    doc = index.get("demo", "7")
    assert doc["price"] == 59.9 and doc["title"] == "Nïke Air 7 耐克"
    assert index.get_by_doc_id(listing_doc_id("demo", "7"))["listing_id"] == "7"
    assert index.get("demo", "missing") is None
    assert index.count({"match": {"title": "nike"}}) == 120


def test_iteration_returns_every_document_across_pages(index: ListingsIndex) -> None:
    index.bulk_upsert(_listings(53) + _listings(20, marketplace="other"), refresh=True)
    seen = [doc["_id"] for doc in index.iterate(page_size=10)]
    assert len(seen) == 73 and len(set(seen)) == 73


def test_slices_partition_the_index(index: ListingsIndex) -> None:
    index.bulk_upsert(_listings(200), refresh=True)
    parts = [{doc["_id"] for doc in index.iterate(slice_id=i, slices=3, page_size=50)} for i in range(3)]
    assert all(parts)
    assert sum(len(part) for part in parts) == 200
    assert set().union(*parts) == {doc["_id"] for doc in index.iterate()}


def test_iterate_since_returns_only_changed_listings(index: ListingsIndex) -> None:
    index.bulk_upsert(_listings(30), refresh=True)
    time.sleep(0.01)
    watermark = datetime.now(UTC)
    time.sleep(0.01)
    index.bulk_upsert(_listings(5, start=10) + _listings(4, start=100), refresh=True)
    changed = {doc["listing_id"] for doc in index.iterate(since=watermark)}
    assert changed == {str(i) for i in [*range(10, 15), *range(100, 104)]}
    assert index.count() == 34


def test_long_listing_ids_get_a_bounded_deterministic_id() -> None:
    long_id = "x" * 1000
    doc_id = listing_doc_id("demo", long_id)
    assert doc_id == listing_doc_id("demo", long_id) and len(doc_id.encode()) < 512
    assert listing_doc_id("demo", "42") == "demo:42"


def test_image_fields_reach_an_index_created_before_them_by_the_reindex(settings: Settings) -> None:
    from markwatch.jobs.housekeeping import reindex_listings
    from shared_db.es.listings import MAPPINGS, index_settings

    listings = ListingsIndex(make_client(settings), settings)
    old = {**MAPPINGS, "properties": {k: v for k, v in MAPPINGS["properties"].items()
                                      if k not in ("image_hashes", "image_sha256")}}
    listings.client.indices.create(index=f"{listings.alias}-v1", body={
        "settings": index_settings(settings), "mappings": old, "aliases": {listings.alias: {"is_write_index": True}}})
    assert listings.ensure() == f"{listings.alias}-v1"
    listings.bulk_upsert([{**_listings(1)[0], "image_hashes": ["e835974a9a1d6c93"]}], refresh=True)
    assert listings.sellers_per_image(["e835974a9a1d6c93"]) == {}  # stored, but not yet indexed
    report = reindex_listings(settings=settings)
    assert report.reindexed and sorted(report.drift) == ["image_hashes: missing", "image_sha256: missing"]
    listings.refresh()
    assert listings.sellers_per_image(["e835974a9a1d6c93", "0000000000000000"]) == {"e835974a9a1d6c93": 1}
