"""The allow-list opens one origin of a private host, never its other ports (issue 15, item 2).

An "internal service" on another port of 127.0.0.1 stands in for Elasticsearch (9200) and the review
UI (8000) beside the demo marketplace: no page, redirect or image may reach it.
"""

from __future__ import annotations

import pytest

from crawlers.runner import run_crawl
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.settings import Settings

pytestmark = pytest.mark.slow


def test_pages_redirects_and_images_on_other_ports_are_refused(serve, product_page, images,  # type: ignore[no-untyped-def]
                                                                crawl_settings: Settings) -> None:
    internal = serve({"/_cluster/health": (200, {"Content-Type": "application/json"}, b'{"status":"green"}'),
                      "/admin/users": (200, {}, product_page("Admin users login page")),
                      "/secret.png": (200, {"Content-Type": "image/png"}, images.photo("secret", "PNG"))})
    shop = serve({
        "/product/with-images": (200, {}, product_page("Shop mouse", images=[
            f"{internal.base_url}/secret.png", "/own.png"])),
        "/product/redirected": (302, {"Location": f"{internal.base_url}/admin/users"}, b""),
        "/own.png": (200, {"Content-Type": "image/png"}, images.photo("own", "PNG")),
    })
    settings = crawl_settings.model_copy(update={"allowed_private_hosts": [shop.base_url]})
    summary = run_crawl("demo_market", settings=settings, timeout=120, start_urls=[
        f"{shop.base_url}/product/with-images", f"{shop.base_url}/product/redirected",
        f"{internal.base_url}/_cluster/health", internal.base_url.replace("127.0.0.1", "localhost") + "/admin/users",
    ])
    assert summary.status == "succeeded", summary.error
    assert internal.requests == []  # neither the pages, the redirect target, robots.txt nor the image
    assert summary.stats["markwatch/blocked/private_address"] >= 3
    assert summary.stats["markwatch/images/blocked"] == 1
    assert summary.indexed == 1
    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    listing = index.get("demo-market", "with-images")
    assert listing is not None and listing["title"] == "Shop mouse"  # the allowed origin still crawls
    assert len(listing["image_sha256"]) == 1  # its own image, not the internal one
    assert index.count() == 1  # the login page behind the redirect was not indexed
