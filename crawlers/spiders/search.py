"""Search-driven crawling for spiders with a search template (see :mod:`crawlers.search`).

Given queries (``queries_file``), the spider searches them highest priority first, a few at a time
(``MARKWATCH_SEARCH_CONCURRENT_QUERIES``), walks each query's result pages up to
``max_pages_per_query``, and requests only result links that are listings of this site not fetched
within ``recency_hours``. Every page requested takes one page of the budget; when it is spent
nothing more is requested. Without queries the spider walks the catalogue as before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.config import markwatch_settings
from crawlers.fetchlog import FetchLog
from crawlers.profile import SearchSettings
from crawlers.search import PageBudget, SearchQuery, ordered, read_queries
from crawlers.spiders.base import StructuredDataSpider
from shared_db.es.client import IndexRefused, IndexUnavailable, make_client
from shared_db.es.listings import listing_doc_id
from shared_db.netsafety import same_origin

LISTING_PRIORITY = 100  # listings already found are fetched before more searching


class SearchDrivenSpider(StructuredDataSpider):
    """A structured-data spider that can also be driven by watch queries through the site's search."""

    search: SearchSettings | None = None

    def __init__(self, *args: Any, queries_file: str | None = None, budget: str | int | None = None,
                 recency_hours: str | float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queries: list[SearchQuery] | None = None
        if queries_file:
            if self.search is None:
                raise ValueError(f"{self.name}: queries were given but the site has no search_url")
            self.queries = ordered(read_queries(queries_file))
        search = self.search
        self.budget = PageBudget(int(budget) if budget not in (None, "") else (search.pages_per_run if search else 0))
        hours = float(recency_hours) if recency_hours not in (None, "") else (search.recency_hours if search else 0)
        self.recency = timedelta(hours=hours)
        self.pending: deque[SearchQuery] = deque()
        self.seen: set[str] = set()
        self._fetch_log: FetchLog | None = None

    @property
    def search_driven(self) -> bool:
        return self.queries is not None

    async def start(self) -> Any:
        if not self.search_driven:
            async for request in super().start():
                yield request
            return
        stats = self.crawler.stats
        stats.set_value("markwatch/search/budget", self.budget.pages)
        stats.set_value("markwatch/search/queries_given", len(self.queries or []))
        self.pending.extend(self.queries or [])
        lanes = max(1, self.crawler.settings.getint("MARKWATCH_SEARCH_CONCURRENT_QUERIES", 2))
        for _ in range(lanes):
            for request in self._next_query():
                yield request

    def _next_query(self) -> Iterator[scrapy.Request]:
        """The first result page of the next pending query, if the budget allows one more page."""
        if self.pending:
            request = self._search_request(self.pending.popleft(), 1, None)
            if request is not None:
                yield request

    def _search_request(self, query: SearchQuery, page: int, url: str | None) -> scrapy.Request | None:
        assert self.search is not None
        if not self.budget.take():
            self._budget_spent(query if page == 1 else None)
            return None
        if page == 1:
            self.crawler.stats.inc_value("markwatch/search/queries")
            self.crawler.stats.inc_value(f"markwatch/search/queries/{query.kind}")
        return scrapy.Request(url or self.search.page_url(query.text, page), callback=self.parse_results,
                              errback=self.on_search_error, cb_kwargs={"query": query, "page": page},
                              dont_filter=True)

    def _budget_spent(self, unsearched: SearchQuery | None) -> None:
        stats = self.crawler.stats
        left = len(self.pending) + (unsearched is not None)
        if left:
            stats.inc_value("markwatch/search/queries_unsearched", left)
            self.pending.clear()
        stats.set_value("markwatch/search/budget_exhausted", True)

    def parse_results(self, response: Response, query: SearchQuery, page: int) -> Iterator[Any]:
        assert self.search is not None
        stats = self.crawler.stats
        stats.inc_value("markwatch/search/pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("markwatch/errors/not_text")
            yield from self._next_query()
            return
        links = self._result_links(response)
        stats.inc_value("markwatch/search/results", len(links))
        wanted = self._not_recent(links)
        for url in wanted:
            if not self.budget.take():
                self._budget_spent(None)
                return
            stats.inc_value("markwatch/search/listings_requested")
            yield scrapy.Request(url, callback=self.parse_product, errback=self.on_error,
                                 priority=LISTING_PRIORITY, cb_kwargs={})
        following = self._next_page(response, page, bool(links))
        if following is not None:
            request = self._search_request(query, page + 1, following)
            if request is not None:
                yield request
            return
        yield from self._next_query()

    def _result_links(self, response: TextResponse) -> dict[str, str]:
        """Result links of this site's listings, as listing document id → URL, each listing once per run."""
        assert self.search is not None
        stats = self.crawler.stats
        found: dict[str, str] = {}
        for css in self.search.results:
            for href in response.css(css).xpath("@href").getall():
                url = response.urljoin(href.strip())
                if not same_origin(url, response.url):
                    stats.inc_value("markwatch/search/offsite_results")
                    continue
                if not self.is_product(url):
                    stats.inc_value("markwatch/search/not_listings")
                    continue
                doc_id = listing_doc_id(self.marketplace or self.name, self.listing_id(response, {"url": url}))
                if doc_id in self.seen or doc_id in found:
                    stats.inc_value("markwatch/search/duplicate_results")
                    continue
                found[doc_id] = url
        self.seen.update(found)
        return found

    def _not_recent(self, links: dict[str, str]) -> list[str]:
        """The result URLs whose listings were not fetched within the recency window."""
        if not links or not self.recency:
            return list(links.values())
        since = datetime.now(UTC) - self.recency
        try:
            recent = self.fetch_log.recent(links, since)
        except (IndexUnavailable, IndexRefused) as exc:
            self.crawler.stats.inc_value("markwatch/search/recency_unavailable")
            self.logger.warning("cannot tell recently fetched listings (%s): fetching all results", exc)
            return list(links.values())
        self.crawler.stats.inc_value("markwatch/search/skipped_recent", len(recent))
        return [url for doc_id, url in links.items() if doc_id not in recent]

    @property
    def fetch_log(self) -> FetchLog:
        if self._fetch_log is None:
            settings = markwatch_settings(self.crawler)
            self._fetch_log = FetchLog(make_client(settings, timeout=10, retries=1), settings)
        return self._fetch_log

    def _next_page(self, response: TextResponse, page: int, had_results: bool) -> str | None:
        """The URL of the query's next result page, or None when this was its last (or the last allowed)."""
        assert self.search is not None
        if page >= self.search.max_pages_per_query or not had_results:
            return None
        if self.search.next:
            for css in self.search.next:
                href = response.css(css).xpath("@href").get()
                if href:
                    url = response.urljoin(href.strip())
                    if same_origin(url, response.url) and urlsplit(url).scheme in ("http", "https"):
                        return url
                    self.crawler.stats.inc_value("markwatch/search/offsite_results")
            return None
        if self.search.paged:
            query = response.request.cb_kwargs["query"] if response.request is not None else None
            return self.search.page_url(query.text, page + 1) if query is not None else None
        return None

    def on_search_error(self, failure: Any) -> Iterator[scrapy.Request]:
        """A failed result page is counted like any failed request; the next query goes on."""
        self.on_error(failure)
        yield from self._next_query()
