"""Hits: upserted by detection, decided by reviewers. Human decisions are never overwritten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared_db.bounds import column_length, fit_code, fit_key, fit_text
from shared_db.models import REOPENED, Decision, Hit, HitStatus, Verdict, utcnow
from shared_db.repo import audit

#: Added to a re-listing's priority (detection.staydown), so it tops the queue: above any probability × weight (≤ 10).
RELISTING_BOOST = 100.0
#: Added to a repeat infringer's (the seller of a removed listing, another item): above the queue, below re-listings.
REPEAT_INFRINGER_BOOST = 50.0


def staydown_boost(kind: str | None) -> float:
    """The priority a staydown flag of ``kind`` adds (see :data:`RELISTING_BOOST`)."""
    return REPEAT_INFRINGER_BOOST if kind == "repeat_infringer" else RELISTING_BOOST


def staydown_boost_sql(table: Any) -> Any:
    """:func:`staydown_boost` as an SQL expression over ``table``'s columns (hits or Hit), 0 for unflagged hits."""
    return case((table.relisting_of_case_id.is_(None), 0.0),
                (table.relisting_kind == "repeat_infringer", REPEAT_INFRINGER_BOOST), else_=RELISTING_BOOST)
UpsertOutcome = Literal["created", "updated", "kept_decision"]


class HitConflict(RuntimeError):
    """The hit changed since the reviewer loaded it (another decision won); reload and retry."""


class HitNotFound(LookupError):
    """No hit with that id (or not visible to this user)."""


class UndoRefused(RuntimeError):
    """The decision cannot be undone: not the user's, already undone, too old, or the hit changed since."""


class ReopenRefused(ValueError):
    """The hit cannot be reopened: it is not decided, or no reason was given."""


@dataclass
class HitCandidate:
    """What detection found for one (listing, mark) pair, with the classifier's assessment."""

    listing_id: str
    mark_id: int
    marketplace: str
    listing_title: str
    score: float
    kind: str
    reasons: list[str] = field(default_factory=list)
    listing_url: str | None = None
    seller_id: str | None = None
    seller_name: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    evidence_sha256: str | None = None
    matched_text: str | None = None
    span_start: int | None = None
    span_end: int | None = None
    probability: float | None = None
    priority: float = 0.0
    model_version: str | None = None
    explanations: list[str] = field(default_factory=list)
    features: dict[str, Any] = field(default_factory=dict)


def _insert(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Hit.__table__)


_FIELDS = tuple(field.name for field in fields(HitCandidate))
_KEYS = ("listing_id", "marketplace", "seller_id")
_TEXTS = ("seller_name", "matched_text", "kind")
_CODES = ("currency", "evidence_sha256", "model_version")


def bounded_values(candidate: HitCandidate) -> dict[str, Any]:
    """The candidate's column values, each crawled string fitted to its column (see :mod:`shared_db.bounds`)."""
    values = {name: getattr(candidate, name) for name in _FIELDS}
    table = Hit.__table__
    for name in _KEYS:
        values[name] = fit_key(values[name], column_length(table, name))
    for name in _TEXTS:
        values[name] = fit_text(values[name], column_length(table, name))
    for name in _CODES:
        values[name] = fit_code(values[name], column_length(table, name))
    return values


# Rows per INSERT … ON CONFLICT: ~30 columns a row stays under SQLite's and PostgreSQL's parameter limits.
UPSERT_BATCH = 500
# Set from the incoming row while a hit is undecided; a decided hit keeps them (only last_seen_at moves).
_REFRESHED = tuple(name for name in _FIELDS if name not in ("listing_id", "mark_id"))


def upsert_hit(candidate: HitCandidate, *, session: Session) -> UpsertOutcome:
    """Insert or refresh the hit for (listing, mark); see :func:`upsert_hits`."""
    outcomes = _upsert_chunk([bounded_values(candidate)], session=session)
    return next(iter(outcomes.values()))


