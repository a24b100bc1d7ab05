"""``markwatch match`` (offline, files in and out), ``markwatch detect`` (over the listings index) and
``markwatch screenshots`` (screenshot evidence of the hits and reported URLs, after detection)."""

from __future__ import annotations

import gc
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from markwatch.cli.common import EXIT_PARTIAL, EXIT_USAGE, clear_errors, err_console, fail


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("match")(match)
    app.command("detect")(detect)
    app.command("screenshots")(screenshots)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True)


def match(
    marks: Path = typer.Option(..., "--marks", exists=True, dir_okay=False, readable=True,
                               help="Marks CSV in the import format (only the 'mark' column is required)."),
    listings: Path = typer.Option(..., "--listings", exists=True, dir_okay=False, readable=True,
                                  help="Listings as JSON lines with at least 'id' and 'title'."),
    out: Path | None = typer.Option(None, "--out", help="Write hits here (JSON lines) instead of stdout."),
    threshold: float = typer.Option(80.0, "--threshold", min=0, max=100, help="Minimum score (0-100)."),
    vocabulary: Path | None = typer.Option(
        None, "--vocabulary", exists=True, dir_okay=False, readable=True,
        help="Domain vocabulary (one word per line, as `markwatch vocabulary learn` writes): fuzzy matches "
             "on these words are not reported. Without it the vocabulary is learned from the listings file."),
    learn: bool = typer.Option(True, "--learn/--no-learn",
                               help="Without --vocabulary: learn the domain vocabulary from the listings themselves "
                                    "(words in titles of 3 brands or 8 listings); --no-learn uses English words only."),
) -> None:
    """Match listings against marks offline and print one JSON line per hit (no services needed).

    A line that cannot be used (not UTF-8, not JSON, no id or title, a title over 2,000 characters)
    is reported on stderr with its number and skipped; the exit status is then 3 (partial).
    """
    from detection.marks import MarkCsvError, read_marks_csv
    from detection.matcher import Matcher
    from detection.offline import (
        LineProblem,
        ListingsFileError,
        count_lines,
        learn_from_listings,
        match_listings,
        read_listings,
    )
    from detection.vocabulary import read_vocabulary

    try:
        specs = read_marks_csv(marks)
    except MarkCsvError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    # No collection for the whole run: building the matcher loads ~200,000 lists (pypinyin's phrases)
    # that the first collection would walk, and matching makes no reference cycles (see
    # matcher._collector_paused); what the matcher holds is frozen out of any later one.
    gc.disable()
    if vocabulary is not None or not learn:
        words = read_vocabulary(vocabulary)
    else:
        try:
            words = frozenset(learn_from_listings(listings))
        except ListingsFileError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
        err_console.print(f"vocabulary: {len(words):,} words learned from {listings} (no --vocabulary given)",
                          highlight=False, markup=False, soft_wrap=True)
    matcher = Matcher(specs, vocabulary=words)
    gc.freeze()

    skipped: list[LineProblem] = []

    def report(problem: LineProblem) -> None:
        if problem.skipped:
            skipped.append(problem)
        what = "skipped" if problem.skipped else "warning"
        err_console.print(f"{listings}: line {problem.line}: {problem.reason} ({what})", highlight=False,
                          markup=False, soft_wrap=True)

    handle = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        with _progress() as progress:
            task = progress.add_task("matching", total=count_lines(listings))
            summary = match_listings(matcher, read_listings(listings, report=report), handle,
                                     score_cutoff=threshold, report=report,
                                     progress=lambda n: progress.advance(task, n))
    except ListingsFileError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    finally:
        if out:
            handle.close()
    err_console.print(f"{summary.listings} listings, {len(specs)} marks: {summary.hits} hits in "
                      f"{summary.listings_with_hits} listings" + (f"; {len(skipped)} line{'s' * (len(skipped) > 1)} skipped" if skipped else ""),
                      highlight=False)
    if skipped:
        raise typer.Exit(EXIT_PARTIAL)


