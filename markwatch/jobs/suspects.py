"""Suspects reported by URL: crawl each reported page once and record the outcome on the report.

The URLs are grouped by site (host and port) and every group is crawled as an ad-hoc site profile (``markwatch
crawl`` accepts a profile file's path) whose product pattern matches every path, so only the
reported pages are fetched and read through their structured data (JSON-LD, microdata, Open
Graph) with the crawler's fallbacks. When a packaged profile covers the URL's host and port and the
URL is one of its product pages, its marketplace, id pattern and selectors are reused, so the listing gets the
same document id as on a scheduled crawl (no duplicate listing, no duplicate hit).

A report is ``queued`` until then, ``crawled`` (``listing_id`` = the listing document's id, which
the detection run triggered by this crawl scans) or ``failed`` (with the reason). When the crawl of
a host fails, its reports stay queued for the task's retry, unless it was the final attempt.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from markwatch.jobs.runtime import jsonable
from shared_db.models import SuspectReport
from shared_db.netsafety import DEFAULT_PORTS, url_origin
from shared_db.settings import Settings

DEFAULT_BATCH = 200
ANY_PATH = r"^(/.*)$"
NOT_FOUND = ("the crawl found no product listing at this URL (no JSON-LD, microdata, Open Graph or "
             "recognisable product data, or the page was refused or unreachable); check the URL")


class SuspectCrawlFailed(RuntimeError):
    """The crawl of one or more reported hosts failed; the message lists them with the reason."""


@dataclass
class SuspectsReport:
    """What one pass over the queued suspects did."""

    queued: int = 0
    crawled: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    crawls: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class SiteRule:
    """How the pages of one host are read: marketplace name, listing-id pattern, selectors, rate."""

    marketplace: str
    pattern: str = ANY_PATH
    fields: dict[str, list[str]] = field(default_factory=dict)
    rate: dict[str, Any] = field(default_factory=dict)

    def listing_id(self, url: str) -> str | None:
        match = re.search(self.pattern, urlsplit(url).path)
        return match.group(1) if match and match.groups() else None


def queued_suspects(*, session: Session, limit: int = DEFAULT_BATCH) -> list[SuspectReport]:
    """The oldest queued reports first."""
    return list(session.scalars(
        select(SuspectReport).where(SuspectReport.status == "queued")
        .order_by(SuspectReport.created_at, SuspectReport.id).limit(limit)
    ))


def site_rule(url: str) -> SiteRule:
    """The packaged profile whose site (host *and* port) covers ``url`` as a product page, else a
    generic rule for its host (``host:port`` when the port is not the scheme's default)."""
    from crawlers.profile import list_profiles, load_profile

    for name in list_profiles():
        profile = load_profile(name)
        if profile.covers(url) and re.search(profile.product_url_pattern, urlsplit(url).path):
            return SiteRule(profile.marketplace, profile.product_url_pattern, profile.fields, profile.rate)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    origin = url_origin(url)
    if origin is not None and origin.port != DEFAULT_PORTS[origin.scheme]:
        return SiteRule(f"{host}:{origin.port}")
    return SiteRule(host)


def write_profile(directory: Path, name: str, rule: SiteRule, urls: list[str]) -> Path:
    """An ad-hoc profile file that crawls exactly ``urls`` (every path is a product page)."""
    hosts = sorted({urlsplit(u).hostname or "" for u in urls})
    lines = [f"name = {json.dumps(name)}", f"marketplace = {json.dumps(rule.marketplace)}",
             f"start_urls = {json.dumps(urls)}", f"allowed_domains = {json.dumps(hosts)}",
             f"product_url_pattern = {json.dumps(ANY_PATH if rule.pattern == ANY_PATH else rule.pattern)}",
             "[fields]", *(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in rule.fields.items()),
             "[rate]", *(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in rule.rate.items())]
    path = directory / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def process_suspects(*, settings: Settings, engine: Engine, limit: int = DEFAULT_BATCH,
                     timeout: float | None = None, final_attempt: bool = True) -> SuspectsReport:
    """Crawl the queued suspect URLs, one crawl per host, and mark each report crawled or failed.

    ``timeout`` bounds the whole pass; hosts not reached in time stay queued for the next run.
    Raises :class:`SuspectCrawlFailed` after the other hosts are done when a host's crawl failed.
    """
    from crawlers.runner import run_crawl

    with Session(engine) as session:
        pending = [(report.id, report.url) for report in queued_suspects(session=session, limit=limit)]
    result = SuspectsReport(queued=len(pending))
    rules: dict[tuple[str, str], SiteRule] = {}
    groups: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for report_id, url in pending:
        rule = site_rule(url)
        key = (rule.marketplace, rule.pattern)
        rules.setdefault(key, rule)
        groups.setdefault(key, []).append((report_id, url))
    problems = []
    deadline = None if timeout is None else time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="markwatch-suspects-") as tmp:
        for number, (key, reports) in enumerate(groups.items()):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining < 1:
                break  # out of time: these reports stay queued for the next run
            rule = rules[key]
            urls = list(dict.fromkeys(url for _, url in reports))
            name = f"suspects-{re.sub(r'[^a-z0-9]+', '-', rule.marketplace.lower()).strip('-') or number}"
            profile = write_profile(Path(tmp), name, rule, urls)
            try:
                result.crawls.append(jsonable(run_crawl(str(profile), start_urls=urls, settings=settings,
                                                        timeout=remaining)))
            except Exception as exc:  # a failed host must not stop the others; re-raised below
                problems.append(f"{rule.marketplace}: {_short(exc)}")
                if final_attempt:
                    _finish(engine, [(report_id, None, _short(exc)) for report_id, _ in reports])
                    result.failed.extend(report_id for report_id, _ in reports)
                continue
            found = find_listings(urls, rule, settings=settings)
            outcomes = [(report_id, found.get(url), None if url in found else NOT_FOUND) for report_id, url in reports]
            _finish(engine, outcomes)
            result.crawled.extend(report_id for report_id, doc_id, _ in outcomes if doc_id)
            result.failed.extend(report_id for report_id, doc_id, _ in outcomes if not doc_id)
    if problems:
        raise SuspectCrawlFailed("the crawl of reported URLs failed for " + "; ".join(problems))
    return result


