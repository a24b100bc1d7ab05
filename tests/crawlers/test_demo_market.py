"""The demo marketplace: deterministic catalogue, ground truth, rights database and hostile pages."""

from __future__ import annotations

import csv
import gzip
import http.client
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from markwatch.demo_market import DemoMarket
from markwatch.demo_market.catalogue import FX, INFRINGEMENT_KINDS, build_catalogue
from markwatch.demo_market.rights import DEMO_MARKS, MARKS_CSV_COLUMNS, write_marks_csv


def get(market: DemoMarket, path: str) -> http.client.HTTPResponse:
    parts = urlsplit(market.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def test_catalogue_is_deterministic_and_has_every_infringement_kind(shared_data: Path) -> None:
    a = build_catalogue(seed=3, size=400, data_dir=shared_data)
    b = build_catalogue(seed=3, size=400, data_dir=shared_data)
    assert [(x.listing_id, x.title, x.price, x.seller_id) for x in a.listings] == \
           [(x.listing_id, x.title, x.price, x.seller_id) for x in b.listings]
    kinds = Counter(x.kind for x in a.products)
    assert set(INFRINGEMENT_KINDS) <= set(kinds) and kinds["genuine"] > len(a.products) / 2
    assert sum(x.language == "zh" for x in a.products) >= 20
    assert len({x.seller_id for x in a.products}) >= 8
    assert {x.markup for x in a.products} == {"jsonld", "microdata", "plain"}


def test_infringements_target_registered_marks(shared_data: Path, tmp_path: Path) -> None:
    catalogue = build_catalogue(seed=7, size=400, data_dir=shared_data)
    path = write_marks_csv(tmp_path / "marks.csv", catalogue.reference_prices)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert tuple(rows[0]) == MARKS_CSV_COLUMNS
    marks = {r["mark"]: r for r in rows}
    assert len({r["owner"] for r in rows}) >= 5
    assert "索尼" in marks["SONY"]["aliases"].split(";") and "suoni" in marks["SONY"]["aliases"].split(";")
    for listing in catalogue.products:
        if listing.infringing:
            row = marks[listing.mark]
            assert listing.seller_id not in row["authorised_sellers"].split(";")
            if listing.kind == "price":
                assert listing.price / FX[listing.currency] <= listing.offer_price_usd * Decimal("0.13")
        elif listing.mark is not None:
            assert listing.seller_id in marks[listing.mark]["authorised_sellers"].split(";")
    assert all(float(r["reference_price"]) > 0 for r in rows) and len(rows) == len(DEMO_MARKS)


def test_pages_ground_truth_and_hostile_behaviour(market: DemoMarket, tmp_path: Path) -> None:
    truth = [json.loads(line) for line in market.write_ground_truth(tmp_path / "gt.jsonl").open(encoding="utf-8")]
    assert len(truth) == len(market.catalogue.products)
    assert {"listing_id", "marketplace", "url", "title", "infringing", "kind", "brand", "mark", "seller_id"} <= set(truth[0])
    product = get(market, urlsplit(truth[0]["url"]).path)
    assert product.status == 200 and truth[0]["title"].encode() in product.body.replace(b"&#39;", b"'")
    robots = get(market, "/robots.txt").body.decode()
    assert "Disallow: /private/" in robots and f"Sitemap: {market.base_url}/sitemap.xml" in robots
    assert get(market, "/sitemap.xml").body.count(b"<loc>") == len(market.catalogue.listings)
    assert get(market, "/product/x-error").status == 500
    assert get(market, "/product/x-redirect-private").getheader("Location").startswith("http://10.0.0.1/")
    assert get(market, "/product/x-redirect-metadata").getheader("Location").startswith("http://169.254.169.254/")
    gbk = get(market, "/product/x-gbk")
    assert "charset=gbk" in gbk.getheader("Content-Type") and "正品".encode("gbk") in gbk.body
    assert not get(market, "/product/x-truncated").body.rstrip().endswith(b"</html>")
    assert len(get(market, "/product/x-huge").body) > 1_500_000
    bomb = get(market, "/product/x-bomb")
    assert bomb.getheader("Content-Encoding") == "gzip" and len(gzip.decompress(bomb.body)) > 8_000_000
    page = get(market, "/search?q=sony").body.decode()
    assert "product-link" in page


def test_runs_as_a_module_with_ground_truth_and_marks(shared_data: Path, tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MARKWATCH_SHARED_DATA": str(shared_data)}
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "markwatch.demo_market", "--port", str(port), "--size", "30",
         "--ground-truth", str(tmp_path / "ground_truth.jsonl"), "--marks-csv", str(tmp_path / "marks.csv")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                robots = urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "demo market did not start"
                time.sleep(0.2)
        assert b"Sitemap:" in robots
        lines = (tmp_path / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 33 and json.loads(lines[0])["url"].startswith(f"http://127.0.0.1:{port}/product/")
        assert (tmp_path / "marks.csv").read_text(encoding="utf-8").startswith(",".join(MARKS_CSV_COLUMNS))
    finally:
        process.terminate()
        process.wait(timeout=10)
