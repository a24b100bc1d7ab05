"""A page's declared URL (canonical, og:url, JSON-LD url) is the listing's only within its own origin (issue 15, item 4).

A spoof page served elsewhere declares an innocent listing's URL: the listing document, the hit and
the takedown notice must name the page actually fetched, and the innocent listing stays untouched.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawlers.runner import run_crawl
from detection.batch import run_detection
from markwatch.jobs.suspects import process_suspects
from review_ui.deps import Scope
from review_ui.exports import hit_json, hits_csv, render_takedown
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit, SuspectReport, User
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings

pytestmark = pytest.mark.slow


def _declaring(url: str) -> str:
    return f'<link rel="canonical" href="{url}"><meta property="og:url" content="{url}">'


@pytest.fixture
def sites(serve, product_page, crawl_settings: Settings):  # type: ignore[no-untyped-def]
    """(settings allowing both, innocent shop, its listing URL, spoofing shop declaring that URL)."""
    innocent, spoof = serve(), serve()
    innocent_url = f"{innocent.base_url}/product/innocent-1"
    innocent.pages["/product/innocent-1"] = (200, {}, product_page("Acmetrix genuine leather bag",
                                                                   head=_declaring(innocent_url)))
    spoof.pages["/product/spoof-1"] = (200, {}, product_page("ACMETRIX replica bag cheap", head=_declaring(innocent_url),
                                                             url=innocent_url))
    spoof.pages["/product/variant?ref=mail"] = (200, {}, product_page("Acmetrix travel bag",
                                                                      head=_declaring("/product/variant")))
    settings = crawl_settings.model_copy(update={"allowed_private_hosts": [innocent.base_url, spoof.base_url]})
    return settings, innocent, innocent_url, spoof


def test_a_foreign_canonical_does_not_become_the_listing_nor_the_notice(sites, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    settings, innocent, innocent_url, spoof = sites
    spoof_url = f"{spoof.base_url}/product/spoof-1"
    assert run_crawl("demo_market", start_urls=[innocent_url], settings=settings, timeout=120).indexed == 1
    summary = run_crawl("demo_market", settings=settings, timeout=120,
                        start_urls=[spoof_url, f"{spoof.base_url}/product/variant?ref=mail"])
    assert summary.status == "succeeded" and summary.indexed == 2, summary.error
    assert summary.stats["markwatch/url/foreign_declared"] == 1

    index = ListingsIndex(make_client(settings), settings)
    index.refresh()
    genuine = index.get("demo-market", "innocent-1")
    assert (genuine["title"], genuine["url"], genuine["fetched_url"]) == ("Acmetrix genuine leather bag", innocent_url,
                                                                          innocent_url)
    spoofed = index.get("demo-market", "spoof-1")
    assert spoofed is not None and spoofed["url"] == spoofed["fetched_url"] == spoof_url
    variant = index.get("demo-market", "variant")  # a canonical on the page's own origin is still used
    assert variant["url"] == f"{spoof.base_url}/product/variant"
    assert variant["fetched_url"] == f"{spoof.base_url}/product/variant?ref=mail"
    assert index.count() == 3

    with Session(sqlite_engine) as session, session.begin():
        upsert_mark(MarkCreate(text="ACMETRIX", owner="Acme Corp"), session=session)
    run_detection(settings=settings, engine=sqlite_engine)
    with Session(sqlite_engine) as session:
        hits = {hit.listing_id: hit for hit in session.scalars(select(Hit))}
        hit = hits["demo-market:spoof-1"]
        assert hit.listing_url == spoof_url
        assert hits["demo-market:variant"].listing_url.endswith("/product/variant?ref=mail")  # the URL fetched
        notice = render_takedown("demo-market", [hit], sender="Acme Corp", generated_at=datetime.now(UTC))
        reviewer = User(email="reviewer@example.org", role="reviewer", password_hash="-")
        csv_text, data = hits_csv([hit]), hit_json(hit, Scope.for_user(reviewer))
    assert spoof_url in notice and innocent_url not in notice
    assert spoof_url in csv_text and innocent_url not in csv_text
    assert data["listing"]["url"] == spoof_url


def test_a_reported_spoof_page_is_recorded_under_the_url_fetched(sites, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    settings, innocent, innocent_url, spoof = sites
    spoof_url = f"{spoof.base_url}/product/spoof-1"
    with Session(sqlite_engine) as session, session.begin():
        session.add(SuspectReport(url=spoof_url))
    result = process_suspects(settings=settings, engine=sqlite_engine, timeout=120)
    assert result.crawled == [1] and result.failed == []
    with Session(sqlite_engine) as session:
        report = session.scalar(select(SuspectReport))
    index = ListingsIndex(make_client(settings), settings)
    listing = index.get_by_doc_id(report.listing_id)
    assert listing is not None and listing["url"] == listing["fetched_url"] == spoof_url
    assert listing["marketplace"] == spoof.base_url.removeprefix("http://")  # the port is part of the site
    assert index.count({"term": {"url": innocent_url}}) == 0
    assert innocent.requests == []
