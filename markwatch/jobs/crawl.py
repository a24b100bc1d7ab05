"""Crawls as scheduled work: which site profiles are enabled, and one crawl per profile or query batch.

A profile with a search template is crawled by the rights database's watch queries
(:mod:`markwatch.jobs.watch_queries`): :func:`search_batches` splits them, highest priority first,
into batches of the profile's ``batch_size`` and shares the marketplace's page budget between the
batches (in proportion to their queries, the rounding to the first), so the mapped crawl tasks
together never fetch more than the budget.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from crawlers.profile import SearchSettings
from crawlers.search import SearchQuery
from markwatch.jobs.runtime import jsonable
from shared_db.settings import Settings


class ProfileError(ValueError):
    """A site profile file cannot be read; the message names the file."""


@dataclass(frozen=True)
class ProfileRef:
    """An enabled site profile: the name ``markwatch crawl`` takes (the file name) and its file."""

    name: str
    path: str


def profiles_dir() -> Path:
    """The directory of the site profiles shipped with the ``crawlers`` package."""
    return Path(str(resources.files("crawlers") / "profiles"))


def enabled_profiles(directory: Path | None = None) -> list[ProfileRef]:
    """The site profiles to crawl on schedule, sorted by name.

    A profile is ``<name>.toml`` and is crawled as ``markwatch crawl <name>``; it is left out when it
    sets ``enabled = false``.
    """
    directory = directory or profiles_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ProfileError(f"cannot read site profile {path}: {exc}; fix or remove the file") from exc
        if data.get("enabled", True) is False:
            continue
        found.append(ProfileRef(name=path.stem, path=str(path)))
    return found


def enabled_profile_names(directory: Path | None = None) -> list[str]:
    """Names of the enabled site profiles (what the crawl DAG maps over by default)."""
    return [ref.name for ref in enabled_profiles(directory)]


def crawl_targets(targets: list[str] | None = None, *, start_urls: dict[str, list[str]] | None = None,
                  directory: Path | None = None) -> list[dict[str, Any]]:
    """One crawl job per target (default: the enabled profiles), with optional start-URL overrides.

    ``targets`` may name spiders as well as profiles (anything ``markwatch crawl`` accepts);
    ``start_urls`` maps a target to the URLs that replace its own (a mirror, a staging host).
    """
    names = list(dict.fromkeys(targets)) if targets is not None else enabled_profile_names(directory)
    overrides = start_urls or {}
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ProfileError(f"start URLs given for {unknown}, which are not crawled in this run ({names})")
    return [{"name": name, "start_urls": list(overrides[name]) if name in overrides else None} for name in names]


def search_batches(target: dict[str, Any], queries: list[SearchQuery], search: SearchSettings) -> list[dict[str, Any]]:
    """``target`` as one crawl job per batch of ``queries`` with its share of the budget ``search.pages_per_run``;
    batches whose share is 0 pages are left out."""
    from crawlers.search import ordered, split_budget

    ranked = ordered(queries)
    chunks = [ranked[i:i + search.batch_size] for i in range(0, len(ranked), search.batch_size)]
    shares = split_budget(search.pages_per_run, [len(chunk) for chunk in chunks])
    return [{**target, "batch": number, "batches": len(chunks), "budget": share,
             "queries": [q.as_dict() for q in chunk]}
            for number, (chunk, share) in enumerate(zip(chunks, shares, strict=True)) if share > 0]


def expand_search_targets(targets: list[dict[str, Any]], *, settings: Settings) -> list[dict[str, Any]]:
    """Every target, search profiles split into query batches over the database's watch queries."""
    from crawlers.profile import find_profile, load_profile
    from markwatch.jobs.watch_queries import load_watch_queries
    from shared_db.db import get_engine, transaction

    expanded = []
    for target in targets:
        search = load_profile(target["name"]).search if find_profile(target["name"]) else None
        if search is None:
            expanded.append(target)
            continue
        with transaction(get_engine(settings.resolved_database_url)) as session:
            queries = load_watch_queries(session=session, lookalikes=search.lookalikes)
        expanded.extend(search_batches(target, queries, search))
    return expanded


def crawl_profile(name: str, *, settings: Settings, start_urls: list[str] | None = None,
                  timeout: float | None = None, queries: list[dict[str, Any]] | None = None,
                  budget: int | None = None) -> dict[str, Any]:
    """Crawl one profile (or spider) in a subprocess; the run is recorded, failures raise with the log tail.

    ``queries`` (a batch from :func:`search_batches`) drive a search profile within ``budget`` pages.

    Raises :class:`crawlers.runner.CrawlDegraded` after a crawl that had to spool listings, so its
    Airflow task fails (a retry replays the spool first) instead of looking green.
    """
    from crawlers.runner import CrawlDegraded, CrawlFailed, run_crawl
    from crawlers.search import parse_queries

    searched = parse_queries(queries, source=f"queries of {name}") if queries is not None else None
    try:
        summary = run_crawl(name, start_urls=start_urls or None, settings=settings, timeout=timeout,
                            queries=searched, budget=budget)
    except CrawlFailed as exc:
        if exc.run_id is not None:
            close_abandoned_run(exc.run_id, settings=settings, error=str(exc))
        raise
    if summary.status == "degraded":
        raise CrawlDegraded(f"crawl run {summary.run_id} of {name!r} spooled {summary.spooled} of {summary.items} "
                            "listings: Elasticsearch was unavailable; the next crawl or `markwatch crawl replay` "
                            "indexes them")
    return jsonable(summary)


def close_abandoned_run(run_id: int, *, settings: Settings, error: str) -> bool:
    """Mark a crawl run failed if its process died (killed after a timeout) before closing it itself."""
    from sqlalchemy import update

    from shared_db.db import get_engine
    from shared_db.models import CrawlRun, utcnow

    with get_engine(settings.resolved_database_url).begin() as conn:
        changed = conn.execute(
            update(CrawlRun).where(CrawlRun.id == run_id, CrawlRun.status == "running")
            .values(status="failed", finished_at=utcnow(), error=error[-4000:])
        )
    return changed.rowcount == 1


def indexed_count(summary: dict[str, Any]) -> int:
    """How many listings a crawl summary says were indexed (0 when it does not say)."""
    value = summary.get("indexed", 0)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
