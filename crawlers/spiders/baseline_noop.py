"""Benchmark baseline: fetches the product pages of a sitemap and does nothing with them."""

from typing import Any

from scrapy.spiders import SitemapSpider


class BaselineNoopSpider(SitemapSpider):
    name = "baseline_noop"
    sitemap_urls = ["http://127.0.0.1:8800/robots.txt"]
    sitemap_rules = [(r"/product/", "parse_product")]

    def __init__(self, *args: Any, start_urls: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if start_urls:
            self.sitemap_urls = [u for u in start_urls.split(",") if u]

    def parse_product(self, response: Any) -> None:
        self.crawler.stats.inc_value("markwatch/baseline/pages")
