"""Screenshot evidence (issue 17, item 3): real Chromium, the evidence store, SQLite and PostgreSQL.

The pages are the demo marketplace's and local hostile pages; the "internal service" on another
port must receive nothing while a hostile page is being screenshot.
"""

from __future__ import annotations

import io
import socket
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from markwatch.demo_market import DemoMarket
from markwatch.demo_market.live import live_listings
from markwatch.jobs.screenshots import capture_screenshots
from shared_db.evidence import EvidenceStore
from shared_db.models import Hit, Mark, Organisation, SuspectReport
from shared_db.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]
PNG = b"\x89PNG\r\n\x1a\n"


def add_hits(engine: Engine, urls: dict[str, str], *, score: float = 95.0) -> dict[str, int]:
    """One hit per URL on a fresh verified mark; returns key → hit id."""
    with Session(engine) as session, session.begin():
        org = Organisation(name=f"Org {uuid.uuid4().hex[:8]}")
        session.add(org)
        session.flush()
        mark = Mark(org_id=org.id, text="ACME", normalised="acme", verification="verified")
        session.add(mark)
        session.flush()
        hits = {key: Hit(listing_id=f"m:{key}", mark_id=mark.id, marketplace="m", listing_url=url,
                         listing_title=f"title {key}", score=score) for key, url in urls.items()}
        session.add_all(hits.values())
        session.flush()
        return {key: hit.id for key, hit in hits.items()}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_hits_and_reports_get_full_page_screenshots_and_failures_are_recorded(
        engine: Engine, market: DemoMarket, market_settings: Settings) -> None:
    dead = f"127.0.0.1:{closed_port()}"
    settings = market_settings.model_copy(update={
        "allowed_private_hosts": [*market_settings.allowed_private_hosts, dead]})
    product = market.catalogue.listings[0]
    live = live_listings(market.catalogue)[0]
    urls = {"product": f"{market.base_url}/product/{product.listing_id}",
            "live": f"{market.base_url}/live/product/{live.listing_id}",
            "unreachable": f"http://{dead}/product/gone", "private": "http://10.0.0.1/product/p1"}
    ids = add_hits(engine, urls)
    [low] = add_hits(engine, {"low": urls["product"] + "?low"}, score=10.0).values()
    with Session(engine) as session, session.begin():
        report = SuspectReport(url=urls["live"] + "?reported")
        session.add(report)
        session.flush()
        report_id = report.id

    outcome = capture_screenshots(settings=settings, engine=engine)
    assert outcome == {"hits": 4, "reports": 1, "urls": 5, "captured": 3, "failed": 2}
    store = EvidenceStore(settings.resolved_evidence_dir)
    with Session(engine) as session:
        hits = {key: session.get_one(Hit, hit_id) for key, hit_id in ids.items()}
        for key in ("product", "live"):
            hit = hits[key]
            assert hit.screenshot_error is None and hit.screenshot_at is not None
            png = store.get(hit.screenshot_sha256)
            assert png.startswith(PNG)
            image = Image.open(io.BytesIO(png))
            assert image.width == 1280 and image.height >= 900  # the whole page, not a thumbnail
            assert len(set(image.convert("L").getdata())) > 10, "a blank page"
            meta = store.meta(hit.screenshot_sha256)
            assert meta["url"] == urls[key] and meta["kind"] == "screenshot" and meta["status"] == 200
            at = hit.screenshot_at if hit.screenshot_at.tzinfo else hit.screenshot_at.replace(tzinfo=UTC)
            assert abs((datetime.fromisoformat(meta["captured_at"]) - at).total_seconds()) < 1
        assert "ECONNREFUSED" in hits["unreachable"].screenshot_error
        assert hits["private"].screenshot_error.startswith("not loaded:")
        for key in ("unreachable", "private"):  # a failure is recorded and loses nothing of the hit
            hit = hits[key]
            assert hit.screenshot_sha256 is None and hit.screenshot_at is not None
            assert (hit.listing_title, hit.score, hit.status, hit.listing_url) == (f"title {key}", 95.0, "new",
                                                                                  urls[key])
        below = session.get_one(Hit, low)
        assert (below.screenshot_sha256, below.screenshot_error, below.screenshot_at) == (None, None, None)
        reported = session.get_one(SuspectReport, report_id)
        # the same page under another URL looks the same: one PNG, stored once (content-addressed)
        assert reported.screenshot_sha256 == hits["live"].screenshot_sha256 and reported.screenshot_at

    assert capture_screenshots(settings=settings, engine=engine)["urls"] == 0  # nothing left to do
    again = capture_screenshots(settings=settings, engine=engine, retry_failed=True)
    assert (again["urls"], again["captured"], again["failed"]) == (2, 0, 2)
    with Session(engine) as session:
        assert session.scalar(select(Hit.screenshot_error).where(Hit.id == ids["private"])).startswith("not loaded")


HOSTILE = """<html><head><script src="{internal}/script.js"></script>
<link rel="stylesheet" href="{shop}/to-internal.css"></head>
<body style="background:#fd0"><h1>Counterfeit ACME bag</h1>
<img src="{internal}/pixel.png"><iframe src="{internal}/frame"></iframe>
<script>
fetch("{internal}/_cluster/health").catch(function () {{}});
fetch("{shop}/redirect-to-internal").catch(function () {{}});
try {{ new WebSocket("{ws}/socket"); }} catch (e) {{}}
setTimeout(function () {{ location.href = "{internal}/admin"; }}, 50);
</script></body></html>"""


def test_a_hostile_page_cannot_reach_a_private_address_while_it_is_screenshot(
        serve, sqlite_engine: Engine, crawl_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    internal = serve({"/_cluster/health": (200, {"Content-Type": "application/json"}, b'{"status":"green"}')})
    shop = serve()
    local = internal.base_url.replace("127.0.0.1", "localhost")
    shop.pages.update({
        "/item": (200, {}, HOSTILE.format(internal=internal.base_url, shop=shop.base_url,
                                          ws=internal.base_url.replace("http", "ws")).encode()),
        "/redirect-to-internal": (302, {"Location": f"{internal.base_url}/after-redirect"}, b""),
        "/to-internal.css": (302, {"Location": f"{local}/style.css"}, b""),
        "/moved": (302, {"Location": f"{internal.base_url}/landing"}, b""),
    })
    settings = crawl_settings.model_copy(update={"allowed_private_hosts": [shop.base_url]})
    ids = add_hits(sqlite_engine, {"hostile": f"{shop.base_url}/item", "moved": f"{shop.base_url}/moved"})
    outcome = capture_screenshots(settings=settings, engine=sqlite_engine)
    assert internal.requests == []  # no script, image, frame, fetch, redirect, WebSocket or navigation
    assert outcome["captured"] == 1 and outcome["failed"] == 1
    with Session(sqlite_engine) as session:
        hostile, moved = session.get_one(Hit, ids["hostile"]), session.get_one(Hit, ids["moved"])
        meta = EvidenceStore(settings.resolved_evidence_dir).meta(hostile.screenshot_sha256)
        assert any(url.startswith(internal.base_url) for url in meta["refused_requests"])
        assert moved.screenshot_sha256 is None and "ERR_BLOCKED_BY_CLIENT" in moved.screenshot_error
    assert {"/item", "/redirect-to-internal", "/to-internal.css", "/moved"} <= set(shop.requests)
