"""Mark backfills: a new or changed mark is checked once against every listing already collected.

The queue is the ``mark_backfills`` table, one row per mark. Adding or changing a mark queues it (in
the caller's transaction, so a rolled-back change queues nothing); :func:`claim_backfills` takes rows
with one conditional UPDATE each, so two runners never take the same mark (SQLite serialises writers,
PostgreSQL re-checks the WHERE on the locked row); a claim left by a killed runner is taken over once
it is ``stale_after`` old. A change while a backfill runs bumps ``requested``, and the run's end then
queues the mark again instead of marking it done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared_db.models import BackfillStatus, MarkBackfill, utcnow

PENDING = (BackfillStatus.QUEUED.value, BackfillStatus.RUNNING.value, BackfillStatus.FAILED.value)
STALE_AFTER = timedelta(hours=1)


def queue_backfill(mark_id: int, *, session: Session) -> None:
    """Queue a check of mark ``mark_id`` against the whole index (idempotent: one row per mark)."""
    table = MarkBackfill.__table__
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    now = utcnow()
    running = table.c.status == BackfillStatus.RUNNING.value
    session.execute(
        insert.values(mark_id=mark_id, status=BackfillStatus.QUEUED.value, requested=1, requested_at=now)
        .on_conflict_do_update(index_elements=["mark_id"], set_={
            "requested": table.c.requested + 1, "requested_at": now,
            "status": case((running, table.c.status), else_=BackfillStatus.QUEUED.value)}))


def new_claim_token() -> str:
    return uuid.uuid4().hex


def _claimable(now: datetime, stale_after: timedelta):  # type: ignore[no-untyped-def]
    return or_(MarkBackfill.status.in_((BackfillStatus.QUEUED.value, BackfillStatus.FAILED.value)),
               and_(MarkBackfill.status == BackfillStatus.RUNNING.value, MarkBackfill.claimed_at < now - stale_after))


def claim_backfills(*, session: Session, token: str, limit: int = 200,
                    stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Claim up to ``limit`` queued (or failed, or stale) backfills, oldest request first; their mark ids.

    Commit right after, so other runners see the claims.
    """
    now = utcnow()
    waiting = session.scalars(select(MarkBackfill.mark_id).where(_claimable(now, stale_after))
                              .order_by(MarkBackfill.requested_at, MarkBackfill.mark_id).limit(limit)).all()
    claimed = []
    for mark_id in waiting:
        taken = session.execute(
            update(MarkBackfill).where(MarkBackfill.mark_id == mark_id, _claimable(now, stale_after))
            .values(status=BackfillStatus.RUNNING.value, claim_token=token, claimed_at=now,
                    claimed_request=MarkBackfill.requested)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            claimed.append(mark_id)
    return claimed


def finish_backfill(mark_id: int, *, session: Session, token: str, listings: int | None,
                    hits: int | None = None) -> bool:
    """Close a claimed backfill: done, or queued again if the mark changed meanwhile.

    ``listings`` None (the mark is no longer used for detection) closes it without a new check time.
    False when the claim was lost (taken over as stale): nothing is written then.
    """
    changed = MarkBackfill.requested > MarkBackfill.claimed_request
    values: dict[str, object] = {
        "status": case((changed, BackfillStatus.QUEUED.value), else_=BackfillStatus.DONE.value),
        "claim_token": None, "error": None}
    if listings is not None:
        values |= {"checked_at": utcnow(), "listings_checked": listings, "hits_found": hits}
    done = session.execute(update(MarkBackfill).where(MarkBackfill.mark_id == mark_id,
                                                      MarkBackfill.claim_token == token)
                           .values(**values).execution_options(synchronize_session=False))
    return done.rowcount == 1


def waiting_requests(*, session: Session) -> dict[int, int]:
    """``{mark_id: requested}`` of the backfills waiting to run: read it *before* the marks a full run uses."""
    waiting = (BackfillStatus.QUEUED.value, BackfillStatus.FAILED.value)
    return dict(session.execute(select(MarkBackfill.mark_id, MarkBackfill.requested)
                                .where(MarkBackfill.status.in_(waiting))).tuples().all())


def close_covered_backfills(requests: dict[int, int], *, session: Session, listings: int) -> int:
    """A full detection run checked these marks against every listing: close their waiting backfills.

    ``requests`` is :func:`waiting_requests` read before the run loaded the marks; a backfill requested
    again since (the mark changed while the run read it), or claimed by a runner meanwhile, stays.
    """
    closed = 0
    for mark_id, requested in requests.items():
        closed += session.execute(
            update(MarkBackfill).where(
                MarkBackfill.mark_id == mark_id, MarkBackfill.requested == requested,
                MarkBackfill.status.in_((BackfillStatus.QUEUED.value, BackfillStatus.FAILED.value)))
            .values(status=BackfillStatus.DONE.value, checked_at=utcnow(), listings_checked=listings,
                    hits_found=None, error=None)
            .execution_options(synchronize_session=False)).rowcount
    return closed


def fail_backfills(mark_ids: Iterable[int], *, session: Session, token: str, error: str) -> None:
    """Release claimed backfills as failed (the next run retries them), with the error shown on the mark."""
    session.execute(update(MarkBackfill).where(MarkBackfill.mark_id.in_(list(mark_ids)),
                                               MarkBackfill.claim_token == token)
                    .values(status=BackfillStatus.FAILED.value, claim_token=None, error=error[:2000])
                    .execution_options(synchronize_session=False))


def backfill_state(mark_id: int, *, session: Session) -> MarkBackfill | None:
    """The mark's backfill row (None: never queued)."""
    return session.get(MarkBackfill, mark_id)


def pending_backfills(*, session: Session) -> int:
    """How many marks wait for (or are in) a backfill."""
    return len(session.scalars(select(MarkBackfill.mark_id).where(MarkBackfill.status.in_(PENDING))).all())
