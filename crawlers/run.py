"""Run one crawl in this process and record it as a crawl run (called by ``markwatch crawl``).

Twisted's reactor cannot restart, so this runs once per process; other code uses
:func:`crawlers.runner.run_crawl`, which starts ``markwatch crawl`` in a subprocess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from crawlers.config import scrapy_settings
from crawlers.profile import find_profile, list_profiles, load_profile
from shared_db.settings import Settings, get_settings


class UnknownCrawlTarget(LookupError):
    """Neither a spider nor a site profile has that name."""


class CrawlDatabaseNotReady(RuntimeError):
    """The crawl_runs table is missing: the database has not been migrated."""


@dataclass(frozen=True)
class CrawlTarget:
    spider: str
    label: str
    spider_kwargs: dict[str, Any]
    settings: dict[str, Any]
    searchable: bool = False  # a profile with a search template: crawled by queries when given some


def project_settings() -> Any:
    """Scrapy settings of the ``crawlers`` project (independent of the working directory)."""
    from scrapy.settings import Settings as ScrapySettings

    values = ScrapySettings()
    values.setmodule("crawlers.settings", priority="project")
    return values


def spider_names() -> list[str]:
    from scrapy.spiderloader import SpiderLoader

    return sorted(SpiderLoader.from_settings(project_settings()).list())


def resolve_target(name: str) -> CrawlTarget:
    """A spider by name, else a site profile by name or path."""
    if name in spider_names() and name != "profile":
        return CrawlTarget(spider=name, label=name, spider_kwargs={}, settings={})
    if find_profile(name) is not None:
        profile = load_profile(name)
        return CrawlTarget(spider="profile", label=profile.name, spider_kwargs={"profile": name},
                           settings=profile.scrapy_settings(), searchable=profile.search is not None)
    raise UnknownCrawlTarget(f"no spider or profile named {name!r}; spiders: {', '.join(spider_names())}; "
                             f"profiles: {', '.join(list_profiles())}")


def summarise(stats: dict[str, Any]) -> dict[str, Any]:
    """Crawl-run counts from Scrapy stats."""
    errors = sum(v for k, v in stats.items() if k.startswith("markwatch/errors/"))
    errors += stats.get("spider_exceptions/count", 0) + stats.get("markwatch/index/rejected", 0)
    errors += stats.get("markwatch/blocked/private_address", 0)
    drops = {k.removeprefix("markwatch/drop/"): v for k, v in stats.items() if k.startswith("markwatch/drop/")}
    return {
        "pages": stats.get("response_received_count", 0) - stats.get("markwatch/images/downloaded", 0),
        "items": stats.get("markwatch/items/extracted", 0),
        "indexed": stats.get("markwatch/index/indexed", 0),
        "spooled": stats.get("markwatch/index/spooled", 0),
        "errors": errors,
        "drops": drops,
        "stats": json.loads(json.dumps(stats, default=_json_default)),
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def crawl(name: str, *, start_urls: list[str] | None = None, settings: Settings | None = None,
          overrides: dict[str, Any] | None = None, run_id_file: Path | None = None,
          queries_file: Path | None = None, budget: int | None = None, recency_hours: float | None = None) -> int:
    """Crawl ``name`` (spider or profile) to completion; returns the crawl run id.

    ``queries_file`` (see :mod:`crawlers.search`) drives a profile with a search template by those
    queries, within ``budget`` pages (default: the profile's) skipping listings fetched within
    ``recency_hours``; without it the profile's catalogue is walked.
    """
    from scrapy.crawler import CrawlerProcess

    from shared_db.db import make_engine, transaction
    from shared_db.repo.runs import finish_crawl_run, start_crawl_run

    settings = settings or get_settings()
    target = resolve_target(name)
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(engine) as session:
            run_id = start_crawl_run(target.label, session=session).id
    except (OperationalError, ProgrammingError) as exc:
        raise CrawlDatabaseNotReady(f"cannot record the crawl run ({exc.orig}); run `markwatch db upgrade` "
                                    "first") from exc
    if run_id_file is not None:
        Path(run_id_file).write_text(str(run_id))
    values = project_settings()
    values.setdict(scrapy_settings(settings, {**target.settings, **(overrides or {})}), priority="cmdline")
    process = CrawlerProcess(values)
    crawler = process.create_crawler(target.spider)
    kwargs = dict(target.spider_kwargs)
    if start_urls:
        kwargs["start_urls"] = ",".join(start_urls)
    if queries_file is not None:
        if not target.searchable:
            raise UnknownCrawlTarget(f"{name!r} has no search_url: it cannot be crawled by queries")
        kwargs["queries_file"] = str(queries_file)
        kwargs.update({k: v for k, v in (("budget", budget), ("recency_hours", recency_hours)) if v is not None})
    error: str | None = None
    try:
        process.crawl(crawler, **kwargs)
        process.start()
    except Exception as exc:  # recorded on the run, then re-raised for the exit code
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        if error is None and stats.get("markwatch/index/refused"):
            error = str(stats["markwatch/index/refused"])
        if error is None and reason not in ("finished", "closespider_itemcount", "closespider_pagecount",
                                            "closespider_timeout"):
            error = f"crawl ended with {reason!r}"
        counts = summarise(stats)
        # spooled listings are not in the index yet: the run is degraded, never green
        status = "failed" if error else "degraded" if counts["spooled"] else "succeeded"
        with transaction(engine) as session:
            finish_crawl_run(run_id, session=session, status=status, error=error, **counts)
        engine.dispose()
    return run_id


def replay(settings: Settings | None = None) -> int:
    """Index every spooled listing now; returns the number indexed."""
    from crawlers.spool import Spool
    from shared_db.es.client import make_client, require_available
    from shared_db.es.listings import ListingsIndex

    settings = settings or get_settings()
    client = make_client(settings)
    require_available(client)
    index = ListingsIndex(client, settings)
    index.ensure()
    indexed = Spool(settings.resolved_spool_dir).replay(index)
    index.refresh()
    return indexed
