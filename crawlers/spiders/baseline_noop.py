"""Benchmark baseline: fetches the product pages of a sitemap and their images, and does nothing with them.

It downloads what the full pipeline downloads (each page and up to ``crawl_images_per_listing`` of
the images it names), so ``bench/crawl.py`` compares the pipeline's work, not its fetches.
"""

import json
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from scrapy import Request
from scrapy.spiders import SitemapSpider

from crawlers.config import markwatch_settings


class BaselineNoopSpider(SitemapSpider):
    name = "baseline_noop"
    sitemap_urls = ["http://127.0.0.1:8800/robots.txt"]
    sitemap_rules = [(r"/product/", "parse_product")]

    def __init__(self, *args: Any, start_urls: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if start_urls:
            self.sitemap_urls = [u for u in start_urls.split(",") if u]

    @cached_property
    def images_per_listing(self) -> int:
        return markwatch_settings(self.crawler).crawl_images_per_listing

    def parse_product(self, response: Any) -> Iterator[Request]:
        self.crawler.stats.inc_value("markwatch/baseline/pages")
        for url in _page_images(response)[: self.images_per_listing]:
            yield Request(response.urljoin(url), callback=self.parse_image, meta={"allow_offsite": True})

    def parse_image(self, response: Any) -> None:
        self.crawler.stats.inc_value("markwatch/images/downloaded")  # not a page: run summaries subtract it


_MARKUP_IMAGES = ("//meta[@property='og:image']/@content | //*[@itemprop='image']/@content"
                  " | //*[@itemprop='image']/@src | //main//img/@src")


def _page_images(response: Any) -> list[str]:
    """The image URLs a page names, in JSON-LD, OpenGraph, microdata or its main content."""
    images = _json_ld_images(response) + response.xpath(_MARKUP_IMAGES).getall()
    return list(dict.fromkeys(images))


def _json_ld_images(response: Any) -> list[str]:
    images: list[str] = []
    for block in response.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(block)
        except ValueError:
            continue
        found = data.get("image") if isinstance(data, dict) else None
        images.extend(u for u in (found if isinstance(found, list) else [found]) if isinstance(u, str))
    return images
