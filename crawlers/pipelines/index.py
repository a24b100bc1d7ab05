"""Bulk-index listings into Elasticsearch; spool them to disk when it is unreachable, replay on the next run.

Only an unavailable cluster (no connection, 429, 5xx) is spooled. A refusal (401, 403, a mapping
error, a missing index) would be refused again on replay, so it stops the crawl and fails its run
with the server's message (stat ``markwatch/index/refused``); nothing more is indexed or spooled.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from scrapy.utils.defer import deferred_from_coro
from twisted.internet import reactor
from twisted.internet.threads import deferToThread

from crawlers.config import markwatch_settings
from crawlers.spool import Spool, SpoolReplayIncomplete
from shared_db.es.client import IndexRefused, IndexUnavailable, make_client
from shared_db.es.listings import ListingsIndex

logger = logging.getLogger(__name__)
REFUSED_STAT = "markwatch/index/refused"


class IndexPipeline:
    """Buffers ``MARKWATCH_INDEX_BATCH`` items per bulk request; after one failure spools the rest of the run."""

    def __init__(self, crawler: Any) -> None:
        settings = markwatch_settings(crawler)
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("MARKWATCH_INDEX_BATCH", 500)
        self.index = ListingsIndex(make_client(settings, timeout=20, retries=2), settings)
        self.spool = Spool(settings.resolved_spool_dir)
        self.buffer: list[dict[str, Any]] = []
        self.available = True
        self.refused = False
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
        except IndexRefused as exc:
            self._refuse(exc)
            return
        if self.spool.files():
            try:
                self.stats.inc_value("markwatch/spool/replayed", self.spool.replay(self.index))
            except SpoolReplayIncomplete:
                self.stats.inc_value("markwatch/spool/replay_incomplete")
            except IndexUnavailable:
                self.available = False
            except IndexRefused as exc:
                self._refuse(exc)

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

    def _refuse(self, exc: IndexRefused) -> None:
        """Record the server's refusal and stop the crawl: the run fails with this message."""
        self.refused = True
        self.stats.set_value(REFUSED_STAT, str(exc))
        logger.error("%s", exc)
        if getattr(self.crawler, "crawling", False):
            engine = self.crawler.engine
            reactor.callFromThread(lambda: deferred_from_coro(engine.close_spider_async(reason="index_refused")))

    def _flush(self, batch: list[dict[str, Any]]) -> None:
        if self.refused:
            self.stats.inc_value("markwatch/index/not_indexed", len(batch))
            return
        if self.available:
            try:
                indexed, errors = self.index.bulk_upsert(batch)
            except IndexUnavailable:
                self.available = False
                self.stats.inc_value("markwatch/index/unavailable")
            except IndexRefused as exc:
                self._refuse(exc)
                self.stats.inc_value("markwatch/index/not_indexed", len(batch))
                return
            else:
                self.stats.inc_value("markwatch/index/indexed", indexed)
                if errors:
                    self.stats.inc_value("markwatch/index/rejected", len(errors))
                return
        self.stats.inc_value("markwatch/index/spooled", self.spool.write(batch))
