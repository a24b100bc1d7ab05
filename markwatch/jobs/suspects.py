"""Suspects reported by URL: crawl them with the structured-data spider and record the outcome.

A report is ``queued`` until a crawl has run over its URL; then it is ``crawled`` (with the id of
the listing document it produced, which the next detection run picks up) or ``failed`` (with the
reason). A crawl that fails as a whole leaves the reports queued for the task's retry, unless it
was the final attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from markwatch.jobs.runtime import jsonable
from shared_db.models import SuspectReport
from shared_db.settings import Settings

#: The spider that extracts one product from any page with JSON-LD, microdata or Open Graph markup.
SUSPECT_SPIDER = "structured"
DEFAULT_BATCH = 200


@dataclass
class SuspectsReport:
    """What one pass over the queued suspects did."""

    queued: int = 0
    crawled: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    crawl: dict[str, Any] | None = None


def queued_suspects(*, session: Session, limit: int = DEFAULT_BATCH) -> list[SuspectReport]:
    """The oldest queued reports first."""
    return list(session.scalars(
        select(SuspectReport).where(SuspectReport.status == "queued")
        .order_by(SuspectReport.created_at, SuspectReport.id).limit(limit)
    ))


def process_suspects(*, settings: Settings, engine: Engine, limit: int = DEFAULT_BATCH,
                     timeout: float | None = None, final_attempt: bool = True,
                     spider: str = SUSPECT_SPIDER) -> SuspectsReport:
    """Crawl the queued suspect URLs in one crawl and mark each report crawled or failed."""
    from crawlers.runner import run_crawl

    with Session(engine) as session:
        pending = [(report.id, report.url) for report in queued_suspects(session=session, limit=limit)]
    result = SuspectsReport(queued=len(pending))
    if not pending:
        return result
    urls = list(dict.fromkeys(url for _, url in pending))
    try:
        result.crawl = jsonable(run_crawl(spider, start_urls=urls, settings=settings, timeout=timeout))
    except Exception as exc:
        if final_attempt:
            _finish(engine, [(report_id, None, _short(exc)) for report_id, _ in pending])
            result.failed = [report_id for report_id, _ in pending]
        raise
    found = find_listings(urls, settings=settings)
    outcomes = []
    for report_id, url in pending:
        doc_id = found.get(url)
        if doc_id is None:
            outcomes.append((report_id, None, (
                "the crawl found no product listing at this URL (no JSON-LD, microdata or Open Graph "
                "product data, or the page was refused); check the URL or add a site profile")))
            result.failed.append(report_id)
        else:
            outcomes.append((report_id, doc_id, None))
            result.crawled.append(report_id)
    _finish(engine, outcomes)
    return result


def find_listings(urls: list[str], *, settings: Settings) -> dict[str, str]:
    """Map each URL to the id of the listing document crawled from it (by ``url``), if any."""
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex

    client = make_client(settings)
    index = ListingsIndex(client, settings)
    index.ensure()
    index.refresh()
    variants = {variant: url for url in urls for variant in _url_variants(url)}
    found: dict[str, str] = {}
    body = {"query": {"terms": {"url": list(variants)}}, "size": len(variants), "_source": ["url"]}
    for hit in client.search(index=index.alias, body=body)["hits"]["hits"]:
        original = variants.get(hit["_source"].get("url"))
        if original is not None:
            found.setdefault(original, hit["_id"])
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
