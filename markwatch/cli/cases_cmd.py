"""``markwatch cases``: notices for confirmed hits, a case's life after its notice (sent, answered, followed up,
closed, reopened), re-checks of notified listings, seller networks. Every change is audited (as no user)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from markwatch.cli.common import EXIT_USAGE, clear_errors, console, fail

cases = typer.Typer(help="Enforcement: takedown notices, a case's lifecycle, takedown outcomes, seller networks.",
                    no_args_is_help=True)


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
    console.print(f"{report.checked} listings re-checked ({found}); {report.relistings} re-listings or repeat "
                  "infringers flagged",
                  highlight=False)


@cases.command("link-sellers")
def link_sellers_command() -> None:
    """Recompute the seller networks: sellers sharing photos, contact details, shop URLs or listings."""
    from markwatch.jobs.networks import link_sellers

    with clear_errors():
        settings, engine = _engine()
        count = link_sellers(settings=settings, engine=engine)
    console.print(f"{count} seller links stored", highlight=False)


@contextmanager
def _case(case_id: int) -> Iterator[tuple[Any, Any, Any]]:
    """(settings, session, case) in a transaction; a refused action exits 1 with the reason, changing nothing."""
    from sqlalchemy.orm import Session

    from shared_db.repo.cases import CaseError, get_case

    with clear_errors():
        settings, engine = _engine()
        try:
            with Session(engine) as session, session.begin():
                case = get_case(case_id, session=session, org_id=None)
                if case is None:
                    raise fail(f"there is no case {case_id}; `markwatch cases list` shows them", EXIT_USAGE)
                yield settings, session, case
        except CaseError as exc:
            raise fail(str(exc)) from exc


def _row(case: Any) -> dict[str, Any]:
    return {"id": case.id, "rights_holder": case.organisation.name, "marketplace": case.marketplace,
            "mark": case.mark.text if case.mark else None, "status": case.status, "resolution": case.resolution,
            "listings": len(case.listings), "removed": sum(x.outcome == "removed" for x in case.listings),
            "notice_sent_at": case.notice_sent_at and case.notice_sent_at.isoformat(),
            "notice_sent_to": case.notice_sent_to, "followups": case.followups or 0}


@cases.command("list")
def list_command(
    org: str | None = typer.Option(None, "--org", help="Only this rights holder's cases (organisation name)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List enforcement cases, newest first, with their status and how many listings came down."""
    from rich.table import Table
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared_db.models import Organisation
    from shared_db.repo.cases import list_enforcement_cases

    with clear_errors():
        _, engine = _engine()
        with Session(engine) as session:
            org_id = None
            if org is not None:
                org_id = session.scalar(select(Organisation.id).where(Organisation.name == org))
                if org_id is None:
                    raise fail(f"no organisation named {org!r}", EXIT_USAGE)
            rows = [_row(c) for c in list_enforcement_cases(session=session, org_id=org_id)]
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table()
    for column in ("id", "rights holder", "marketplace", "mark", "status", "listings", "removed", "sent", "follow-ups"):
        table.add_column(column)
    for r in rows:
        status = f"{r['status']}: {r['resolution']}" if r["resolution"] else r["status"]
        table.add_row(str(r["id"]), r["rights_holder"], r["marketplace"], r["mark"] or "—", status, str(r["listings"]),
                      str(r["removed"]), r["notice_sent_at"] or "—", str(r["followups"]))
    console.print(table)


@cases.command("show")
def show(case_id: int = typer.Argument(..., help="The case's number.")) -> None:
    """A case as JSON: its notice, answer, resolution and each listing's outcome."""
    with _case(case_id) as (_, session, case):
        body = {**_row(case), "response": case.response, "response_note": case.response_note,
                "close_note": case.close_note, "network": case.network,
                "listings": [{"hit_id": x.hit_id, "url": x.hit.listing_url, "outcome": x.outcome, "checks": x.checks,
                              "checked_at": x.checked_at and x.checked_at.isoformat(),
                              "followup_at": x.followup_at and x.followup_at.isoformat()} for x in case.listings]}
    console.print_json(json.dumps(body))


