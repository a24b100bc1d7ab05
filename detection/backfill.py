"""Backfills: queued marks checked against every listing already collected, and only those marks.

Adding or changing a mark queues it (:mod:`shared_db.repo.backfills`). A run claims a group of queued
marks, builds a matcher for them alone and scans the whole index once for the group; the rest of the
register only lends its words (a listing naming another registered mark is no misspelling of this one,
as in a full run). Hits are upserted, so a backfill run twice, or side by side with detection, writes
each (listing, mark) once and never touches a decision.

Why the whole index at one moment is enough: a listing indexed less than the skew before the scan may
not be visible yet, but the detection windows cover it later with a matcher built after the mark
changed (a window ends ``skew`` before its run starts). Watermarks are not moved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from detection.batch import DetectionSummary, add_image_reuse, batches, detect_batch
from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.normalise import normalise
from detection.scoring import load_scorer
from shared_db.db import make_engine, session_factory
from shared_db.es.client import make_client, require_available
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit
from shared_db.repo.backfills import (
    STALE_AFTER,
    claim_backfills,
    fail_backfills,
    finish_backfill,
    new_claim_token,
)
from shared_db.repo.marks import list_marks
from shared_db.repo.runs import finish_detection_run, start_detection_run
from shared_db.repo.vocabulary import current_vocabulary
from shared_db.settings import Settings

SLICE_PLAN = "backfill"  # detection_runs.slice_plan of backfill runs: no watermark is read or moved under it


@dataclass
class BackfillSummary:
    """What :func:`run_backfills` did: the marks checked, in how many scans, over how many listings."""

    marks: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # no longer used for detection when claimed
    scans: int = 0
    listings_scanned: int = 0
    hits_created: int = 0
    hits_updated: int = 0
    run_ids: list[int] = field(default_factory=list)
    duration_seconds: float = 0.0


def run_backfills(*, settings: Settings, engine: Engine | None = None, marks_per_scan: int = 200,
                  batch_size: int = 500, max_scans: int | None = None, stale_after: timedelta = STALE_AFTER,
                  progress: Callable[[int], None] | None = None) -> BackfillSummary:
    """Run queued backfills until the queue is empty (or ``max_scans`` scans): safe to run on many workers.

    Each scan claims up to ``marks_per_scan`` marks. Raises ``IndexUnavailable``/``IndexRefused`` as
    detection does; the claimed marks are then released as failed and the next run retries them.
    """
    engine = engine or make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    summary = BackfillSummary()
    began = time.monotonic()
    while max_scans is None or summary.scans < max_scans:
        token = new_claim_token()
        with sessions.begin() as session:
            claimed = claim_backfills(session=session, token=token, limit=marks_per_scan, stale_after=stale_after)
        if not claimed:
            break
        try:
            _scan(claimed, token, settings=settings, sessions=sessions, summary=summary, batch_size=batch_size,
                  progress=progress)
        except BaseException as exc:
            with sessions.begin() as session:
                fail_backfills(claimed, session=session, token=token, error=f"{type(exc).__name__}: {exc}")
            raise
    summary.duration_seconds = time.monotonic() - began
    return summary


def _scan(claimed: list[int], token: str, *, settings: Settings, sessions: Callable[[], Session],
          summary: BackfillSummary, batch_size: int, progress: Callable[[int], None] | None) -> None:
    """One pass over the whole index with a matcher for the claimed marks alone."""
    with sessions.begin() as session:
        register = list_marks(session=session, active_only=True)
        wanted = [mark for mark in register if mark.id in set(claimed)]
        gone = [mark_id for mark_id in claimed if mark_id not in {mark.id for mark in wanted}]
        for mark_id in gone:
            finish_backfill(mark_id, session=session, token=token, listings=None)
        summary.skipped += gone
        if not wanted:
            return
        registered = {word for mark in register for word in normalise(mark.text).split()}
        matcher = Matcher([MarkSpec.from_model(mark) for mark in wanted],
                          vocabulary=current_vocabulary(session=session)[1] | registered)
        scorer = load_scorer(session=session, settings=settings)
        run = start_detection_run(session=session, since=None, until=None, slice_plan=SLICE_PLAN)
        started = run.started_at
    ids = [mark.id for mark in wanted]
    part = DetectionSummary(run_id=run.id, status="running", since=None, watermark=None, slice_plan=SLICE_PLAN,
                            model_version=scorer.version)
    try:
        index = ListingsIndex(make_client(settings), settings)
        require_available(index.client)
        index.refresh()
        for batch in batches(index.iterate(), batch_size):
            add_image_reuse(batch, index)
            detect_batch(batch, matcher, scorer, sessions, part, settings.match_threshold)
            if progress is not None:
                progress(len(batch))
    except BaseException as exc:
        with sessions.begin() as session:
            finish_detection_run(run.id, session=session, status="failed", error=f"{type(exc).__name__}: {exc}",
                                 listings_scanned=part.listings_scanned, hits_created=part.hits_created,
                                 hits_updated=part.hits_updated, model_version=part.model_version)
        raise
    with sessions.begin() as session:
        found = dict(session.execute(select(Hit.mark_id, func.count()).where(
            Hit.mark_id.in_(ids), Hit.last_seen_at >= started).group_by(Hit.mark_id)).all())
        for mark_id in ids:
            finish_backfill(mark_id, session=session, token=token, listings=part.listings_scanned,
                            hits=found.get(mark_id, 0))
        finish_detection_run(run.id, session=session, status="succeeded", listings_scanned=part.listings_scanned,
                             hits_created=part.hits_created, hits_updated=part.hits_updated,
                             model_version=part.model_version)
    summary.marks += ids
    summary.scans += 1
    summary.run_ids.append(run.id)
    summary.listings_scanned += part.listings_scanned
    summary.hits_created += part.hits_created
    summary.hits_updated += part.hits_updated


def describe(summary: BackfillSummary) -> dict[str, Any]:
    """JSON values for a task's return value."""
    return {"marks": summary.marks, "skipped": summary.skipped, "scans": summary.scans,
            "listings_scanned": summary.listings_scanned, "hits_created": summary.hits_created,
            "hits_updated": summary.hits_updated, "run_ids": summary.run_ids,
            "duration_seconds": round(summary.duration_seconds, 3)}
