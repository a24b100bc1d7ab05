"""Read queries of the review UI. Every function takes the caller's Scope, so scoping cannot be skipped."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, Select, and_, literal_column, or_, select
from sqlalchemy.orm import Session, selectinload

from review_ui.deps import Scope
from shared_db.models import AuditLog, Decision, Hit, HitStatus, Mark, User, utcnow

PAGE_SIZE = 50
ORDERS = ("priority", "uncertain")


@dataclass
class QueueFilters:
    """The reviewer queue's filters, as parsed from the query string."""

    mark_id: int | None = None
    marketplace: str | None = None
    seller: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    status: str = HitStatus.NEW.value
    model: str | None = None
    order: str = "priority"
    hide_claimed: bool = True

    def as_params(self) -> dict[str, Any]:
        """Non-empty filters as query parameters (for links to the next page)."""
        params = {k: v for k, v in self.__dict__.items() if k != "hide_claimed" and v is not None and v != ""}
        if not self.hide_claimed:
            params["claimed"] = "show"
        return params


@dataclass
class QueuePage:
    rows: list[tuple[Any, str]]  # (row with QUEUE_COLUMNS as attributes, mark text)
    next_cursor: str | None
    filters: QueueFilters = field(default_factory=QueueFilters)


# Literal constants (not bound parameters), so the expression index of migration 0002 serves the order.
UNCERTAINTY_SQL = "abs(coalesce(hits.probability, 1.5) - 0.5)"


def uncertainty():  # type: ignore[no-untyped-def]
    """|probability - 0.5|: 0 is the classifier's least certain hit (no probability counts as certain)."""
    return literal_column(UNCERTAINTY_SQL, Float)


# The queue reads plain rows of these columns (no ORM objects, no JSON columns): it is the hottest page.
QUEUE_COLUMNS = (Hit.id, Hit.listing_id, Hit.mark_id, Hit.marketplace, Hit.seller_id, Hit.seller_name,
                 Hit.listing_url, Hit.listing_title, Hit.price, Hit.currency, Hit.score, Hit.probability,
                 Hit.priority, Hit.model_version, Hit.status, Hit.version, Hit.evidence_sha256, Hit.claimed_by,
                 Hit.span_start, Hit.span_end)


def _filtered(scope: Scope, filters: QueueFilters, user_id: int, claim_ttl: timedelta) -> Select[Any]:
    query = scope.hits(select(*QUEUE_COLUMNS, Mark.text.label("mark_text")).join(Mark, Mark.id == Hit.mark_id))
    if filters.status != "all":
        query = query.where(Hit.status == filters.status)
    if filters.mark_id is not None:
        query = query.where(Hit.mark_id == filters.mark_id)
    if filters.marketplace:
        query = query.where(Hit.marketplace == filters.marketplace)
    if filters.seller:
        query = query.where(or_(Hit.seller_id == filters.seller, Hit.seller_name == filters.seller))
    if filters.min_score is not None:
        query = query.where(Hit.score >= filters.min_score)
    if filters.max_score is not None:
        query = query.where(Hit.score <= filters.max_score)
    if filters.model:
        query = query.where(Hit.model_version == filters.model)
    if filters.hide_claimed:
        query = query.where(or_(Hit.claimed_by.is_(None), Hit.claimed_by == user_id,
                                Hit.claimed_at < utcnow() - claim_ttl))
    return query