@cases.command("sent")
def sent(case_id: int = typer.Argument(...),
         to: str = typer.Option(..., "--to", help="To whom the notice went (the marketplace's IP contact).")) -> None:
    """Record that the case's notice (as rendered now, hashed) was sent."""
    from datetime import UTC, datetime

    from review_ui.notices import build_notice, notice_sha256, render_text
    from shared_db.repo.cases import record_sent

    with _case(case_id) as (settings, session, case):
        text = render_text(build_notice(case, settings=settings, generated_at=datetime.now(UTC)))
        record_sent(case, session=session, sent_to=to, sent_by=None, notice_sha256=notice_sha256(text))
    console.print(f"case {case_id}: notice recorded as sent to {to}", highlight=False)


@cases.command("answer")
def answer(case_id: int = typer.Argument(...),
           response: str = typer.Option(..., "--response", help="accepted, partially_accepted, rejected or "
                                                                "more_information_requested"),
           note: str | None = typer.Option(None, "--note", help="The marketplace's words, a ticket number.")) -> None:
    """Record the marketplace's answer to the case's notice."""
    from shared_db.repo.cases import record_response

    with _case(case_id) as (_, session, case):
        record_response(case, session=session, response=response, note=note, by=None)
    console.print(f"case {case_id}: answer {response} recorded", highlight=False)


@cases.command("close")
def close(case_id: int = typer.Argument(...),
          resolution: str = typer.Option(..., "--resolution", help="removed, marketplace_refused or withdrawn"),
          note: str = typer.Option(..., "--note", help="Why the case is closed.")) -> None:
    """Close a case as resolved; its listings are re-checked no more."""
    from shared_db.repo.cases import close_case

    with _case(case_id) as (_, session, case):
        close_case(case, session=session, resolution=resolution, note=note, by=None)
    console.print(f"case {case_id}: closed ({resolution})", highlight=False)


@cases.command("reopen")
def reopen(case_id: int = typer.Argument(...),
           reason: str = typer.Option(..., "--reason", help="Why the case is reopened (audited).")) -> None:
    """Reopen a closed case; it goes back to where its notice stood."""
    from shared_db.repo.cases import reopen_case

    with _case(case_id) as (_, session, case):
        reopen_case(case, session=session, reason=reason, by=None)
        status = case.status
    console.print(f"case {case_id}: reopened ({status})", highlight=False)


@cases.command("renotify")
def renotify(
    case_id: int = typer.Argument(...),
    to: str | None = typer.Option(None, "--to", help="Record the follow-up as sent to this IP contact."),
    send: bool = typer.Option(False, "--send", help="Deliver the follow-up to the marketplace's report endpoint."),
    out: Path | None = typer.Option(None, "--out", help="Folder the follow-up's text and PDF are written to."),
) -> None:
    """A follow-up notice for the case's listings still online after the re-check, citing the first notice."""
    from markwatch.jobs.notices import DeliveryFailed, send_followup
    from shared_db.repo.cases import CaseError

    if not (to or send or out):
        raise fail("say what to do with the follow-up: --out DIR, --send, or --to ADDRESS once you sent it",
                   EXIT_USAGE)
    with clear_errors():
        settings, engine = _engine()
        try:
            report = send_followup(case_id, settings=settings, engine=engine, out_dir=out, sent_to=to, send=send)
        except (CaseError, DeliveryFailed) as exc:
            raise fail(str(exc)) from exc
    where = f"sent to {report.sent_to}" if report.sent_to else "not recorded as sent"
    console.print(f"case {case_id}: follow-up {report.reference} for {report.listings} listings still online, "
                  f"{where}" + (f"; files in {out}" if out else ""), highlight=False)
