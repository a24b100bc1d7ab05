"""Crawl state in Elasticsearch: when each listing page was last fetched, changed or not.

The listings index keeps ``crawled_at`` of a listing's last *change* (an unchanged page is not
re-indexed), so a search-driven crawl asks this log, and the listings index for listings fetched
before the log existed, which listings it fetched within the recency window. Documents are
``{marketplace, listing_id, fetched_at}`` under the listing's document id, in
``<es_index_prefix>-fetchlog``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.helpers import BulkIndexError, bulk

from shared_db.es.client import IndexRefused, es_failure
from shared_db.settings import Settings

MAPPINGS = {"dynamic": "false", "properties": {
    "marketplace": {"type": "keyword"}, "listing_id": {"type": "keyword"}, "fetched_at": {"type": "date"}}}


class FetchLog:
    """The fetch times of listing pages of every marketplace (one small index per installation)."""

    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client = client
        self.name = f"{settings.es_index_prefix}-fetchlog"
        self.listings = settings.listings_alias

    def ensure(self) -> None:
        try:
            if not self.client.indices.exists(index=self.name):
                self.client.indices.create(index=self.name, ignore=[400], body={
                    "settings": {"number_of_shards": 1, "number_of_replicas": 0}, "mappings": MAPPINGS})
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"preparing the fetch log {self.name}") from exc

    def record(self, fetches: Iterable[tuple[str, str, str, str]]) -> int:
        """Store ``(doc id, marketplace, listing id, fetched_at ISO time)`` entries; returns how many."""
        actions = [{"_index": self.name, "_id": doc_id, "_source": {
            "marketplace": marketplace, "listing_id": listing_id, "fetched_at": fetched_at}}
            for doc_id, marketplace, listing_id, fetched_at in fetches]
        if not actions:
            return 0
        try:
            done, _ = bulk(self.client, actions, raise_on_error=True)
        except BulkIndexError as exc:
            raise IndexRefused(f"recording fetches in {self.name}: {len(exc.errors)} refused, e.g. "
                               f"{exc.errors[0]}") from exc
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"recording fetches in {self.name}") from exc
        return int(done)

    def recent(self, doc_ids: Iterable[str], since: datetime) -> set[str]:
        """The ids among ``doc_ids`` fetched (this log) or indexed (the listings index) at or after ``since``."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return set()
        when = since.isoformat()
        body: dict[str, Any] = {"size": len(ids), "_source": False, "query": {"bool": {
            "filter": [{"ids": {"values": ids}}],
            "should": [{"range": {"fetched_at": {"gte": when}}}, {"range": {"crawled_at": {"gte": when}}}],
            "minimum_should_match": 1}}}
        try:
            found = self.client.search(index=f"{self.name},{self.listings}", body=body, ignore_unavailable=True,
                                       allow_no_indices=True)
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, "looking up recently fetched listings") from exc
        return {hit["_id"] for hit in found["hits"]["hits"]}

    def delete(self) -> None:
        """Drop the log (tests and resets)."""
        self.client.indices.delete(index=self.name, ignore=[404])
