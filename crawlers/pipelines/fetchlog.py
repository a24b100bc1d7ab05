"""Record when each listing page was fetched, changed or not (the crawl state recency checks read)."""

from __future__ import annotations

from typing import Any

from crawlers.config import markwatch_settings
from crawlers.fetchlog import FetchLog
from shared_db.es.client import IndexRefused, IndexUnavailable, make_client
from shared_db.es.listings import listing_doc_id

BATCH = 200


class FetchLogPipeline:
    """Buffers ``(listing, fetched_at)`` and writes them in bulk; a failure costs only the recency skip."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.log = FetchLog(make_client(markwatch_settings(crawler), timeout=10, retries=1),
                            markwatch_settings(crawler))
        self.buffer: list[tuple[str, str, str, str]] = []
        self.available = True

    @classmethod
    def from_crawler(cls, crawler: Any) -> FetchLogPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        try:
            self.log.ensure()
        except (IndexUnavailable, IndexRefused) as exc:
            self._unavailable(exc)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        marketplace, listing_id = str(item["marketplace"]), str(item["listing_id"])
        self.buffer.append((listing_doc_id(marketplace, listing_id), marketplace, listing_id,
                            str(item.get("crawled_at"))))
        if len(self.buffer) >= BATCH:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch or not self.available:
            return
        try:
            self.stats.inc_value("markwatch/fetchlog/recorded", self.log.record(batch))
        except (IndexUnavailable, IndexRefused) as exc:
            self._unavailable(exc)

    def _unavailable(self, exc: Exception) -> None:
        self.available = False
        self.stats.inc_value("markwatch/fetchlog/unavailable")
        self.crawler.spider.logger.warning("fetch log not written (%s): the next search crawl may fetch these "
                                           "listings again", exc)