def upsert_hits(candidates: Iterable[HitCandidate], *, session: Session) -> Counter[str]:
    """Insert or refresh many hits, one ``INSERT … ON CONFLICT DO UPDATE`` per :data:`UPSERT_BATCH` rows.

    Safe under concurrent detection workers. A hit a reviewer has decided keeps its status, scores and
    version; only ``last_seen_at`` moves. Crawled strings are fitted to their columns first, so a
    hostile listing cannot fail the batch. A pair given twice counts once (the last one is kept).
    Returns how many were created, updated or kept their decision.
    """
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for candidate in candidates:
        values = bounded_values(candidate)
        rows[(values["listing_id"], values["mark_id"])] = values
    ordered = [rows[key] for key in sorted(rows)]  # one lock order for every worker: no deadlock on PostgreSQL
    outcome: Counter[str] = Counter()
    for start in range(0, len(ordered), UPSERT_BATCH):
        outcome.update(_upsert_chunk(ordered[start:start + UPSERT_BATCH], session=session).values())
    return outcome


def _upsert_chunk(rows: list[dict[str, Any]], *, session: Session) -> dict[tuple[str, int], UpsertOutcome]:
    now = utcnow()
    table = Hit.__table__
    statement = _insert(session)
    undecided = table.c.status == HitStatus.NEW.value
    refreshed = {name: case((undecided, statement.excluded[name]), else_=table.c[name])
                 for name in (*_REFRESHED, "updated_at")}
    # A re-listing keeps its place at the top of the queue when detection refreshes it.
    refreshed["priority"] = case((undecided, statement.excluded.priority + staydown_boost_sql(table.c)),
                                 else_=table.c.priority)
    statement = statement.on_conflict_do_update(
        index_elements=["listing_id", "mark_id"],
        set_={**refreshed, "last_seen_at": statement.excluded.last_seen_at},
    ).returning(table.c.listing_id, table.c.mark_id, table.c.status, table.c.first_seen_at)
    fixed = {"status": HitStatus.NEW.value, "version": 1, "first_seen_at": now, "last_seen_at": now,
             "created_at": now, "updated_at": now}
    # One compiled statement, executed with many parameter sets: SQLAlchemy sends them as multi-row VALUES.
    result = session.connection().execute(statement, [{**row, **fixed} for row in rows])
    outcomes: dict[tuple[str, int], UpsertOutcome] = {}
    for listing_id, mark_id, status, first_seen in result:
        # A conflict never sets first_seen_at: a row carrying this statement's ``now`` was inserted by it.
        created = _naive_utc(first_seen) == _naive_utc(now)
        outcomes[(listing_id, mark_id)] = ("created" if created else
                                           "updated" if status == HitStatus.NEW.value else "kept_decision")
    return outcomes


