"""Mark listings whose content is unchanged since the last indexing, so they are not re-indexed."""

from __future__ import annotations

from typing import Any

from crawlers.config import markwatch_settings
from shared_db.es.client import IndexRefused, IndexUnavailable, es_failure, make_client
from shared_db.es.listings import listing_doc_id


class IncrementalPipeline:
    """Loads ``doc id → content_hash`` for the spider's marketplace when the spider opens."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.known: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        marketplace = getattr(self.crawler.spider, "marketplace", None)
        if not marketplace or self.crawler.settings.getbool("MARKWATCH_FULL_REINDEX"):
            return
        try:
            self.known = known_hashes(markwatch_settings(self.crawler), marketplace)
        except IndexUnavailable:
            self.stats.inc_value("markwatch/incremental/index_unavailable")
        except IndexRefused as exc:  # the index pipeline meets the same refusal and stops the crawl
            self.stats.set_value("markwatch/index/refused", str(exc))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        doc_id = listing_doc_id(str(item["marketplace"]), str(item["listing_id"]))
        if self.known.get(doc_id) == item.get("content_hash"):
            item["_unchanged"] = True
            self.stats.inc_value("markwatch/incremental/unchanged")
        return item


def known_hashes(settings: Any, marketplace: str) -> dict[str, str]:
    """``doc id → content_hash`` of the indexed listings of ``marketplace`` (empty when no index yet)."""
    from elasticsearch import ConnectionError as EsConnectionError
    from elasticsearch import NotFoundError, TransportError
    from elasticsearch.helpers import scan

    client = make_client(settings, timeout=10, retries=0)
    query = {"query": {"term": {"marketplace": marketplace}}, "_source": ["content_hash"]}
    try:
        return {hit["_id"]: hit["_source"].get("content_hash")
                for hit in scan(client, index=settings.listings_alias, query=query, size=2000)}
    except NotFoundError:
        return {}
    except (EsConnectionError, TransportError) as exc:
        raise es_failure(exc, f"reading the content hashes of {marketplace}") from exc
