"""Suspects reported by URL: check, crawl and detect each reported page once; record where it ended.

The URLs are grouped by site (host and port) and every group is crawled as an ad-hoc site profile (``markwatch
crawl`` accepts a profile file's path) whose product pattern matches every path, so only the
reported pages are fetched (through the crawler's safety rules) and read through their structured data
(JSON-LD, microdata, Open Graph) with the crawler's fallbacks. When a packaged profile covers the URL's host
and port and the URL is one of its product pages, its marketplace, id pattern and selectors are reused, so the
listing gets the same document id as on a scheduled crawl (no duplicate listing, no duplicate hit). Detection
then runs on the crawled listings.

A report's state (:class:`shared_db.models.ReportStatus`): ``queued`` until processed; ``refused`` (the URL,
or a redirect, is not a public address, or robots.txt disallows it), ``fetch_failed`` (the error) or
``crawled`` (``listing_id`` = the listing document), then ``hit`` (``hit_id``: the best hit on the reporter's
marks, the reported mark first) or ``no_match``. When the crawl of a host fails, its reports stay queued for
the task's retry, unless it was the final attempt; a crawled report whose detection failed is detected on the
next pass.
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
from shared_db.messages import reports as why
from shared_db.models import Hit, Mark, ReportStatus, SuspectReport
from shared_db.netsafety import DEFAULT_PORTS, UnsafeURLError, check_public_url, url_origin
from shared_db.settings import Settings

DEFAULT_BATCH = 200
ANY_PATH = r"^(/.*)$"
NOT_FOUND = why.NO_LISTING()
Outcome = tuple[int, ReportStatus, str | None, str | None]  # report id, state, listing id, reason


class SuspectCrawlFailed(RuntimeError):
    """The crawl of one or more reported hosts failed; the message lists them with the reason."""


@dataclass
class SuspectsReport:
    """What one pass over the suspects did (report ids by outcome; ``hits``: report id -> hit id)."""

    queued: int = 0
    refused: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    crawled: list[int] = field(default_factory=list)
    no_match: list[int] = field(default_factory=list)
    hits: dict[int, int] = field(default_factory=dict)
    crawls: list[dict[str, Any]] = field(default_factory=list)
    detection_error: str | None = None


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
    """Check and crawl the queued suspect URLs (one crawl per host), then detect the crawled listings.

    ``timeout`` bounds the crawls; hosts not reached in time stay queued for the next run.
    Raises :class:`SuspectCrawlFailed` after the other hosts are done when a host's crawl failed.
    """
    with Session(engine) as session:
        pending = [(report.id, report.url) for report in queued_suspects(session=session, limit=limit)]
    result = SuspectsReport(queued=len(pending))
    safe: list[tuple[int, str]] = []
    refused: list[Outcome] = []
    for report_id, url in pending:
        try:  # again at processing time: a name may point elsewhere now
            check_public_url(url, allowed_hosts=settings.allowed_private_hosts)
            safe.append((report_id, url))
        except UnsafeURLError as exc:
            refused.append((report_id, ReportStatus.REFUSED, None, str(exc)))
    _record(engine, refused, result)
    problems = _crawl_groups(safe, settings=settings, engine=engine, timeout=timeout,
                             final_attempt=final_attempt, result=result)
    try:
        resolve_crawled(settings=settings, engine=engine, result=result, limit=limit)
    except Exception as exc:  # noqa: BLE001 - the reports stay crawled; the next pass detects them
        result.detection_error = _short(exc)
    if problems:
        raise SuspectCrawlFailed("the crawl of reported URLs failed for " + "; ".join(problems))
    return result


def _crawl_groups(pending: list[tuple[int, str]], *, settings: Settings, engine: Engine, timeout: float | None,
                  final_attempt: bool, result: SuspectsReport) -> list[str]:
    """Crawl each site's reported URLs and record every report's outcome; returns the sites that failed."""
    from crawlers.runner import run_crawl

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
                summary = run_crawl(str(profile), start_urls=urls, settings=settings, timeout=remaining)
            except Exception as exc:  # a failed host must not stop the others; re-raised below
                problems.append(f"{rule.marketplace}: {_short(exc)}")
                if final_attempt:
                    reason = why.CRAWL_FAILED(error=_short(exc))
                    _record(engine, [(rid, ReportStatus.FETCH_FAILED, None, reason) for rid, _ in reports], result)
                continue
            result.crawls.append(jsonable(summary))
            found = find_listings(urls, rule, settings=settings)
            failures = summary.stats.get("markwatch/failed_urls") or {}
            _record(engine, [(rid, *_outcome(found.get(url), failures.get(url))) for rid, url in reports], result)
    return problems


def _outcome(doc_id: str | None, failure: str | None) -> tuple[ReportStatus, str | None, str | None]:
    """(state, listing id, reason) of one crawled URL from what the crawl found or why it failed."""
    if doc_id:
        return ReportStatus.CRAWLED, doc_id, None
    if failure == "refused_unsafe":
        return ReportStatus.REFUSED, None, why.REFUSED_UNSAFE()
    if failure == "refused_robots":
        return ReportStatus.REFUSED, None, why.REFUSED_ROBOTS()
    if failure and re.fullmatch(r"http_\d{3}", failure):
        return ReportStatus.FETCH_FAILED, None, why.FETCH_HTTP(status=failure[5:])
    if failure:
        kind = why.FETCH_KINDS.get(failure)
        return ReportStatus.FETCH_FAILED, None, kind() if kind else why.FETCH_ERROR(error=failure.replace("_", " "))
    return ReportStatus.FETCH_FAILED, None, NOT_FOUND


def resolve_crawled(*, settings: Settings, engine: Engine, result: SuspectsReport | None = None,
                    limit: int = DEFAULT_BATCH) -> SuspectsReport:
    """Run detection on the listings of crawled reports and mark each ``hit`` (with its hit) or ``no_match``."""
    from detection.batch import detect_listings

    result = result if result is not None else SuspectsReport()
    with Session(engine) as session:
        crawled = list(session.execute(
            select(SuspectReport.id, SuspectReport.listing_id)
            .where(SuspectReport.status == ReportStatus.CRAWLED.value, SuspectReport.listing_id.is_not(None))
            .order_by(SuspectReport.id).limit(limit)).tuples())
    if not crawled:
        return result
    detect_listings([listing_id for _, listing_id in crawled], settings=settings, engine=engine)
    with Session(engine) as session, session.begin():
        for report_id, _ in crawled:
            report = session.get_one(SuspectReport, report_id)
            hit_id = best_hit(report, session=session)
            report.status = (ReportStatus.HIT if hit_id else ReportStatus.NO_MATCH).value
            report.hit_id = hit_id
            report.processed_at = datetime.now(UTC)
            if hit_id:
                result.hits[report_id] = hit_id
            else:
                result.no_match.append(report_id)
    return result


def best_hit(report: SuspectReport, *, session: Session) -> int | None:
    """The report's hit: on its listing and the reporter's marks (any mark for staff), the reported mark first."""
    query = select(Hit.id).where(Hit.listing_id == report.listing_id)
    if report.org_id is not None:
        query = query.where(Hit.mark_id.in_(select(Mark.id).where(Mark.org_id == report.org_id)))
    order = [Hit.score.desc(), Hit.id]
    if report.mark_id is not None:
        order.insert(0, (Hit.mark_id == report.mark_id).desc())
    return session.scalar(query.order_by(*order).limit(1))


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


def _record(engine: Engine, outcomes: list[Outcome], result: SuspectsReport) -> None:
    """Write each queued report's outcome (a report already processed elsewhere is left alone)."""
    if not outcomes:
        return
    now = datetime.now(UTC)
    lists = {ReportStatus.REFUSED: result.refused, ReportStatus.FETCH_FAILED: result.failed,
             ReportStatus.CRAWLED: result.crawled}
    with Session(engine) as session, session.begin():
        for report_id, state, listing_id, reason in outcomes:
            session.execute(
                update(SuspectReport)
                .where(SuspectReport.id == report_id, SuspectReport.status == ReportStatus.QUEUED.value)
                .values(status=state.value, listing_id=listing_id, error=reason, processed_at=now)
            )
            lists[state].append(report_id)


def _short(exc: BaseException, limit: int = 2000) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[: limit - 3] + "..."