def find_listings(urls: list[str], rule: SiteRule, *, settings: Settings) -> dict[str, str]:
    """Map each URL to the id of the listing document crawled from it, if any."""
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex, listing_doc_id

    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.refresh()
    variants = {variant: url for url in urls for variant in _url_variants(url)}
    query = {"bool": {"should": [{"terms": {"fetched_url": list(variants)}}, {"terms": {"url": list(variants)}}]}}
    body = {"query": query, "size": 2 * len(variants), "_source": ["url", "fetched_url"]}
    found: dict[str, str] = {}
    for hit in index.client.search(index=index.alias, body=body)["hits"]["hits"]:
        for key in ("fetched_url", "url"):  # the page fetched first: a same-site canonical may differ
            original = variants.get(hit["_source"].get(key))
            if original is not None:
                found.setdefault(original, hit["_id"])
    for url in urls:
        listing_id = rule.listing_id(url)
        if url not in found and listing_id:
            doc_id = listing_doc_id(rule.marketplace, listing_id)
            if index.get_by_doc_id(doc_id) is not None:
                found[url] = doc_id
    return found


def _url_variants(url: str) -> list[str]:
    base = url.split("#", 1)[0]
    return list(dict.fromkeys([url, base, base.rstrip("/"), base.rstrip("/") + "/"]))


def _finish(engine: Engine, outcomes: list[tuple[int, str | None, str | None]]) -> None:
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        for report_id, listing_id, error in outcomes:
            session.execute(
                update(SuspectReport).where(SuspectReport.id == report_id, SuspectReport.status == "queued")
                .values(status="failed" if error else "crawled", listing_id=listing_id, error=error,
                        processed_at=now)
            )


def _short(exc: BaseException, limit: int = 2000) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[: limit - 3] + "..."
