"""The listings index: template, versioned indices behind an alias, bulk upsert and iteration.

A listing document's id is deterministic (``marketplace:listing_id``), so a re-crawl overwrites.
``indexed_at`` is stamped on every document as its chunk is sent, and detection windows are over it.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from shared_db.es.client import IndexRefused, IndexUnavailable, es_failure, is_retryable, server_reason
from shared_db.settings import Settings

LISTING_FIELDS = (
    "listing_id", "marketplace", "url", "fetched_url", "title", "description", "brand", "price", "currency",
    "seller_id", "seller_name", "seller_url", "seller_contact", "images", "category", "availability", "sku", "gtin",
    "mpn", "language", "crawled_at", "indexed_at", "evidence_sha256", "profile", "content_hash",
    "image_hashes", "image_sha256",
)

_TEXT_WITH_SUBFIELDS = {
    "type": "text",
    "analyzer": "folded",
    "fields": {
        "ngram": {"type": "text", "analyzer": "folded_ngram", "search_analyzer": "folded"},
        "edge": {"type": "text", "analyzer": "folded_edge", "search_analyzer": "folded"},
        "raw": {"type": "keyword", "ignore_above": 512},
    },
}


def index_settings(settings: Settings) -> dict[str, Any]:
    return {
        "number_of_shards": settings.es_shards,
        "number_of_replicas": settings.es_replicas,
        "max_ngram_diff": 2,
        "analysis": {
            "filter": {
                "ngram_3_5": {"type": "ngram", "min_gram": 3, "max_gram": 5},
                "edge_2_20": {"type": "edge_ngram", "min_gram": 2, "max_gram": 20},
            },
            "analyzer": {
                "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
                "folded_ngram": {
                    "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "ngram_3_5"],
                },
                "folded_edge": {
                    "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "edge_2_20"],
                },
            },
        },
    }


MAPPINGS: dict[str, Any] = {
    "dynamic": "false",
    "properties": {
        "listing_id": {"type": "keyword"},
        "marketplace": {"type": "keyword"},
        "url": {"type": "keyword", "ignore_above": 2048},
        "fetched_url": {"type": "keyword", "ignore_above": 2048},
        "title": _TEXT_WITH_SUBFIELDS,
        "description": {"type": "text", "analyzer": "folded"},
        "brand": {"type": "text", "analyzer": "folded", "fields": {"raw": {"type": "keyword"}}},
        "price": {"type": "scaled_float", "scaling_factor": 100},
        "currency": {"type": "keyword"},
        "seller_id": {"type": "keyword"},
        "seller_name": {"type": "text", "analyzer": "folded", "fields": {"raw": {"type": "keyword"}}},
        "seller_url": {"type": "keyword", "ignore_above": 2048},
        "seller_contact": {"type": "keyword", "ignore_above": 512},
        "images": {"type": "keyword", "index": False},
        "image_hashes": {"type": "keyword"},
        "image_sha256": {"type": "keyword"},
        "category": {"type": "keyword"},
        "availability": {"type": "keyword"},
        "sku": {"type": "keyword"},
        "gtin": {"type": "keyword"},
        "mpn": {"type": "keyword"},
        "language": {"type": "keyword"},
        "crawled_at": {"type": "date"},
        "indexed_at": {"type": "date"},
        "evidence_sha256": {"type": "keyword"},
        "profile": {"type": "keyword"},
        "content_hash": {"type": "keyword"},
        "slice_bucket": {"type": "short"},
    },
}


SLICE_BUCKETS = 1024


def slice_bucket(doc_id: str) -> int:
    """A stable bucket in [0, SLICE_BUCKETS) that lets workers split the index between them."""
    return zlib.crc32(doc_id.encode()) % SLICE_BUCKETS


def listing_doc_id(marketplace: str, listing_id: str) -> str:
    """Deterministic document id; long ids are hashed to stay under Elasticsearch's 512-byte limit."""
    doc_id = f"{marketplace}:{listing_id}"
    if len(doc_id.encode()) > 400:
        doc_id = f"{marketplace}:sha256:{hashlib.sha256(listing_id.encode()).hexdigest()}"
    return doc_id


