"""``markwatch cases``: notices for confirmed hits, re-checks of notified listings, seller networks."""

from __future__ import annotations

from pathlib import Path

import typer

from markwatch.cli.common import clear_errors, console

cases = typer.Typer(help="Enforcement: takedown notices, takedown outcomes, seller networks.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``cases`` to ``app``."""
    app.add_typer(cases, name="cases")


def _engine():  # type: ignore[no-untyped-def]
    from shared_db.db import get_engine
    from shared_db.settings import get_settings

    settings = get_settings()
    return settings, get_engine(settings.resolved_database_url)


@cases.command("notices")
def notices(
    out: Path = typer.Option(Path("notices"), "--out", help="Folder the text and PDF notices are written to."),
    send: bool = typer.Option(False, "--send", help="Deliver each notice to its marketplace's report endpoint."),
) -> None:
    """Open a case per rights holder × marketplace (× mark) over the confirmed hits in no case yet; write notices."""
    from markwatch.jobs.notices import generate_notices

    with clear_errors():
        settings, engine = _engine()
        report = generate_notices(settings=settings, engine=engine, out_dir=out, send=send)
    console.print(f"{len(report.cases)} cases opened, {len(report.delivered)} notices delivered, "
                  f"{len(report.failed)} failed; files in {out}", highlight=False)
    for case_id, error in report.failed.items():
        console.print(f"case {case_id}: {error}", highlight=False)


@cases.command("recheck")
def recheck(
    every: float | None = typer.Option(None, "--every-hours", min=0,
                                       help="Re-check listings not checked for this long (default: the setting)."),
) -> None:
    """Re-check the notified listings by URL and mark each removed, still online or changed (housekeeping does it daily)."""
    from datetime import timedelta

    from markwatch.jobs.recheck import recheck_listings

    with clear_errors():
        settings, engine = _engine()
        report = recheck_listings(settings=settings, engine=engine,
                                  interval=None if every is None else timedelta(hours=every))
    found = ", ".join(f"{k}: {v}" for k, v in sorted(report.outcomes.items())) or "nothing due"
    console.print(f"{report.checked} listings re-checked ({found}); {report.relistings} re-listings flagged",
                  highlight=False)


@cases.command("link-sellers")
def link_sellers_command() -> None:
    """Recompute the seller networks: sellers sharing photos, contact details, shop URLs or listings."""
    from markwatch.jobs.networks import link_sellers

    with clear_errors():
        settings, engine = _engine()
        count = link_sellers(settings=settings, engine=engine)
    console.print(f"{count} seller links stored", highlight=False)
