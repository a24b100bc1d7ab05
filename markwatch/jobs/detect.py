"""Detection as scheduled work: split the listings index into slices, detect each, re-prioritise.

Every slice of one scheduled run scans from the same ``since``, computed once by :func:`plan_since`:
the detection watermark, moved back by an overlap (listings indexed while a run was under way are
scanned again rather than missed; hits are upserted, so a rescan duplicates nothing), and moved
further back to the start of any failed run no later run has covered (a slice that failed for good
is rescanned by the next run instead of being skipped by its siblings' watermark).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from markwatch.jobs.runtime import jsonable, parse_slices
from shared_db.models import DetectionRun
from shared_db.settings import Settings

DEFAULT_OVERLAP = timedelta(minutes=30)
_RECENT_RUNS = 500


def plan_since(*, session: Session, overlap: timedelta = DEFAULT_OVERLAP) -> datetime | None:
    """Where the next scheduled detection starts (``None``: scan every listing)."""
    from shared_db.repo.runs import last_watermark

    watermark = last_watermark(session=session)
    if watermark is None:
        return None
    runs = session.execute(
        select(DetectionRun.status, DetectionRun.since, DetectionRun.started_at, DetectionRun.finished_at)
        .order_by(DetectionRun.started_at.desc(), DetectionRun.id.desc()).limit(_RECENT_RUNS)
    ).all()
    start = watermark - overlap
    for failed in (r for r in runs if r.status == "failed" and r.since is not None):
        failed_since, failed_end = _aware(failed.since), _aware(failed.finished_at or failed.started_at)
        covered = any(
            r.status == "succeeded" and _aware(r.started_at) >= failed_end
            and (r.since is None or _aware(r.since) <= failed_since)
            for r in runs
        )
        if not covered:
            start = min(start, failed_since)
    return start


def plan_slices(slices: int | str, *, full: bool = False, since: datetime | None = None) -> list[dict[str, Any]]:
    """One job description per slice (JSON values), for mapped tasks or a loop in the CLI."""
    count = parse_slices(slices)
    return [{"slice_id": slice_id, "slices": count, "full": bool(full),
             "since": None if full or since is None else since.isoformat()} for slice_id in range(count)]


def plan_detection(*, engine: Engine, slices: int | str, full: bool = False,
                   overlap: timedelta = DEFAULT_OVERLAP) -> list[dict[str, Any]]:
    """The slice jobs of one detection run, all starting from the same :func:`plan_since`."""
    if full:
        return plan_slices(slices, full=True)
    with Session(engine) as session:
        since = plan_since(session=session, overlap=overlap)
    # No watermark yet: every slice scans everything. (A slice given no start would take the
    # watermark a sibling slice just set, and skip its own listings.)
    return plan_slices(slices, full=since is None, since=since)


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


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; markwatch stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
