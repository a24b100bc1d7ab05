"""Bulk-index listings into Elasticsearch; spool them to disk when it is unreachable, replay on the next run."""

from __future__ import annotations

import threading
from typing import Any

from twisted.internet.threads import deferToThread

from crawlers.config import markwatch_settings
from crawlers.spool import Spool, SpoolReplayIncomplete
from shared_db.es.client import IndexUnavailable, make_client
from shared_db.es.listings import ListingsIndex


class IndexPipeline:
    """Buffers ``MARKWATCH_INDEX_BATCH`` items per bulk request; after one failure spools the rest of the run."""

    def __init__(self, crawler: Any) -> None:
        settings = markwatch_settings(crawler)
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("MARKWATCH_INDEX_BATCH", 500)
        self.index = ListingsIndex(make_client(settings, timeout=20, retries=2), settings)
        self.spool = Spool(settings.resolved_spool_dir)
        self.buffer: list[dict[str, Any]] = []
        self.available = True
        self._lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Any) -> IndexPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        try:
            self.index.ensure()
        except IndexUnavailable:
            self.available = False
            self.stats.inc_value("markwatch/index/unavailable")
            return
        if self.spool.files():
            try:
                self.stats.inc_value("markwatch/spool/replayed", self.spool.replay(self.index))
            except SpoolReplayIncomplete:
                self.stats.inc_value("markwatch/spool/replay_incomplete")
            except IndexUnavailable:
                self.available = False

    def process_item(self, item: dict[str, Any]) -> Any:
        if item.pop("_unchanged", False):
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            batch, self.buffer = self.buffer, []
            # bulk requests run in a worker thread so the crawl keeps downloading meanwhile
            return deferToThread(self.flush, batch).addCallback(lambda _: item)
        return item

    def close_spider(self) -> None:
        batch, self.buffer = self.buffer, []
        self.flush(batch)

    def flush(self, batch: list[dict[str, Any]]) -> None:
        """Index ``batch``; spool it when Elasticsearch is (or was found) unreachable."""
        if not batch:
            return
        with self._lock:  # one bulk request at a time; stats are updated from this thread
            self._flush(batch)

    def _flush(self, batch: list[dict[str, Any]]) -> None:
        if self.available:
            try:
                indexed, errors = self.index.bulk_upsert(batch)
            except IndexUnavailable:
                self.available = False
                self.stats.inc_value("markwatch/index/unavailable")
            else:
                self.stats.inc_value("markwatch/index/indexed", indexed)
                if errors:
                    self.stats.inc_value("markwatch/index/rejected", len(errors))
                return
        self.stats.inc_value("markwatch/index/spooled", self.spool.write(batch))
