"""Crawl runs and detection runs (with the detection watermark)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import CrawlRun, DetectionRun, utcnow


def start_crawl_run(profile: str, *, session: Session) -> CrawlRun:
    run = CrawlRun(profile=profile, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_crawl_run(run_id: int, *, session: Session, status: str, **counts: Any) -> CrawlRun:
    """Close a crawl run with its status and counts (pages, items, indexed, spooled, errors, drops, stats, error)."""
    run = session.get_one(CrawlRun, run_id)
    run.status = status
    run.finished_at = utcnow()
    for key, value in counts.items():
        setattr(run, key, value)
    session.flush()
    return run


def recent_crawl_runs(*, session: Session, limit: int = 20, profile: str | None = None) -> list[CrawlRun]:
    query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    if profile:
        query = query.where(CrawlRun.profile == profile)
    return list(session.scalars(query))


def start_detection_run(*, session: Session, since: datetime | None, until: datetime | None = None,
                        slice_plan: str = "all") -> DetectionRun:
    """Record a detection run over ``[since, until)`` of one slice plan (``all`` or ``k/n``)."""
    run = DetectionRun(status="running", since=since, until=until, slice_plan=slice_plan, started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_detection_run(run_id: int, *, session: Session, status: str, **counts: Any) -> DetectionRun:
    """Close a detection run; only a ``succeeded`` run's ``watermark`` is used by the next run."""
    run = session.get_one(DetectionRun, run_id)
    run.status = status
    run.finished_at = utcnow()
    run.duration_seconds = (run.finished_at - _aware(run.started_at)).total_seconds()
    for key, value in counts.items():
        setattr(run, key, value)
    session.flush()
    return run


def last_watermark(*, session: Session, slice_plan: str = "all") -> datetime | None:
    """The newest watermark of a successful run of this slice plan (failed runs never advance it)."""
    value = session.scalar(
        select(DetectionRun.watermark)
        .where(DetectionRun.status == "succeeded", DetectionRun.watermark.is_not(None),
               DetectionRun.slice_plan == slice_plan)
        .order_by(DetectionRun.watermark.desc()).limit(1)
    )
    return _aware(value) if value is not None else None


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every timestamp markwatch stores is UTC."""

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