class ListingsIndex:
    """Operations on the listings alias of one cluster."""

    def __init__(self, client: Elasticsearch, settings: Settings, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self.alias = settings.listings_alias
        self.template = f"{settings.es_index_prefix}-listings-template"

    def ensure(self) -> str:
        """Install the template and create the first versioned index behind the alias if needed."""
        try:
            self.client.indices.put_template(
                name=self.template,
                body={
                    "index_patterns": [f"{self.alias}-v*"],
                    "settings": index_settings(self.settings),
                    "mappings": MAPPINGS,
                },
            )
            if self.client.indices.exists_alias(name=self.alias):
                return self.current_index()
            index = f"{self.alias}-v1"
            self.client.indices.create(index=index, body={"aliases": {self.alias: {"is_write_index": True}}})
            self.client.cluster.health(index=index, wait_for_status="yellow", timeout="30s")
            return index
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"preparing the listings index {self.alias}") from exc

    def current_index(self) -> str:
        indices = sorted(self.client.indices.get_alias(name=self.alias))
        return indices[-1]

    def rollover_reindex(self, *, poll_seconds: float = 1.0, timeout_seconds: float = 3600) -> str:
        """Reindex into a new version (after a mapping change) and switch the alias atomically.

        The copy runs as an Elasticsearch task (``wait_for_completion=false``) that is polled, so
        no client timeout re-sends it; the alias moves only when the task copied every document.
        Raises :class:`ReindexFailed` (the alias untouched) when the task reports failures.
        """
        old = self.current_index()
        version = int(old.rsplit("-v", 1)[1]) + 1
        new = f"{self.alias}-v{version}"
        try:
            self.client.indices.create(index=new)
            self.copy(old, new, poll_seconds=poll_seconds, timeout_seconds=timeout_seconds)
            self.client.indices.update_aliases(body={"actions": [
                {"remove": {"index": old, "alias": self.alias}},
                {"add": {"index": new, "alias": self.alias, "is_write_index": True}},
            ]})
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"reindexing {old} into {new}") from exc
        return new

    def copy(self, source: str, dest: str, *, query: dict[str, Any] | None = None, poll_seconds: float = 1.0,
             timeout_seconds: float = 3600) -> int:
        """Copy documents (``query``: some of them) from ``source`` to ``dest`` with a polled reindex task."""
        body: dict[str, Any] = {"source": {"index": source, **({"query": query} if query else {})},
                                "dest": {"index": dest}}
        task = self.client.reindex(body=body, wait_for_completion=False, refresh=True)["task"]
        deadline = time.monotonic() + timeout_seconds
        while True:
            state = self.client.tasks.get(task_id=task)
            if state.get("completed"):
                break
            if time.monotonic() > deadline:
                raise ReindexFailed(f"reindex task {task} from {source} to {dest} did not finish in "
                                    f"{timeout_seconds:.0f} s; it keeps running: check GET _tasks/{task}")
            time.sleep(poll_seconds)
        response = state.get("response") or {}
        failures = response.get("failures") or ([state["error"]] if state.get("error") else [])
        if failures:
            _, reason = server_reason({"error": failures[0].get("cause", failures[0])})
            raise ReindexFailed(f"reindex task {task} from {source} to {dest} failed for {len(failures)} "
                                f"documents, e.g. {reason}; the alias was not switched")
        return int(response.get("total", 0))

    def bulk_upsert(self, listings: Iterable[dict[str, Any]], *, refresh: bool = False,
                    chunk_size: int = 500) -> tuple[int, list[dict[str, Any]]]:
        """Index listings by deterministic id; returns (indexed count, per-document errors).

        ``indexed_at`` is stamped as each document is handed to the bulk request (a chunk is sent as
        soon as it fills), so a long stream of listings does not carry one old stamp.
        """

        def actions() -> Iterator[dict[str, Any]]:
            for listing in listings:
                doc = {k: listing.get(k) for k in LISTING_FIELDS if listing.get(k) is not None}
                doc["indexed_at"] = self.clock().isoformat()
                if "price" in doc:
                    doc["price"] = float(doc["price"])
                doc_id = listing_doc_id(str(listing["marketplace"]), str(listing["listing_id"]))
                doc["slice_bucket"] = slice_bucket(doc_id)
                yield {"_op_type": "index", "_index": self.alias, "_id": doc_id, "_source": doc}

        indexed, errors = 0, []
        try:
            for ok, info in streaming_bulk(self.client, actions(), chunk_size=chunk_size,
                                           raise_on_error=False, max_retries=3, initial_backoff=1):
                if ok:
                    indexed += 1
                else:
                    errors.append(info)
        except BulkIndexError as exc:
            errors.extend(exc.errors)
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"bulk indexing into {self.alias}") from exc
        busy = [e for e in errors if is_retryable(_item(e).get("status"))]
        if busy:  # still 429/5xx after the helper's retries: the whole batch is retried later (same ids)
            _, reason = server_reason(_item(busy[0]))
            raise IndexUnavailable(f"bulk indexing into {self.alias}: {len(busy)} documents were refused "
                                   f"with {_item(busy[0]).get('status')} ({reason}); they are retried later")
        if refresh:
            self.refresh()
        return indexed, errors

    def refresh(self) -> None:
        try:
            self.client.indices.refresh(index=self.alias)
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"refreshing {self.alias}") from exc

    def count(self, query: dict[str, Any] | None = None) -> int:
        body = {"query": query} if query else None
        try:
            return int(self.client.count(index=self.alias, body=body)["count"])
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"counting {self.alias}") from exc

    def sellers_per_image(self, hashes: Iterable[str]) -> dict[str, int]:
        """How many distinct sellers list an image with each of these pHashes (one aggregation)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return {}
        body = {"size": 0, "query": {"terms": {"image_hashes": wanted}},
                "aggs": {"images": {"terms": {"field": "image_hashes", "include": wanted, "size": len(wanted)},
                                    "aggs": {"sellers": {"cardinality": {"field": "seller_id"}}}}}}
        try:
            buckets = self.client.search(index=self.alias, body=body)["aggregations"]["images"]["buckets"]
        except (EsConnectionError, TransportError) as exc:
            raise es_failure(exc, f"reading {self.alias}") from exc
        return {bucket["key"]: int(bucket["sellers"]["value"]) for bucket in buckets}

    def get(self, marketplace: str, listing_id: str) -> dict[str, Any] | None:
        return self.get_by_doc_id(listing_doc_id(marketplace, listing_id))

    def get_by_doc_id(self, doc_id: str) -> dict[str, Any] | None:
        try:
            return self.client.get(index=self.alias, id=doc_id)["_source"]
        except NotFoundError:
            return None

    def iterate(self, *, since: datetime | None = None, until: datetime | None = None,
                slice_id: int | None = None, slices: int | None = None, page_size: int = 1000,
                fields: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every listing (or those indexed in ``[since, until)``), in ``indexed_at`` order.

        With ``slices``, only the listings of slice ``slice_id`` are returned, so workers can
        split the index between them. With ``fields``, only those source fields are read.
        Uses ``search_after`` (no point-in-time on OSS 7.9).
        """
        filters: list[dict[str, Any]] = []
        window = {**({"gte": since.isoformat()} if since else {}), **({"lt": until.isoformat()} if until else {})}
        if window:
            filters.append({"range": {"indexed_at": window}})
        if slices and slices > 1:
            buckets = [b for b in range(SLICE_BUCKETS) if b % slices == (slice_id or 0)]
            filters.append({"terms": {"slice_bucket": buckets}})
        query = {"bool": {"filter": filters}} if filters else {"match_all": {}}
        search_after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": query,
                "size": page_size,
                "sort": [{"indexed_at": "asc"}, {"listing_id": "asc"}, {"marketplace": "asc"}],
            }
            if search_after is not None:
                body["search_after"] = search_after
            if fields is not None:
                body["_source"] = list(fields)
            try:
                hits = self.client.search(index=self.alias, body=body)["hits"]["hits"]
            except (EsConnectionError, TransportError) as exc:
                raise es_failure(exc, f"reading {self.alias}") from exc
            for hit in hits:
                yield {"_id": hit["_id"], **hit["_source"]}
            if len(hits) < page_size:
                return
            search_after = hits[-1]["sort"]

    def versions(self) -> list[str]:
        """The names of this alias's versioned indices (a wildcard read; deletes name each index)."""
        found = self.client.indices.get(index=f"{self.alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        return sorted(name for name in found if name.rsplit("-v", 1)[-1].isdigit())

    def delete_all(self) -> None:
        """Drop every versioned index behind the alias and the template (tests and resets).

        Indices are deleted by name: 8.x refuses wildcard deletes (``action.destructive_requires_name``).
        """
        for name in self.versions():
            self.client.indices.delete(index=name, ignore=[404])
        self.client.indices.delete_template(name=self.template, ignore=[404])


class ReindexFailed(IndexRefused):
    """A reindex task did not copy every document; the alias still points at the old index."""


def _item(error: dict[str, Any]) -> dict[str, Any]:
    """The per-document part of a bulk error (``{"index": {...}}``)."""
    return next(iter(error.values()), {}) if isinstance(error, dict) else {}
