"""Hits: upserted by detection, decided by reviewers. Human decisions are never overwritten."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared_db.bounds import column_length, fit_code, fit_key, fit_text
from shared_db.models import Decision, Hit, HitStatus, Verdict, utcnow
from shared_db.repo import audit

#: Added to a re-listing's priority (detection.staydown), so it tops the queue: above any probability × weight (≤ 10).
RELISTING_BOOST = 100.0
UpsertOutcome = Literal["created", "updated", "kept_decision"]


class HitConflict(RuntimeError):
    """The hit changed since the reviewer loaded it (another decision won); reload and retry."""


class HitNotFound(LookupError):
    """No hit with that id (or not visible to this user)."""


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
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Hit)


_KEYS = ("listing_id", "marketplace", "seller_id")
_TEXTS = ("seller_name", "matched_text", "kind")
_CODES = ("currency", "evidence_sha256", "model_version")


def bounded_values(candidate: HitCandidate) -> dict[str, Any]:
    """The candidate's column values, each crawled string fitted to its column (see :mod:`shared_db.bounds`)."""
    values = asdict(candidate)
    table = Hit.__table__
    for name in _KEYS:
        values[name] = fit_key(values[name], column_length(table, name))
    for name in _TEXTS:
        values[name] = fit_text(values[name], column_length(table, name))
    for name in _CODES:
        values[name] = fit_code(values[name], column_length(table, name))
    return values


def upsert_hit(candidate: HitCandidate, *, session: Session) -> UpsertOutcome:
    """Insert or refresh the hit for (listing, mark); safe under concurrent detection workers.

    A hit a reviewer has decided keeps its status, scores and version; only ``last_seen_at`` moves.
    Crawled strings are fitted to their columns first, so a hostile listing cannot fail the batch.
    """
    now = utcnow()
    values = bounded_values(candidate)
    inserted = session.execute(
        _insert(session)
        .values(**values, status=HitStatus.NEW.value, version=1, first_seen_at=now, last_seen_at=now,
                created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["listing_id", "mark_id"])
        .returning(Hit.id)
    ).first()
    if inserted is not None:
        return "created"
    key = and_(Hit.listing_id == values["listing_id"], Hit.mark_id == candidate.mark_id)
    boosted = case((Hit.relisting_of_case_id.is_not(None), values["priority"] + RELISTING_BOOST),
                   else_=values["priority"])
    refreshed = session.execute(
        update(Hit).where(key, Hit.status == HitStatus.NEW.value)
        .values(**{**values, "priority": boosted}, last_seen_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if refreshed.rowcount == 1:
        return "updated"
    session.execute(update(Hit).where(key).values(last_seen_at=now).execution_options(synchronize_session=False))
    return "kept_decision"


def upsert_hits(candidates: list[HitCandidate], *, session: Session) -> Counter[str]:
    """Upsert many candidates; returns how many were created, updated or kept their decision."""
    return Counter(upsert_hit(candidate, session=session) for candidate in candidates)


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
                        hit_version=expected_version + 1)
    session.add(decision)
    audit.record("hit.decide", session=session, actor_id=reviewer_id, object_type="hit", object_id=hit_id,
                 before={"status": before.status, "version": before.version},
                 after={"status": verdict.value, "version": expected_version + 1, "reason": reason})
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