def _naive_utc(moment: datetime) -> datetime:
    """SQLite returns naive UTC, PostgreSQL the session's time zone."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def decide(hit_id: int, verdict: Verdict | str, *, session: Session, reviewer_id: int | None,
           expected_version: int, reason: str | None = None) -> Decision:
    """Record a reviewer's verdict if the hit is still at ``expected_version``.

    Raises :class:`HitConflict` when someone else decided first; nothing is written then.
    """
    verdict = Verdict(verdict)
    before = session.execute(select(Hit.status, Hit.version).where(Hit.id == hit_id)).first()
    if before is None:
        raise HitNotFound(f"hit {hit_id} does not exist")
    changed = session.execute(
        update(Hit)
        .where(Hit.id == hit_id, Hit.version == expected_version)
        .values(status=verdict.value, version=Hit.version + 1, claimed_by=None, claimed_at=None,
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise HitConflict(
            f"hit {hit_id} was changed by someone else (now '{before.status}', version {before.version}, "
            f"you had version {expected_version}); reload it and decide again"
        )
    decision = Decision(hit_id=hit_id, reviewer_id=reviewer_id, verdict=verdict.value, reason=reason,
                        hit_version=expected_version + 1, previous_status=before.status)
    session.add(decision)
    audit.record("hit.decide", session=session, actor_id=reviewer_id, object_type="hit", object_id=hit_id,
                 before={"status": before.status, "version": before.version},
                 after={"status": verdict.value, "version": expected_version + 1, "reason": reason})
    session.flush()
    return decision


def undo_decision(decision_id: int, *, session: Session, user_id: int, window: timedelta) -> Hit:
    """Take back ``user_id``'s decision made less than ``window`` ago: the hit gets its earlier status back.

    Only the latest decision on the hit, while nobody has changed the hit since, can be undone; the
    decision row stays (marked undone, for the audit) and is no longer a training label.
    Raises :class:`UndoRefused` (nothing written) otherwise.
    """
    decision = session.get(Decision, decision_id)
    if decision is None or decision.reviewer_id != user_id or decision.undone_at is not None:
        raise UndoRefused(f"decision {decision_id} is not one of your decisions that can be undone")
    now = utcnow()
    made = decision.created_at if decision.created_at.tzinfo else decision.created_at.replace(tzinfo=now.tzinfo)
    if now - made > window:
        raise UndoRefused(f"decision {decision_id} is older than {window.total_seconds():.0f} s; reopen the hit instead")
    restored = decision.previous_status or HitStatus.NEW.value
    changed = session.execute(
        update(Hit).where(Hit.id == decision.hit_id, Hit.version == decision.hit_version)
        .values(status=restored, version=Hit.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise UndoRefused(f"hit {decision.hit_id} changed after decision {decision_id}; it can only be reopened")
    decision.undone_at, decision.undone_by = now, user_id
    audit.record("hit.undo", session=session, actor_id=user_id, object_type="hit", object_id=decision.hit_id,
                 before={"status": decision.verdict, "version": decision.hit_version, "decision": decision.id},
                 after={"status": restored, "version": decision.hit_version + 1})
    session.flush()
    hit = session.get_one(Hit, decision.hit_id)
    session.refresh(hit)
    return hit


def reopen(hit_id: int, *, session: Session, user_id: int, expected_version: int, reason: str) -> Decision:
    """Send a decided hit back to the queue, with the reason (required, audited).

    Its earlier verdict stops being a training label until the hit is decided again.
    Raises :class:`ReopenRefused`, :class:`HitNotFound` or :class:`HitConflict`; nothing is written then.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReopenRefused("give the reason for reopening this hit")
    before = session.execute(select(Hit.status, Hit.version).where(Hit.id == hit_id)).first()
    if before is None:
        raise HitNotFound(f"hit {hit_id} does not exist")
    if before.status == HitStatus.NEW.value:
        raise ReopenRefused(f"hit {hit_id} is not decided; there is nothing to reopen")
    changed = session.execute(
        update(Hit).where(Hit.id == hit_id, Hit.version == expected_version)
        .values(status=HitStatus.NEW.value, version=Hit.version + 1, claimed_by=None, claimed_at=None,
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise HitConflict(f"hit {hit_id} was changed by someone else (now '{before.status}', version "
                          f"{before.version}, you had version {expected_version}); reload it first")
    decision = Decision(hit_id=hit_id, reviewer_id=user_id, verdict=REOPENED, reason=reason,
                        hit_version=expected_version + 1, previous_status=before.status)
    session.add(decision)
    audit.record("hit.reopen", session=session, actor_id=user_id, object_type="hit", object_id=hit_id,
                 before={"status": before.status, "version": before.version},
                 after={"status": HitStatus.NEW.value, "version": expected_version + 1, "reason": reason})
    session.flush()
    return decision


def claim(hit_id: int, *, session: Session, user_id: int, ttl: timedelta) -> bool:
    """Claim a hit for ``user_id`` unless another reviewer holds a fresh claim."""
    now = utcnow()
    changed = session.execute(
        update(Hit)
        .where(Hit.id == hit_id,
               or_(Hit.claimed_by.is_(None), Hit.claimed_by == user_id, Hit.claimed_at < now - ttl))
        .values(claimed_by=user_id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def release_claim(hit_id: int, *, session: Session, user_id: int) -> None:
    session.execute(update(Hit).where(Hit.id == hit_id, Hit.claimed_by == user_id)
                    .values(claimed_by=None, claimed_at=None).execution_options(synchronize_session=False))


def release_stale_claims(*, session: Session, older_than: datetime) -> int:
    """Release claims taken before ``older_than``; returns how many were released."""
    changed = session.execute(
        update(Hit).where(Hit.claimed_by.is_not(None), Hit.claimed_at < older_than)
        .values(claimed_by=None, claimed_at=None).execution_options(synchronize_session=False)
    )
    return changed.rowcount
