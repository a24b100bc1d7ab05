"""Listing images fetched through the crawl: stored by sha256, pHashed into Elasticsearch; hostile ones refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from crawlers.runner import run_crawl
from markwatch.demo_market import DemoMarket
from markwatch.demo_market.images import reference_photo
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.evidence import EvidenceStore
from shared_db.imagehash import hamming, phash
from shared_db.settings import Settings

pytestmark = pytest.mark.slow
NEAR = 10  # bits


def _page(name: str, images: list[str]) -> bytes:
    data = {"@context": "https://schema.org", "@type": "Product", "name": f"{name} wireless mouse", "image": images,
            "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "USD"}}
    return (f'<html><body><h1>{name}</h1><script type="application/ld+json">{json.dumps(data)}</script>'
            f"</body></html>").encode()


@pytest.fixture
def hostile_shop(images) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Two product pages whose images are a good photo and every kind of bad one."""
    files = {"/good.png": images.photo("good", "PNG"), "/bomb.png": images.bomb(),
             "/truncated.jpg": images.photo("cut")[:600],
             "/text.jpg": b"<html>not an image</html>", "/huge.jpg": b"\xff\xd8" + b"0" * 300_000}
    pages = {
        "/product/bad-images": _page("Bad", ["/bomb.png", "/truncated.jpg", "/text.jpg"]),
        "/product/mixed": _page("Mixed", ["http://10.0.0.1/a.jpg", "http://169.254.169.254/latest/x.jpg",
                                          "/missing.jpg", "/huge.jpg", "/good.png"]),
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path) or files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html" if self.path in pages else "image/jpeg")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_hostile_images_are_refused_and_the_listings_kept(hostile_shop: str, crawl_settings: Settings,
                                                         images) -> None:  # type: ignore[no-untyped-def]
    settings = crawl_settings.model_copy(update={"crawl_images_per_listing": 5, "image_max_bytes": 200_000,
                                                 "allowed_private_hosts": [hostile_shop]})
    summary = run_crawl("demo_market", settings=settings, timeout=120,
                        start_urls=[f"{hostile_shop}/product/bad-images", f"{hostile_shop}/product/mixed"])
    assert summary.status == "succeeded", summary.error
    assert summary.indexed == 2
    stats = summary.stats
    assert stats["markwatch/images/rejected/too_many_pixels"] == 1
    assert stats["markwatch/images/rejected/truncated"] == 1
    assert stats["markwatch/images/rejected/not_an_image"] == 1
    assert stats["markwatch/images/rejected/too_big"] == 1
    assert stats["markwatch/images/blocked"] == 2  # 10.0.0.1 and the metadata address: never requested
    assert stats["markwatch/images/http_error"] == 1
    assert stats["markwatch/images/stored"] == 1

    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    bad, mixed = index.get("demo-market", "bad-images"), index.get("demo-market", "mixed")
    assert bad is not None and not bad.get("image_hashes")
    assert mixed is not None and len(mixed["image_hashes"]) == len(mixed["image_sha256"]) == 1
    stored = EvidenceStore(settings.resolved_evidence_dir).get(mixed["image_sha256"][0])
    assert stored == images.photo("good", "PNG")
    assert index.count({"term": {"image_hashes": mixed["image_hashes"][0]}}) == 1  # the field is searchable


def test_demo_images_copy_the_official_photos_of_counterfeits(market: DemoMarket, market_settings: Settings) -> None:
    summary = run_crawl("demo_market", start_urls=[f"{market.base_url}/"], settings=market_settings, timeout=180)
    assert summary.status == "succeeded", summary.error
    index = ListingsIndex(make_client(market_settings), market_settings)
    index.refresh()
    store = EvidenceStore(market_settings.resolved_evidence_dir)
    copies = own = 0
    for record in market.ground_truth():
        doc = index.get("demo-market", record["listing_id"])
        if doc is None or record["hostile"] == "truncated":
            continue
        assert len(doc["image_hashes"]) == 1, record["listing_id"]
        assert store.exists(doc["image_sha256"][0])
        if record["mark"] is None and record["brand"] not in ("sony", "canon", "logitech", "samsung", "hp",
                                                               "apple", "panasonic", "epson"):
            continue
        brand = record["brand"]
        references = [phash(_image(reference_photo(brand, k))) for k in range(2)]
        distance = min(hamming(doc["image_hashes"][0], r) for r in references)
        if record["photo"] in ("official", "official-altered"):
            copies += 1
            assert distance <= NEAR, (record["listing_id"], distance)
        else:
            own += 1
            assert distance > NEAR, (record["listing_id"], distance)
    assert copies and own
    assert summary.stats["markwatch/images/stored"] >= copies + own


def _image(data: bytes) -> object:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(data))
