"""``markwatch demo``: the whole pipeline on embedded defaults, then the review UI."""

from __future__ import annotations

import json
import os
import time

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from markwatch.cli.common import EXIT_FAILURE, clear_errors, console, fail


def demo(
    host: str = typer.Option("127.0.0.1", help="Address of the review UI."),
    port: int = typer.Option(8000, help="Port of the review UI."),
    market_port: int = typer.Option(8800, help="Port of the demo marketplace."),
    size: int = typer.Option(1500, help="Product listings in the demo marketplace."),
    seed: int = typer.Option(7, help="Seed of the generated marketplace (same seed, same listings)."),
    reset_passwords: bool = typer.Option(False, "--reset-passwords",
                                         help="Give existing demo users new passwords (printed once)."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the review UI when the pipeline is done."),
) -> None:
    """Run the demo: Elasticsearch, database, rights, marketplace, crawl, detection, classifier, review UI."""
    from markwatch import demo as steps
    from markwatch.demo_market.server import DemoMarket
    from markwatch.embedded_es import EmbeddedElasticsearch
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex
    from shared_db.migrate import upgrade
    from shared_db.secret_key import session_secret
    from shared_db.settings import get_settings, reset_settings

    # the demo marketplace's origin only: Elasticsearch and the review UI share its loopback
    os.environ.setdefault("MARKWATCH_ALLOWED_PRIVATE_HOSTS",
                          json.dumps([f"127.0.0.1:{market_port}", f"localhost:{market_port}"]))
    reset_settings()
    started_at = time.monotonic()
    es_server = None
    with clear_errors():
        settings = get_settings()
        session_secret(settings)  # creates the data dir's session key, or refuses an unsafe one, before the long steps
        if settings.embedded_es:
            es_server = EmbeddedElasticsearch(settings)
            was_running = es_server.status().running
            with console.status("starting the embedded Elasticsearch…"):
                status = es_server.start()
            console.print(f"[green]✓[/] Elasticsearch {status.url} ({status.health})")
            if was_running:
                es_server = None  # started by someone else: leave it running on exit
        ListingsIndex(make_client(settings), settings).ensure()
        engine = steps.engine_for(settings)
        upgrade(engine)
        console.print(f"[green]✓[/] database {engine.url.render_as_string(hide_password=True)} migrated")
        demo_dir = settings.data_dir / "demo"
        report = steps.load_marks(demo_dir / "marks.csv", engine=engine)
        console.print(f"[green]✓[/] rights database: {report.imported} marks imported, "
                      f"{report.updated} updated, {report.unchanged} unchanged, {len(report.rejected)} rejected")
        photos = steps.load_reference_images(engine=engine, settings=settings)
        console.print(f"[green]✓[/] reference product photos: {photos} added")
        passwords = steps.ensure_users(steps.demo_users(steps.demo_owner_names()), engine=engine,
                                       reset_passwords=reset_passwords)
        market = DemoMarket("127.0.0.1", market_port, seed=seed, size=size)
        try:
            market.start()
        except OSError as exc:
            raise fail(f"cannot start the demo marketplace on port {market_port}: {exc}; "
                       "pass --market-port with a free port") from exc
        try:
            ground_truth = market.write_ground_truth(demo_dir / "ground_truth.jsonl")
            console.print(f"[green]✓[/] demo marketplace {market.base_url} "
                          f"({len(market.catalogue.products)} product pages)")
            crawls = _crawl(steps, market, settings)
            _detect_and_train(steps, settings, engine, ground_truth)
            with console.status("screenshots of the hits' pages…"):
                shots = steps.screenshot_hits(settings=settings, engine=engine)
            mark = "[yellow]![/]" if shots["failed"] else "[green]✓[/]"
            console.print(f"{mark} screenshots: {shots['captured']} "
                          f"of {shots['urls']} pages stored, {shots['failed']} failed (reasons on the hit pages)")
            outcome = steps.hits_against_ground_truth(ground_truth, engine=engine)
            pages = sum(summary.pages for summary in crawls)
            console.print(
                f"[green]✓[/] hits: {outcome['infringing_hit']} of {outcome['infringing']} injected "
                f"infringements, {outcome['genuine_hit']} of {outcome['genuine']} genuine listings, from "
                f"{pages} pages fetched by watch queries of a {len(market.catalogue.products)}-listing catalogue "
                f"(pipeline took {time.monotonic() - started_at:.0f} s)", highlight=False)
            _reports(steps, market, settings, engine)
            _enforce(steps, market, settings, engine, ground_truth, demo_dir)
            _print_users(passwords)
            if serve:
                from markwatch.cli.serve_cmd import serve as serve_ui

                worker = steps.ReportWorker(settings=settings, engine=engine, on_error=lambda exc: console.print(
                    f"[yellow]![/] processing reported URLs failed ({exc}); trying again in a few seconds")).start()
                try:
                    serve_ui(host=host, port=port, workers=1)
                finally:
                    worker.stop()
        except KeyboardInterrupt:
            console.print("stopping…")
        finally:
            market.stop()
            if es_server is not None:
                es_server.stop()
                console.print("embedded Elasticsearch stopped")


def _crawl(steps, market, settings) -> list:  # type: ignore[no-untyped-def]
    from crawlers.runner import CrawlFailed

    columns = (TextColumn("crawling by watch queries"), BarColumn(), TextColumn("{task.completed} listings"),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("crawl", total=None)  # a search-driven crawl fetches what the queries find
        try:
            summaries = steps.crawl_with_progress(market.base_url, len(market.catalogue.products), settings=settings,
                                                  on_progress=lambda n: progress.update(task, completed=n))
        except CrawlFailed as exc:
            raise fail(f"{exc}\n{exc.log_tail}", EXIT_FAILURE) from exc
    for summary in summaries:
        drops = ", ".join(f"{k}: {v}" for k, v in sorted(summary.drops.items())) or "none"
        console.print(f"[green]✓[/] crawl {summary.profile}: {summary.pages} pages, {summary.items} items, "
                      f"{summary.indexed} indexed, {summary.errors} errors, dropped: {drops}")
        note = steps.search_note(summary)
        if note:
            console.print(f"  {note}", highlight=False)
    return summaries


def _detect_and_train(steps, settings, engine, ground_truth) -> None:  # type: ignore[no-untyped-def]
    from detection.batch import run_detection
    from detection.classifier.training import NotEnoughLabels, train_from_decisions
    from markwatch.jobs.vocabulary import learn_vocabulary

    learned = learn_vocabulary(settings=settings, engine=engine)
    console.print(f"[green]✓[/] vocabulary: {learned.words} words used across brands in {learned.listings} listings")
    with console.status("detecting…"):
        first = run_detection(settings=settings, engine=engine, full=True)  # also the listings within the skew
    console.print(f"[green]✓[/] detection: {first.listings_scanned} listings scanned, "
                  f"{first.hits_created} new hits, {first.hits_updated} updated ({first.model_version})")
    with console.status("training the seed model from the marketplace's ground truth…"):
        try:
            trained = train_from_decisions(settings=settings, engine=engine, seed_ground_truth=ground_truth)
        except NotEnoughLabels as exc:
            console.print(f"[yellow]![/] seed model skipped: {exc}")
            return
    console.print(f"[green]✓[/] seed model {trained.sha256[:12]}: PR-AUC {trained.metrics.get('pr_auc', 0):.3f} "
                  f"on {trained.test_rows} held-out hits; {trained.reason}")
    with console.status("re-scoring with the model…"):
        rescored = run_detection(settings=settings, engine=engine, full=True)
    console.print(f"[green]✓[/] re-scored {rescored.hits_updated} open hits with {rescored.model_version}")


def _reports(steps, market, settings, engine) -> None:  # type: ignore[no-untyped-def]
    from markwatch.jobs.suspects import SuspectCrawlFailed

    added = steps.seed_reports(market, engine=engine)
    with console.status("processing reported URLs…"):
        try:
            done = steps.process_reports(settings=settings, engine=engine)
        except SuspectCrawlFailed as exc:
            console.print(f"[yellow]![/] reported URLs: {exc}")
            return
    console.print(f"[green]✓[/] reported URLs: {len(added)} reported by the demo; {len(done.hits)} became hits, "
                  f"{len(done.no_match)} no match, {len(done.failed)} fetch failed, {len(done.refused)} refused")


def _enforce(steps, market, settings, engine, ground_truth, demo_dir) -> None:  # type: ignore[no-untyped-def]
    reviewer = f"reviewer@{steps.DEMO_DOMAIN}"
    confirmed = steps.scripted_review(ground_truth, engine=engine, reviewer_email=reviewer)
    with console.status("notices, takedowns, re-checks, re-listings, seller networks…"):
        outcome = steps.enforce(market, settings=settings, engine=engine, out_dir=demo_dir / "notices",
                                reviewer_email=reviewer, confirmed=confirmed)
    console.print(f"[green]✓[/] scripted reviewer confirmed {outcome.confirmed} hits; {outcome.cases} notices "
                  f"(per rights holder × marketplace × mark), {outcome.delivered} delivered, written to "
                  f"{demo_dir / 'notices'}")
    found = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.outcomes.items())) or "nothing checked"
    console.print(f"[green]✓[/] re-check of the notified listings: {found}")
    for row in outcome.removal:
        hours = "—" if row.median_hours is None else f"{row.median_hours * 3600:.0f} s"
        console.print(f"[green]✓[/] {row.marketplace}: removal rate {row.rate:.0%} ({row.removed} of "
                      f"{row.notified}), median time to removal {hours} (dashboard: /dashboard)")
    if outcome.followups:
        console.print(f"[green]✓[/] follow-up notices for the listings still online: {len(outcome.followups)} cases, "
                      f"{sum(outcome.followups.values())} listings, delivered")
    for hit_id, kind, reason in outcome.relistings:
        what = "repeat infringer" if kind == "repeat_infringer" else "re-listing"
        console.print(f"[green]✓[/] {what} flagged, top of the queue: hit {hit_id} — {reason}", highlight=False)
    if outcome.network is not None:
        console.print(f"[green]✓[/] largest seller network: {len(outcome.network.sellers)} accounts "
                      f"({', '.join(outcome.network.sellers)})", highlight=False)


def _print_users(passwords: dict[str, str | None]) -> None:
    table = Table(title="demo users (passwords are shown once)")
    table.add_column("e-mail")
    table.add_column("password")
    for email, password in passwords.items():
        table.add_row(email, password or "(unchanged — rerun with --reset-passwords)")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command("demo")(demo)
