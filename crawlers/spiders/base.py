"""Base spiders by kind of site. A marketplace is a thin subclass or a profile file, never a copy.

- :class:`ListingSpider` — turns a product response into a raw listing (+ evidence), counts errors.
- :class:`StructuredDataSpider` — follows category/pagination/seller links, reads JSON-LD/microdata/Open Graph.
- :class:`StructuredSitemapSpider` — the same, but discovers product pages from a sitemap (or robots.txt).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider

from crawlers.extract import extract_listing
from crawlers.page_input import UnusablePage, page_bytes
from crawlers.safety import PrivateAddressBlocked, note_failed_url
from shared_db.netsafety import same_origin


def _split(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [v for v in value if v]


class ListingSpider(scrapy.Spider):
    """Common behaviour: start URL overrides, listing ids, evidence capture, error accounting."""

    marketplace: str = ""
    profile_name: str | None = None
    product_url_re: str = r"/product/([^/?#]+)"

    def __init__(self, *args: Any, start_urls: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        urls = _split(start_urls)
        if urls:
            self.start_urls = urls
            hosts = [urlsplit(u).hostname for u in urls]
            self.allowed_domains = list(dict.fromkeys([*getattr(self, "allowed_domains", []), *filter(None, hosts)]))
        self._product_re = re.compile(self.product_url_re)

    def is_product(self, url: str) -> bool:
        return bool(self._product_re.search(urlsplit(url).path))

    def listing_url(self, response: Response, declared: str | None) -> str:
        """The URL the page declares (canonical, og:url, profile selector) if on the fetched page's origin, else
        the URL fetched: a page elsewhere declaring another site's listing must not be recorded as that listing."""
        if declared and same_origin(declared, response.url):
            return declared
        if declared:
            self.crawler.stats.inc_value("markwatch/url/foreign_declared")
        return response.url

    def listing_id(self, response: Response, raw: dict[str, Any]) -> str:
        """The marketplace's id: from the product URL pattern, else SKU, else a hash of the listing URL."""
        for url in (raw.get("url"), response.url):
            match = self._product_re.search(urlsplit(url or "").path)
            if match and match.groups():
                return match.group(1)
        return raw.get("sku") or hashlib.sha256(str(raw.get("url")).encode()).hexdigest()[:32]

    def extra_fields(self, response: TextResponse) -> dict[str, Any]:
        """Hook: fields a site needs beyond structured data (see ProfileSpider)."""
        return {}

    def parse_product(self, response: Response) -> Iterator[dict[str, Any]]:
        stats = self.crawler.stats
        if not isinstance(response, TextResponse):
            stats.inc_value("markwatch/errors/not_text")
            return
        try:
            if response.body[:2] == b"\x1f\x8b":  # the downloader unpacked the declared encoding already
                raise UnusablePage(f"{response.url} is gzip data served as a page")
            page_bytes(response.body, response.url, max_bytes=len(response.body))  # the downloader bounds the size
        except UnusablePage as exc:  # an image or binary data served as text/html: no listing, never garbage
            stats.inc_value("markwatch/errors/not_html")
            note_failed_url(self.crawler, response.request, "not_html")
            self.logger.info("not a product page: %s", exc)
            return
        raw = extract_listing(response.text, response.url, rdfa=False)
        raw.update({k: v for k, v in self.extra_fields(response).items() if v not in (None, "", [])})
        raw["url"] = self.listing_url(response, raw.get("url"))
        raw["fetched_url"] = response.url
        raw["listing_id"] = self.listing_id(response, raw)
        raw["marketplace"] = self.marketplace or self.name
        raw["profile"] = self.profile_name or self.name
        raw["crawled_at"] = datetime.now(UTC).isoformat()
        raw["_evidence"] = {"body": response.body, "url": response.url, "status": response.status,
                            "headers": response.headers.to_unicode_dict()}
        stats.inc_value("markwatch/items/extracted")
        yield raw

    def on_error(self, failure: Any) -> None:
        """Count every failed request by kind; a hostile page never stops the crawl."""
        if failure.check(PrivateAddressBlocked):
            self.record_failure(failure, "refused_unsafe")
            return  # counted by the middleware as markwatch/blocked/private_address
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.crawler.stats.inc_value("markwatch/skipped/robots_txt")  # politeness, not an error
            self.record_failure(failure, "refused_robots")
            return
        if failure.check(HttpError):
            kind = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest) and "MAXSIZE" in str(failure.value).upper():
            kind = "too_large"  # e.g. a gzip bomb stopped during decompression
        else:
            kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(failure.value).__name__).lower()
        self.crawler.stats.inc_value(f"markwatch/errors/{kind}")
        self.record_failure(failure, kind)
        self.logger.info("request failed (%s): %s", kind, failure.request.url if hasattr(failure, "request") else "")

    def record_failure(self, failure: Any, kind: str) -> None:
        """Why a start URL gave no page, for reported URLs (see :func:`crawlers.safety.note_failed_url`)."""
        request = getattr(failure, "request", None)
        if request is not None:
            note_failed_url(self.crawler, request, kind)


class StructuredDataSpider(ListingSpider):
    """Follows ``follow_css`` links (categories, pagination, sellers) and parses ``product_css`` links."""

    follow_css: tuple[str, ...] = ("a[rel=next]", "a.next", "a.category")
    product_css: tuple[str, ...] = ("a.product-link",)

    async def start(self) -> Any:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if self.is_product(response.url):
            yield from self.parse_product(response)
            return
        if not isinstance(response, TextResponse):
            return
        for css in self.product_css:
            yield from response.follow_all(css=css, callback=self.parse_product, errback=self.on_error)
        for css in self.follow_css:
            yield from response.follow_all(css=css, callback=self.parse, errback=self.on_error)


class StructuredSitemapSpider(ListingSpider, SitemapSpider):
    """Product pages from ``sitemap_urls`` (a sitemap or robots.txt); ``--start-url`` replaces them."""

    sitemap_urls: list[str] = []
    sitemap_rules = [("", "parse_product")]  # sitemap_filter keeps only product pages

    def __init__(self, *args: Any, start_urls: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, start_urls=start_urls, **kwargs)
        if start_urls:
            self.sitemap_urls = list(self.start_urls)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        is_index = getattr(entries, "type", "urlset") == "sitemapindex"
        for entry in entries:
            if is_index or self.is_product(entry.get("loc", "")):
                yield entry

    async def start(self) -> Any:
        for url in self.sitemap_urls:
            yield scrapy.Request(url, callback=self._parse_sitemap, errback=self.on_error)

    def _parse_sitemap(self, response: Response) -> Any:
        for request in super()._parse_sitemap(response):
            yield request.replace(errback=self.on_error) if isinstance(request, scrapy.Request) else request