def queue_page(scope: Scope, filters: QueueFilters, *, session: Session, cursor: str | None = None,
               claim_ttl: timedelta = timedelta(minutes=30), limit: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue in keyset order: priority (desc) or most uncertain first, then id."""
    query = _filtered(scope, filters, scope.user.id, claim_ttl)
    if filters.order == "uncertain":
        key = uncertainty()
        if cursor:
            value, last_id = _parse_cursor(cursor)
            query = query.where(or_(key > value, and_(key == value, Hit.id > last_id)))
        query = query.order_by(key.asc(), Hit.id.asc())
    else:
        if cursor:
            value, last_id = _parse_cursor(cursor)
            query = query.where(or_(Hit.priority < value, and_(Hit.priority == value, Hit.id < last_id)))
        query = query.order_by(Hit.priority.desc(), Hit.id.desc())
    rows = [(row, row.mark_text) for row in session.execute(query.limit(limit + 1))]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1][0]
        value = abs((last.probability if last.probability is not None else 1.5) - 0.5) \
            if filters.order == "uncertain" else last.priority
        next_cursor = f"{value!r}:{last.id}"
    return QueuePage(rows=rows, next_cursor=next_cursor, filters=filters)


def _parse_cursor(cursor: str) -> tuple[float, int]:
    try:
        value, last_id = cursor.rsplit(":", 1)
        parsed = float(value), int(last_id)
        if not 0 <= parsed[1] < 2**63:
            raise ValueError("id out of range")
        return parsed
    except ValueError as exc:
        raise ValueError(f"bad page cursor {cursor!r}; start again from the first page") from exc


def get_hit(scope: Scope, hit_id: int, *, session: Session) -> Hit | None:
    """The hit with its mark and decisions, or None when missing *or* outside the user's scope."""
    query = scope.hits(select(Hit).where(Hit.id == hit_id)).options(
        selectinload(Hit.mark), selectinload(Hit.decisions).selectinload(Decision.reviewer))
    return session.scalar(query)


def seller_other_hits(scope: Scope, hit: Hit, *, session: Session, limit: int = 20) -> list[Hit]:
    if not hit.seller_id and not hit.seller_name:
        return []
    seller = Hit.seller_id == hit.seller_id if hit.seller_id else Hit.seller_name == hit.seller_name
    query = scope.hits(select(Hit).where(seller, Hit.marketplace == hit.marketplace, Hit.id != hit.id))
    return list(session.scalars(query.order_by(Hit.priority.desc()).limit(limit)))


def visible_marks(scope: Scope, *, session: Session) -> list[Mark]:
    return list(session.scalars(scope.marks(select(Mark).order_by(Mark.text, Mark.id))))


def get_mark(scope: Scope, mark_id: int, *, session: Session) -> Mark | None:
    return session.scalar(scope.marks(select(Mark).where(Mark.id == mark_id)))


class FacetCache:
    """Filter-menu values (marketplaces, model versions) cached briefly: DISTINCT over every hit is costly."""

    def __init__(self, ttl_seconds: float = 60.0) -> None:
        self.ttl = ttl_seconds
        self._values: dict[tuple[int | None, str], tuple[float, list[str]]] = {}

    def get(self, scope: Scope, column: Any, *, session: Session) -> list[str]:
        key = (scope.org_id, column.key)
        now = time.monotonic()
        cached = self._values.get(key)
        if cached is None or now - cached[0] > self.ttl:
            cached = (now, facet_values(scope, column, session=session))
            self._values[key] = cached
        return cached[1]


def facet_values(scope: Scope, column: Any, *, session: Session, limit: int = 200) -> list[str]:
    """Distinct non-empty values of a hit column (marketplaces, model versions) for filter menus."""
    query = scope.hits(select(column).where(column.is_not(None)).distinct()).order_by(column).limit(limit)
    return [v for v in session.scalars(query) if v]


def mark_choices(scope: Scope, *, session: Session) -> list[tuple[int, str]]:
    """(id, text) of the visible marks, for filter menus."""
    return [(i, text) for i, text in session.execute(scope.marks(select(Mark.id, Mark.text)).order_by(Mark.text))]


def audit_page(*, session: Session, action: str | None = None, before_id: int | None = None,
               limit: int = 100) -> list[tuple[AuditLog, str | None]]:
    """Audit entries, newest first, keyset-paginated by id (admins only: no scope)."""
    query = select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.actor_id)
    if action:
        query = query.where(AuditLog.action == action)
    if before_id:
        query = query.where(AuditLog.id < before_id)
    return [(entry, email) for entry, email in session.execute(query.order_by(AuditLog.id.desc()).limit(limit))]


def hits_since(scope: Scope, since: datetime, *, session: Session) -> Select[Any]:
    return scope.hits(select(Hit).where(Hit.created_at >= since))
