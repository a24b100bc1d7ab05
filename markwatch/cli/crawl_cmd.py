"""``markwatch crawl`` (run a spider or profile; ``status``; ``replay``) and ``markwatch extract``."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from markwatch.cli.common import EXIT_FAILURE, EXIT_PARTIAL, EXIT_USAGE, clear_errors, console, fail


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("crawl")(crawl)
    app.command("extract")(extract)


def crawl(
    target: str = typer.Argument(..., help="A spider or site profile name (or a profile .toml path); "
                                 "`status` lists recent runs, `replay` indexes spooled listings."),
    start_url: list[str] = typer.Option(None, "--start-url", help="Start here instead of the profile's URLs."),
    limit: int = typer.Option(0, "--limit", help="With `status`: runs shown; else stop after N items (0 = all)."),
    set_: list[str] = typer.Option(None, "--set", "-s", help="Scrapy setting KEY=VALUE (JSON value or text)."),
    query: list[str] = typer.Option(None, "--query", "-q", help="With a search profile: search this text "
                                    "(repeatable) instead of the rights database's watch queries."),
    queries_file: Path = typer.Option(None, "--queries-file", help="With a search profile: a JSON list of "
                                      "queries (what the crawl DAG's batches pass)."),
    budget: int = typer.Option(None, "--budget", min=0, help="With a search profile: pages this run may fetch "
                               "(default: the profile's pages_per_run)."),
    recency_hours: float = typer.Option(None, "--recency-hours", min=0, help="With a search profile: listings "
                                        "fetched this recently are not fetched again (default: the profile's)."),
    catalogue: bool = typer.Option(False, "--catalogue", help="Walk the whole catalogue even if the profile "
                                   "has a search template."),
    run_id_file: Path = typer.Option(None, "--run-id-file", hidden=True),
) -> None:
    """Crawl a marketplace into Elasticsearch and record the run (`markwatch crawl status` shows runs).

    A profile with a search template is crawled by the watch queries of the rights database (each
    active mark, its aliases, transliterations and likeliest look-alikes), highest priority first,
    within its page budget; `--catalogue` walks the whole catalogue instead.
    """
    if target == "status":
        _status(limit or 20)
        return
    if target == "replay":
        from crawlers.run import replay

        with clear_errors():
            console.print(f"replayed {replay()} spooled listings")
        return
    from crawlers.profile import ProfileError
    from crawlers.run import CrawlDatabaseNotReady, UnknownCrawlTarget
    from crawlers.run import crawl as run_crawl
    from crawlers.runner import read_summary
    from crawlers.search import QueryFileError
    from shared_db.settings import get_settings

    overrides: dict[str, Any] = dict(_parse_setting(s) for s in set_ or [])
    if limit:
        overrides["CLOSESPIDER_ITEMCOUNT"] = limit
    settings = get_settings()
    try:
        with clear_errors(), tempfile.TemporaryDirectory(prefix="markwatch-queries-") as tmp:
            searched = _queries_file(target, query or [], queries_file, catalogue, settings, Path(tmp))
            run_id = run_crawl(target, start_urls=start_url or None, settings=settings, overrides=overrides,
                               run_id_file=run_id_file, queries_file=searched, budget=budget,
                               recency_hours=recency_hours)
    except (UnknownCrawlTarget, ProfileError, QueryFileError) as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except CrawlDatabaseNotReady as exc:
        raise fail(str(exc)) from exc
    summary = read_summary(run_id, settings)
    console.print(f"crawl run {summary.run_id} {summary.status}: {summary.pages} pages, {summary.items} items, "
                  f"{summary.indexed} indexed, {summary.spooled} spooled, {summary.errors} errors, "
                  f"drops {summary.drops}", highlight=False)
    if summary.status == "degraded":
        raise fail(f"{summary.spooled} listings were spooled because Elasticsearch was unavailable; the next crawl "
                   "or `markwatch crawl replay` indexes them", EXIT_PARTIAL)
    if summary.status != "succeeded":
        raise fail(summary.error or "crawl failed", EXIT_FAILURE)


def _queries_file(target: str, queries: list[str], given: Path | None, catalogue: bool, settings: Any,
                  tmp: Path) -> Path | None:
    """The queries a search profile is crawled by (None: walk the catalogue), checked before the crawl starts."""
    from crawlers.profile import load_profile
    from crawlers.run import resolve_target
    from crawlers.search import SearchQuery, read_queries, write_queries

    if catalogue and (queries or given):
        raise fail("--catalogue walks the whole catalogue: give no --query or --queries-file with it", EXIT_USAGE)
    resolved = resolve_target(target)
    if not resolved.searchable:
        if queries or given:
            raise fail(f"{target!r} has no search_url: it cannot be crawled by queries", EXIT_USAGE)
        return None
    if catalogue:
        return None
    if given is not None:
        read_queries(given)  # refused here, with its entry named, rather than inside the crawl
        return given
    if queries:
        return write_queries([SearchQuery(text=q) for q in queries], tmp / "queries.json")
    from markwatch.jobs.watch_queries import load_watch_queries
    from shared_db.db import make_engine, transaction

    lookalikes = load_profile(resolved.spider_kwargs["profile"]).search.lookalikes  # type: ignore[union-attr]
    engine = make_engine(settings.resolved_database_url)
    try:
        with transaction(engine) as session:
            watch = load_watch_queries(session=session, lookalikes=lookalikes)
    finally:
        engine.dispose()
    return write_queries(watch, tmp / "queries.json")


def _parse_setting(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise fail(f"--set expects KEY=VALUE, got {text!r}", EXIT_USAGE)
    try:
        return key.strip(), json.loads(value)
    except json.JSONDecodeError:
        return key.strip(), value


def _status(limit: int) -> None:
    from rich.table import Table

    from shared_db.db import make_engine, transaction
    from shared_db.repo.runs import recent_crawl_runs
    from shared_db.settings import get_settings

    engine = make_engine(get_settings().resolved_database_url)
    table = Table("run", "profile", "status", "started", "finished", "pages", "items", "indexed", "spooled",
                  "errors", "drops")
    with transaction(engine) as session:
        for run in recent_crawl_runs(session=session, limit=limit):
            table.add_row(str(run.id), run.profile, run.status, f"{run.started_at:%Y-%m-%d %H:%M:%S}",
                          f"{run.finished_at:%H:%M:%S}" if run.finished_at else "-", str(run.pages),
                          str(run.items), str(run.indexed), str(run.spooled), str(run.errors),
                          ", ".join(f"{k}={v}" for k, v in (run.drops or {}).items()) or "-")
    engine.dispose()
    console.print(table)


def extract(
    sources: list[str] = typer.Argument(..., help="HTML files (.html or .html.gz) or http(s) URLs."),
    raw: bool = typer.Option(False, "--raw", help="Print the fields as extracted, before normalisation."),
) -> None:
    """Print one JSON object per page with the listing fields (to debug a profile or a shop's markup).

    A source that is not an HTML page (an image, an archive, binary data, past the size limit) or cannot be
    read is reported on stderr by name and the other sources are still extracted; the exit code is then 3
    (1 when no source could be read)."""
    from crawlers.extract import extract_listing
    from crawlers.normalise import normalise_listing
    from crawlers.page_input import page_bytes
    from shared_db.settings import get_settings

    max_bytes = get_settings().crawl_max_response_bytes
    failed = 0
    for source in sources:
        try:
            body, url, content_type = _load(source, max_bytes)
            listing = extract_listing(page_bytes(body, source, max_bytes=max_bytes), url, content_type=content_type)
        except (OSError, ValueError, RecursionError) as exc:
            failed += 1
            typer.echo(json.dumps({"source": source, "error": str(exc) or repr(exc)}, ensure_ascii=False), err=True)
            continue
        if not raw:
            listing = normalise_listing(listing)
        typer.echo(json.dumps({"source": source, **listing}, ensure_ascii=False, default=str))
    if failed:
        raise typer.Exit(EXIT_FAILURE if failed == len(sources) else EXIT_PARTIAL)


def _load(source: str, max_bytes: int) -> tuple[bytes, str, str | None]:
    """(body, base URL, content type) of a local file (read up to the size limit; gzip is unpacked by
    :func:`crawlers.page_input.page_bytes`) or a URL fetched with the crawler's safety rules."""
    if source.startswith(("http://", "https://")):
        return _fetch(source)
    from crawlers.page_input import UnusablePage

    path = Path(source)
    if path.stat().st_size > max_bytes:
        raise UnusablePage(f"{source}: {path.stat().st_size} bytes is more than the page limit of {max_bytes} bytes "
                           "(MARKWATCH_CRAWL_MAX_RESPONSE_BYTES); save the product page alone")
    return path.read_bytes(), path.resolve().as_uri(), None


def _fetch(url: str) -> tuple[bytes, str, str | None]:
    import httpx

    from crawlers.safety import blocked_reason
    from shared_db.settings import get_settings

    settings = get_settings()
    headers = {"User-Agent": settings.user_agent}
    with httpx.Client(timeout=settings.crawl_timeout_seconds, headers=headers) as client:
        for _ in range(6):
            reason = blocked_reason(url, settings.allowed_private_hosts)
            if reason:
                raise ValueError(f"refused {url}: {reason}")
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > settings.crawl_max_response_bytes:
                        raise ValueError(f"{url} is larger than {settings.crawl_max_response_bytes} bytes")
                    chunks.append(chunk)
                if response.status_code >= 400:
                    raise ValueError(f"{url} answered HTTP {response.status_code}")
                return b"".join(chunks), str(response.url), response.headers.get("content-type")
    raise ValueError(f"too many redirects from {url}")
