"""Screenshot evidence: a full-page PNG of every hit at or above the threshold and of every reported URL.

Run after detection (the detect DAG, ``markwatch screenshots``, ``make demo``): each listing URL
without a screenshot is loaded in the guarded headless Chromium (:mod:`crawlers.browser`: every
request the page makes passes the private-address, allow-list and size rules), and the page as a
person sees it is stored content-addressed in the evidence store beside the HTML snapshot, its
sidecar holding the URL asked for, the URL shown, the HTTP status and the capture time. A URL
that cannot be captured gets its reason recorded on the hit or report (shown on the hit page);
the hit itself is never touched otherwise. ``retry_failed`` tries the failed ones again.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from shared_db.models import Hit, SuspectReport
from shared_db.settings import Settings

DEFAULT_LIMIT = 500
MEDIA_TYPE = "image/png"
PAGE_HEIGHT_JS = ("Math.max(document.documentElement ? document.documentElement.scrollHeight : 0, "
                  "document.body ? document.body.scrollHeight : 0)")


@dataclass(frozen=True)
class Shot:
    """The outcome for one URL: a stored PNG's sha256, or the reason there is none."""

    url: str
    captured_at: datetime
    sha256: str | None = None
    error: str | None = None


def pending_hits(*, session: Session, threshold: float, limit: int, retry_failed: bool = False) -> list[Hit]:
    """Hits at or above ``threshold`` with a listing URL and no screenshot, highest priority first."""
    query = select(Hit).where(Hit.score >= threshold, Hit.listing_url.is_not(None), Hit.listing_url != "",
                              Hit.screenshot_sha256.is_(None))
    if not retry_failed:
        query = query.where(Hit.screenshot_error.is_(None))
    return list(session.scalars(query.order_by(Hit.priority.desc(), Hit.id).limit(limit)))


def pending_reports(*, session: Session, limit: int, retry_failed: bool = False) -> list[SuspectReport]:
    """Reported URLs without a screenshot, oldest first."""
    query = select(SuspectReport).where(SuspectReport.screenshot_sha256.is_(None))
    if not retry_failed:
        query = query.where(SuspectReport.screenshot_error.is_(None))
    return list(session.scalars(query.order_by(SuspectReport.id).limit(limit)))


def capture_screenshots(*, settings: Settings, engine: Engine, limit: int = DEFAULT_LIMIT,
                        retry_failed: bool = False) -> dict[str, Any]:
    """Screenshot the hits at or above ``settings.match_threshold`` and the reported URLs that have none.

    Each distinct URL is loaded once; returns counts (``captured``, ``failed``, ``hits``, ``reports``).
    """
    with Session(engine) as session:
        hits = pending_hits(session=session, threshold=settings.match_threshold, limit=limit,
                            retry_failed=retry_failed)
        reports = pending_reports(session=session, limit=limit, retry_failed=retry_failed)
        work = [("hit", hit.id, str(hit.listing_url)) for hit in hits] + [
            ("report", report.id, report.url) for report in reports]
    urls = list(dict.fromkeys(url for _, _, url in work))
    shots = _run(capture_urls(urls, settings=settings)) if urls else {}
    with Session(engine) as session, session.begin():
        for kind, row_id, url in work:
            row = session.get(Hit if kind == "hit" else SuspectReport, row_id)
            shot = shots[url]
            if row is not None and row.screenshot_sha256 is None:
                row.screenshot_sha256, row.screenshot_error = shot.sha256, shot.error
                row.screenshot_at = shot.captured_at
    captured = sum(1 for shot in shots.values() if shot.sha256)
    return {"hits": len(hits), "reports": len(reports), "urls": len(urls), "captured": captured,
            "failed": len(urls) - captured}


def _run(coroutine: Any) -> Any:
    """Run ``coroutine`` to completion, in a thread of its own when this one already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def capture_urls(urls: list[str], *, settings: Settings) -> dict[str, Shot]:
    """One :class:`Shot` per URL, taken in one browser (a fresh context, cookies and all, per URL)."""
    from playwright.async_api import async_playwright

    from crawlers.browser import BrowserUnavailable, launch_options

    try:
        options = launch_options(settings.browser_executable)
    except BrowserUnavailable as exc:
        now = datetime.now(UTC)
        return {url: Shot(url, now, error=str(exc)) for url in urls}
    shots: dict[str, Shot] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**options)
        try:
            for url in urls:
                shots[url] = await capture_one(browser, url, settings=settings)
        finally:
            await browser.close()
    return shots


async def capture_one(browser: Any, url: str, *, settings: Settings) -> Shot:
    """Load ``url`` behind the request guard and store a full-page PNG of it (or say why not)."""
    from playwright.async_api import Error as PlaywrightError

    from crawlers.browser import RequestGuard, context_options
    from shared_db.evidence import EvidenceStore

    guard = RequestGuard(settings.allowed_private_hosts, max_bytes=settings.crawl_max_response_bytes,
                         timeout_seconds=settings.render_timeout_seconds)
    refused = await guard.reason(url)
    if refused is not None:
        return Shot(url, datetime.now(UTC), error=f"not loaded: {refused}")
    timeout_ms = settings.render_timeout_seconds * 1000
    context = await browser.new_context(**context_options(settings.user_agent))
    try:
        await guard.install(context)
        page = await context.new_page()
        page.set_default_timeout(timeout_ms)
        response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        try:
            await page.wait_for_load_state("networkidle", timeout=min(timeout_ms, 5000))
        except PlaywrightError:
            pass  # a page that keeps polling is shot as it stands once loaded
        if response is None:
            return Shot(url, datetime.now(UTC), error="the page did not load (no response)")
        height = int(await page.evaluate(PAGE_HEIGHT_JS) or 0)
        clip = None
        if height > settings.screenshot_max_height:
            clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": settings.screenshot_max_height}
        png = await page.screenshot(full_page=True, type="png", clip=clip, animations="disabled")
        captured_at = datetime.now(UTC)
        sha = EvidenceStore(settings.resolved_evidence_dir).put(
            png, url=page.url, status=response.status, headers={"content-type": MEDIA_TYPE}, captured_at=captured_at,
            extra={"kind": "screenshot", "media_type": MEDIA_TYPE, "requested_url": url, "cut": clip is not None,
                   "refused_requests": guard.refused[:20]})
        return Shot(url, captured_at, sha256=sha)
    except PlaywrightError as exc:
        reason = str(exc).splitlines()[0][:500]
        if guard.failures:
            reason += f" ({guard.failures[0]})"
        elif guard.refused:
            reason += f" (refused: {', '.join(guard.refused[:3])})"
        return Shot(url, datetime.now(UTC), error=reason)
    finally:
        await context.close()