def detect(
    since: datetime | None = typer.Option(None, "--since", help="Scan listings indexed at or after this time "
                                          "(ISO 8601; default: the last successful run's watermark)."),
    full: bool = typer.Option(False, "--full", help="Scan every listing, ignoring the watermark."),
    slice_id: int | None = typer.Option(None, "--slice", help="Scan only this slice (with --slices)."),
    slices: int | None = typer.Option(None, "--slices", min=1, help="Split the listings into this many slices."),
    batch_size: int = typer.Option(500, "--batch-size", min=1, help="Listings matched and committed together: "
                                   "a killed run redoes at most one batch."),
    backfill: bool = typer.Option(False, "--backfill", help="Instead, check the marks queued since they were "
                                  "added or changed against every listing (safe to run on several hosts at once)."),
) -> None:
    """Detect hits in the listings index (listings added or changed since the last run) and upsert them."""
    from detection.batch import run_detection
    from shared_db.settings import get_settings

    if backfill:
        if full or since is not None or slice_id is not None or slices is not None:
            raise fail("--backfill checks queued marks against the whole index: it takes no --full, --since or "
                       "--slice/--slices", EXIT_USAGE)
        _backfill(batch_size)
        return
    if (slice_id is None) != (slices is None) or (slices and not 0 <= (slice_id or 0) < slices):
        raise fail("--slice and --slices go together, with 0 <= --slice < --slices", EXIT_USAGE)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with clear_errors(), _progress() as progress:
        task = progress.add_task("detecting", total=None)
        summary = run_detection(settings=get_settings(), since=since, full=full, slice_id=slice_id,
                                slices=slices, batch_size=batch_size, progress=lambda n: progress.advance(task, n))
    err_console.print(
        f"run {summary.run_id} {summary.status}: {summary.listings_scanned} listings scanned, "
        f"{summary.hits_created} hits created, {summary.hits_updated} updated, {summary.hits_kept} kept a "
        f"decision, watermark {summary.watermark.isoformat() if summary.watermark else '-'} "
        f"({summary.duration_seconds:.1f}s, scorer {summary.model_version})", highlight=False)


def _backfill(batch_size: int) -> None:
    from detection.backfill import run_backfills
    from shared_db.settings import get_settings

    with clear_errors(), _progress() as progress:
        task = progress.add_task("backfilling", total=None)
        summary = run_backfills(settings=get_settings(), batch_size=batch_size,
                                progress=lambda n: progress.advance(task, n))
    if not summary.marks and not summary.skipped:
        err_console.print("no backfill queued", highlight=False)
        return
    err_console.print(
        f"{len(summary.marks)} mark{'s' * (len(summary.marks) != 1)} checked against the whole index in "
        f"{summary.scans} scan{'s' * (summary.scans != 1)} ({summary.listings_scanned} listings): "
        f"{summary.hits_created} hits created, {summary.hits_updated} updated"
        + (f"; {len(summary.skipped)} no longer used for detection" if summary.skipped else "")
        + f" ({summary.duration_seconds:.1f}s)", highlight=False)


def screenshots(
    limit: int = typer.Option(500, "--limit", min=1, help="At most this many hits (and as many reports) per run."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Try again the URLs whose capture failed."),
) -> None:
    """Take a full-page screenshot of every hit at or above the threshold, and of every reported URL, that has none.

    Pages load in headless Chromium under the crawler's private-address and size rules; a failure is
    recorded on the hit (its reason is shown on the hit page) and the run goes on.
    """
    from markwatch.jobs.screenshots import capture_screenshots
    from shared_db.db import get_engine
    from shared_db.settings import get_settings

    settings = get_settings()
    with clear_errors():
        report = capture_screenshots(settings=settings, engine=get_engine(settings.resolved_database_url),
                                     limit=limit, retry_failed=retry_failed)
    err_console.print(f"{report['urls']} URLs ({report['hits']} hits, {report['reports']} reported): "
                      f"{report['captured']} screenshots stored, {report['failed']} failed", highlight=False)
    if report["failed"]:
        raise typer.Exit(EXIT_PARTIAL)
