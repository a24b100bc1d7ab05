"""Rendered crawls (issue 17, item 2): listings written by scripts, and the browser kept off private addresses.

Real Chromium (Debian's), real Scrapy in a subprocess, real Elasticsearch; the "internal service" is
a local server on another port that must receive nothing, whatever the rendered page asks for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.profile import PROFILES_DIR
from crawlers.runner import run_crawl
from markwatch.demo_market import DemoMarket
from markwatch.demo_market.live import LIVE_SIZE, live_listings
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _index(settings: Settings) -> ListingsIndex:
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    return index


def test_rendered_profile_extracts_the_listings_scripts_write(market: DemoMarket, market_settings: Settings) -> None:
    summary = run_crawl("demo_market_live", settings=market_settings, timeout=180,
                        start_urls=[f"{market.base_url}/live/"])
    assert summary.status == "succeeded", summary.error
    assert summary.stats["markwatch/render/pages"] == LIVE_SIZE + 1  # the section page and each listing
    index = _index(market_settings)
    expected = live_listings(market.catalogue)
    assert summary.indexed == len(expected) == LIVE_SIZE
    for listing in expected:
        doc = index.get("demo-market", listing.listing_id)
        assert doc is not None, listing.listing_id
        assert doc["title"] == listing.title
        assert doc["seller_name"] == market.catalogue.sellers[listing.seller_id].name
        assert doc["fetched_url"] == f"{market.base_url}/live/product/{listing.listing_id}"


def test_without_rendering_the_same_section_yields_nothing(market: DemoMarket, market_settings: Settings,
                                                           tmp_path: Path) -> None:
    text = (PROFILES_DIR / "demo_market_live.toml").read_text(encoding="utf-8")
    assert "render = true" in text
    unrendered = tmp_path / "live_unrendered.toml"
    unrendered.write_text(text.replace("render = true", "render = false")
                          .replace('name = "demo_market_live"', 'name = "live_unrendered"'), encoding="utf-8")
    summary = run_crawl(str(unrendered), settings=market_settings, timeout=120,
                        start_urls=[f"{market.base_url}/live/"])
    assert summary.status == "succeeded", summary.error
    assert "markwatch/render/pages" not in summary.stats
    assert summary.items == 0  # the shell (and robots.txt) fetched, no product link in it to follow
    assert _index(market_settings).count() == 0


HOSTILE = """<html><head><title>Shop</title>
<script src="{internal}/script.js"></script>
<link rel="stylesheet" href="{shop}/to-internal.css">
</head><body><h1 id="t">served title</h1>
<img src="{internal}/pixel.png"><img src="{local}/pixel-by-name.png"><iframe src="{internal}/frame"></iframe>
<script>
document.getElementById("t").textContent = "Rendered mouse";
var ld = document.createElement("script"); ld.type = "application/ld+json";
ld.textContent = JSON.stringify({{"@context": "https://schema.org", "@type": "Product", "name": "Rendered mouse",
  "offers": {{"@type": "Offer", "price": "19.99", "priceCurrency": "USD"}}}});
document.head.appendChild(ld);
fetch("{internal}/_cluster/health").catch(function () {{}});
fetch("{shop}/redirect-to-internal").catch(function () {{}});
fetch("{shop}/hop").catch(function () {{}});
var x = new XMLHttpRequest(); x.open("GET", "{internal}/xhr"); x.send();
try {{ new WebSocket("{ws}/socket"); }} catch (e) {{}}
navigator.sendBeacon && navigator.sendBeacon("{internal}/beacon", "x");
</script></body></html>"""


def test_a_rendered_page_gets_no_request_through_to_a_private_address(serve, market_settings: Settings,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    internal = serve({"/_cluster/health": (200, {"Content-Type": "application/json"}, b'{"status":"green"}')})
    shop = serve()
    local = internal.base_url.replace("127.0.0.1", "localhost")
    shop.pages.update({
        "/product/hostile": (200, {}, HOSTILE.format(internal=internal.base_url, shop=shop.base_url, local=local,
                                                     ws=internal.base_url.replace("http", "ws")).encode()),
        "/product/refresh": (200, {}, f'<meta http-equiv="refresh" content="0;url={internal.base_url}/refresh">'
                                      "<h1>moved</h1>".encode()),
        "/product/redirected": (302, {"Location": f"{internal.base_url}/admin"}, b""),
        "/redirect-to-internal": (302, {"Location": f"{internal.base_url}/after-redirect"}, b""),
        "/hop": (302, {"Location": "/landed"}, b""),
        "/to-internal.css": (302, {"Location": f"{local}/style.css"}, b""),
    })
    profile = tmp_path / "hostile_render.toml"
    profile.write_text("\n".join([
        'name = "hostile_render"', 'marketplace = "hostile-shop"', f"start_urls = {json.dumps([shop.base_url])}",
        'allowed_domains = ["127.0.0.1"]', 'product_url_pattern = "^/product/([^/?#]+)$"', "render = true",
    ]) + "\n", encoding="utf-8")
    settings = market_settings.model_copy(update={"allowed_private_hosts": [shop.base_url]})
    summary = run_crawl(str(profile), settings=settings, timeout=180, start_urls=[
        f"{shop.base_url}/product/hostile", f"{shop.base_url}/product/redirected",
        f"{shop.base_url}/product/refresh"])
    assert summary.status == "succeeded", summary.error
    assert internal.requests == []  # no script, image, frame, fetch, XHR, redirect, refresh, WebSocket or beacon
    assert summary.stats["markwatch/blocked/private_address"] >= 8
    listing = _index(settings).get("hostile-shop", "hostile")
    assert listing is not None and listing["title"] == "Rendered mouse"  # the allowed origin still renders
    assert "/redirect-to-internal" in shop.requests and "/to-internal.css" in shop.requests
    assert "/landed" in shop.requests  # a redirect within the allowed origin is still followed
