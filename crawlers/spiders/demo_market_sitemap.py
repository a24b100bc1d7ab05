"""The demo marketplace through its sitemap (announced in robots.txt) and structured data."""

from crawlers.spiders.base import StructuredSitemapSpider


class DemoMarketSitemapSpider(StructuredSitemapSpider):
    name = "demo_market_sitemap"
    marketplace = "demo-market"
    allowed_domains = ["127.0.0.1", "localhost"]
    sitemap_urls = ["http://127.0.0.1:8800/robots.txt"]
    product_url_re = r"^/product/([^/?#]+)$"
