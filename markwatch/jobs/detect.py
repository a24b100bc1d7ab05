"""Detection as scheduled work: split the listings index into slices, detect each, re-prioritise.

Marks added or changed since they were last checked are backfilled: :func:`run_mark_backfills` checks
them alone against the whole index. Each slice scans from the watermark of its own slice plan (``k/n``) up to a ``until`` fixed when it
starts (see :mod:`detection.batch`): a slice that failed keeps its old watermark and rescans its
window next time, whatever its siblings did, and a slice run twice upserts the same hits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from markwatch.jobs.runtime import jsonable, parse_slices
from shared_db.settings import Settings


def plan_slices(slices: int | str, *, full: bool = False, since: datetime | None = None) -> list[dict[str, Any]]:
    """One job description per slice (JSON values), for mapped tasks or a loop in the CLI."""
    count = parse_slices(slices)
    return [{"slice_id": slice_id, "slices": count, "full": bool(full),
             "since": None if full or since is None else since.isoformat()} for slice_id in range(count)]


def plan_detection(*, slices: int | str, full: bool = False) -> list[dict[str, Any]]:
    """The slice jobs of one detection run; each reads its slice plan's own watermark when it starts."""
    return plan_slices(slices, full=full)


def detect_slice(*, settings: Settings, engine: Engine | None = None, slice_id: int, slices: int,
                 full: bool = False, since: str | datetime | None = None) -> dict[str, Any]:
    """Run detection over one slice of the index; hits are upserted, so a retry duplicates nothing.

    Without ``since`` (and without ``full``) detection starts at its own watermark.
    """
    from detection.batch import run_detection

    start = datetime.fromisoformat(since) if isinstance(since, str) else since
    summary = run_detection(settings=settings, engine=engine, since=start, full=full,
                            slice_id=slice_id if slices > 1 else None, slices=slices if slices > 1 else None)
    return jsonable(summary)


def reprioritise_queue(*, engine: Engine) -> dict[str, Any]:
    """Recompute the priority of every open hit after detection; returns how many changed."""
    from detection.batch import reprioritise

    with Session(engine) as session, session.begin():
        return {"reprioritised": reprioritise(session=session)}



def run_mark_backfills(*, settings: Settings, engine: Engine | None = None,
                       max_scans: int | None = None) -> dict[str, Any]:
    """Check every queued new or changed mark against the whole index (see :mod:`detection.backfill`).

    Safe on several workers at once: each claims its own marks. Returns what was done (JSON values).
    """
    from detection.backfill import describe, run_backfills

    return describe(run_backfills(settings=settings, engine=engine, max_scans=max_scans))
