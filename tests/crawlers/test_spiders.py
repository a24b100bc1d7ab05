"""Every spider imports and is listed; every packaged profile loads; profiles are validated."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import crawlers.spiders
from crawlers.profile import ProfileError, list_profiles, load_profile
from crawlers.run import UnknownCrawlTarget, resolve_target, spider_names


def test_every_spider_module_imports_and_is_listed() -> None:
    modules = [m.name for m in pkgutil.iter_modules(crawlers.spiders.__path__)]
    for name in modules:
        importlib.import_module(f"crawlers.spiders.{name}")
    names = spider_names()
    assert {"demo_market", "demo_market_sitemap", "baseline_noop", "profile"} <= set(names)
    for name in names:  # file name = spider name (base and profile are the generic ones)
        assert name in modules or name == "profile"


@pytest.mark.parametrize("name", list_profiles())
def test_packaged_profiles_load(name: str) -> None:
    profile = load_profile(name)
    assert profile.marketplace and profile.start_urls and profile.fields
    assert resolve_target(name).spider == "profile"


def test_profile_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('marketplace = "x"\nstart_urls = ["http://x/"]\nproduct_url_pattern = "/p/(.+)"\n'
                   '[fields]\ncolour = "h1::text"\n')
    with pytest.raises(ProfileError, match="colour"):
        load_profile(str(bad))
    with pytest.raises(UnknownCrawlTarget, match="demo_market_selectors"):
        resolve_target("no-such-site")


def test_a_page_matches_a_profile_only_on_the_profile_origin() -> None:
    from crawlers.profile import load_profile
    from markwatch.jobs.suspects import site_rule

    profile = load_profile("demo_market_selectors")
    assert profile.covers("http://127.0.0.1:8800/product/x") and profile.covers("http://localhost:8800/")
    assert not profile.covers("http://127.0.0.1:9200/product/x") and not profile.covers("http://127.0.0.1/product/x")
    assert site_rule("http://127.0.0.1:8800/product/x").marketplace == "demo-market"
    assert site_rule("http://127.0.0.1:9200/product/x").marketplace == "127.0.0.1:9200"
    assert site_rule("https://www.shop.example/item/1").marketplace == "shop.example"


@pytest.mark.parametrize(("body", "why"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 16, "gzip"),
    (b"PK\x03\x04" + b"x" * 64, "archive"),
    (b"\x00\x01\x02 no markup, binary", "binary"),
])
def test_a_binary_body_served_as_html_is_no_listing_and_is_reported(body: bytes, why: str) -> None:
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawlers.safety import FAILED_URLS
    from crawlers.spiders.demo_market import DemoMarketSpider

    crawler = get_crawler(DemoMarketSpider)
    url = "http://shop.example/product/1"
    spider = crawler.spider = DemoMarketSpider.from_crawler(crawler, start_urls=[url])
    bad = HtmlResponse(url, body=body, request=Request(url), headers={"Content-Type": "text/html"})
    assert list(spider.parse_product(bad)) == [], why
    assert crawler.stats.get_value("markwatch/errors/not_html") == 1
    assert crawler.stats.get_value(FAILED_URLS) == {url: "not_html"}  # a reported URL says why it gave nothing
    page = (b'<html><h1>Sony A7</h1><script type="application/ld+json">{"@type": "Product", "name": "Sony A7", '
            b'"offers": {"price": "10", "priceCurrency": "USD"}}</script></html>')
    [listing] = spider.parse_product(HtmlResponse(url, body=page, request=Request(url)))
    assert listing["title"] == "Sony A7"
