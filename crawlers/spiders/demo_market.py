"""The demo marketplace through its structured data, following categories, pagination and sellers."""

from crawlers.spiders.base import StructuredDataSpider


class DemoMarketSpider(StructuredDataSpider):
    name = "demo_market"
    marketplace = "demo-market"
    allowed_domains = ["127.0.0.1", "localhost"]
    start_urls = ["http://127.0.0.1:8800/"]
    product_url_re = r"^/product/([^/?#]+)$"
    follow_css = ("a.category", "a.next", "a.seller")
