"""Extraction on real product pages (../shared/data/html_product_fixtures) and on pages without markup."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawlers.extract import extract_listing
from crawlers.normalise import normalise_listing
from markwatch.cli import app

FIXTURES = "html_product_fixtures"
EXPECTED = {
    "misc__opengraph_ns_product_test.html": {
        "title": "Better Off Dead [Exclusive Blu-ray Steelbook]", "brand": None, "price": Decimal("17.99"),
        "currency": "USD", "gtin": "32429335302", "sku": "fye.000000032429335302", "availability": "InStock",
        "url": "https://www.fye.com/better-off-dead-exclusive-blu-ray-steelbook-fye.000000032429335302.html",
    },
    "websites__microdata-with-description.html": {
        "title": "Johnsons 4 Fleas Cats & Kittens Tablets", "brand": "Johnsons", "price": Decimal("5.29"),
        "currency": "GBP", "gtin": None, "sku": "CS20858_1", "availability": "InStock",
    },
    "schema.org__product.html": {
        "title": "Executive Anvil", "brand": "ACME", "price": Decimal("119.99"), "currency": "USD", "gtin": None,
        "mpn": "925872", "seller_name": "Executive Objects", "availability": "InStock",
    },
    "schema.org__product-ref.html": {
        "title": "Executive Anvil", "brand": "ACME", "price": Decimal("119.99"), "currency": "USD", "gtin": None,
        "mpn": "925872",
    },
    "misc__product_microdata.html": {
        "title": "Executive Anvil", "brand": "ACME", "price": Decimal("119.99"), "currency": "USD", "gtin": None,
        "mpn": "925872", "seller_name": "Executive Objects",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_pages_exact_fields(shared_data: Path, name: str) -> None:
    body = (shared_data / FIXTURES / name).read_bytes()
    listing = normalise_listing(extract_listing(body, "https://shop.example/p/1"))
    for field, value in EXPECTED[name].items():
        assert listing[field] == value, field
    assert listing["language"] == "en"


def test_lowest_offer_price_wins_over_first(shared_data: Path) -> None:
    """The page offers 9.56 and 5.29 GBP (and an AggregateOffer from 5.29): the listing shows 5.29."""
    raw = extract_listing((shared_data / FIXTURES / "websites__microdata-with-description.html").read_bytes(),
                          "https://shop.example/")
    assert raw["price"] == "5.29"


def test_page_without_markup_uses_heuristics() -> None:
    html = """<html lang="de"><head><meta name="description" content="Kopfhörer mit Kabel für das Handy">
    </head><body><nav class="breadcrumb"><a href="/">Home</a><a href="/c/audio">Audio</a>
    <a href="/brand/sony">Sony</a></nav><h1> Sony  MDR-ZX110 <b>Kopfhörer</b></h1>
    <div class="box"><span class="old-price">2.000,00 €</span></div>
    <div class="buy"><span class="price-now">1.299,00 €</span><button>In den Warenkorb / Add to cart</button>
    <a class="seller" href="/seller/acme-de">ACME DE</a></div></body></html>"""
    listing = normalise_listing(extract_listing(html, "https://shop.example/p/9"))
    assert listing["title"] == "Sony MDR-ZX110 Kopfhörer"
    assert listing["price"] == Decimal("1299.00") and listing["currency"] == "EUR"
    assert listing["brand"] == "Sony"
    assert listing["seller_id"] == "acme-de" and listing["seller_url"] == "https://shop.example/seller/acme-de"
    assert listing["language"] == "de"


def test_gbk_page_is_decoded() -> None:
    html = '<html><head><meta charset="gbk"></head><body><h1>索尼 耳机</h1><span class="price">￥88.00</span></body></html>'
    listing = normalise_listing(extract_listing(html.encode("gbk"), "https://shop.example/p/1"))
    assert listing["title"] == "索尼 耳机" and listing["price"] == Decimal("88.00") and listing["currency"] == "CNY"
    assert listing["language"] == "zh"


def test_scripts_are_data_never_executed() -> None:
    html = ('<html><body><h1>Safe <script>alert(1)</script>title</h1>'
            '<script type="application/ld+json">{"@type":"Product","name":"<img src=x onerror=alert(1)>",'
            '"offers":{"price":"1","priceCurrency":"USD"}}</script></body></html>')
    listing = normalise_listing(extract_listing(html, "https://shop.example/p/1"))
    assert listing["title"] is None or "<" not in listing["title"]
    assert listing["price"] == Decimal("1")


def test_extract_cli_prints_one_json_object_per_page(shared_data: Path, tmp_path: Path) -> None:
    page = shared_data / FIXTURES / "schema.org__product.html"
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress((shared_data / FIXTURES / "misc__opengraph_ns_product_test.html").read_bytes()))
    result = CliRunner().invoke(app, ["extract", str(page), str(packed)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["title"] for x in lines] == ["Executive Anvil", "Better Off Dead [Exclusive Blu-ray Steelbook]"]
    assert lines[1]["price"] == "17.99" and lines[1]["currency"] == "USD" and lines[1]["gtin"] == "32429335302"


def test_extract_cli_refuses_private_urls(settings: object) -> None:
    result = CliRunner().invoke(app, ["extract", "http://169.254.169.254/latest/meta-data/"])
    assert result.exit_code == 1
    assert "non-public address" in result.output
