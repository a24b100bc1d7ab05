"""Takedown outcomes: re-check every notified listing by its URL and mark it removed, still online or changed.

Each URL is fetched under the crawler's safety rules (:func:`crawlers.safety.blocked_reason` on the URL
and on every redirect, a connection that re-checks the resolved address (:mod:`markwatch.jobs.safe_http`),
the same allow-list, size limit, timeout and User-Agent). What is found:

- 404 or 410, or a page with no product on it (a marketplace's "no longer available" page): *removed*;
- a product page whose title (and price, when both have one) still matches the notified listing: *still online*;
- a product page whose title or price changed (a seller edits a listing to slip past a notice): *changed*;
- a refused address, a connection error or a 5xx: *unreachable*, which keeps the earlier finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shared_db.models import ListingOutcome
from shared_db.settings import Settings

MAX_REDIRECTS = 5
GONE = frozenset({404, 410})


@dataclass
class Finding:
    outcome: str
    http_status: int | None
    note: str | None = None


@dataclass
class RecheckReport:
    """What one re-check pass found, per outcome."""

    checked: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    listings: list[dict[str, Any]] = field(default_factory=list)
    relistings: int = 0


def _normal(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _price(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def fetch(url: str, *, settings: Settings, client: Any) -> tuple[int | None, bytes, str | None, str]:
    """(status, body, content type, final URL), following redirects only to addresses the crawler may reach."""
    from markwatch.jobs.safe_http import blocked

    allowed = tuple(settings.allowed_private_hosts)
    for _ in range(MAX_REDIRECTS + 1):
        reason = blocked(url, allowed)
        if reason is not None:
            raise PermissionError(f"refused {url}: {reason}")
        with client.stream("GET", url) as response:
            if response.is_redirect and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > settings.crawl_max_response_bytes:
                    raise ValueError(f"the page is larger than {settings.crawl_max_response_bytes} bytes")
            return response.status_code, body, response.headers.get("content-type"), url
    raise ValueError(f"more than {MAX_REDIRECTS} redirects")


def classify(status: int | None, body: bytes, content_type: str | None, url: str, *, title: str,
             price: Any) -> Finding:
    """The outcome of one fetch of a notified listing."""
    from crawlers.extract import extract_listing

    if status in GONE:
        return Finding(ListingOutcome.REMOVED.value, status, f"HTTP {status}")
    if status is None or status >= 400:
        return Finding(ListingOutcome.UNREACHABLE.value, status, f"HTTP {status}")
    found = extract_listing(body, url, content_type=content_type)
    if not found.get("title"):
        return Finding(ListingOutcome.REMOVED.value, status, "no product on the page any more")
    if _normal(found.get("title")) != _normal(title):
        return Finding(ListingOutcome.CHANGED.value, status, f"title now: {str(found.get('title'))[:300]}")
    from crawlers.prices import parse_price

    amount = _price(parse_price(found.get("price"))[0])
    if amount is not None and _price(price) is not None and amount != _price(price):
        return Finding(ListingOutcome.CHANGED.value, status, f"price now: {amount}")
    return Finding(ListingOutcome.ONLINE.value, status, None)


def recheck_listings(*, settings: Settings, engine: Engine, now: datetime | None = None,
                     interval: timedelta | None = None, limit: int = 500) -> RecheckReport:
    """Re-check the notified listings not checked within ``interval`` (``MARKWATCH_RECHECK_INTERVAL_HOURS``)."""
    import httpx

    from markwatch.jobs.safe_http import public_client
    from shared_db.repo.cases import due_listings, record_check

    moment = now or datetime.now(UTC)
    interval = timedelta(hours=settings.recheck_interval_hours) if interval is None else interval
    report = RecheckReport()
    with Session(engine) as session, session.begin(), \
            public_client(settings.allowed_private_hosts, timeout=settings.crawl_timeout_seconds,
                          user_agent=settings.user_agent) as client:
        for listing in due_listings(session=session, older_than=moment - interval, limit=limit):
            hit = listing.hit
            if not hit.listing_url:
                finding = Finding(ListingOutcome.UNREACHABLE.value, None, "the hit has no listing URL")
            else:
                try:
                    status, body, content_type, final = fetch(hit.listing_url, settings=settings, client=client)
                    finding = classify(status, body, content_type, final, title=hit.listing_title, price=hit.price)
                except (PermissionError, ValueError, httpx.HTTPError) as exc:
                    finding = Finding(ListingOutcome.UNREACHABLE.value, None, f"{type(exc).__name__}: {exc}"[:1000])
            record_check(listing, session=session, outcome=finding.outcome, http_status=finding.http_status,
                         note=finding.note, at=moment)
            report.checked += 1
            report.outcomes[listing.outcome] = report.outcomes.get(listing.outcome, 0) + 1
            report.listings.append({"case": listing.case_id, "hit": hit.id, "url": hit.listing_url,
                                    "outcome": listing.outcome, "http_status": finding.http_status})
        if report.outcomes.get(ListingOutcome.REMOVED.value):
            report.relistings = _flag_relistings(session, settings)
    return report


def _flag_relistings(session: Session, settings: Settings) -> int:
    """Open hits already found that re-list a listing this pass found removed (staydown)."""
    from detection.staydown import es_images, flag_relistings
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex

    index = ListingsIndex(make_client(settings), settings)
    return len(flag_relistings(session=session, images=es_images(index)))
