"""Read queries of the review UI. Every function takes the caller's Scope, so scoping cannot be skipped."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Float, Select, bindparam, literal_column, or_, select
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


@dataclass(slots=True)
class QueueRow:
    """The columns of one queue row as plain attributes: rendering reads each several times, cheaply."""

    id: int
    listing_id: str
    mark_id: int
    marketplace: str
    seller_id: str | None
    seller_name: str | None
    listing_url: str | None
    listing_title: str
    price: Decimal | None
    currency: str | None
    score: float
    probability: float | None
    priority: float
    model_version: str | None
    status: str
    version: int
    evidence_sha256: str | None
    claimed_by: int | None
    span_start: int | None
    span_end: int | None
    relisting_reason: str | None
    relisting_kind: str | None
    mark_text: str

    @classmethod
    def of(cls, hit: Hit) -> QueueRow:
        """The row of a hit loaded with its mark (to render it again after a decision)."""
        return cls(**{f.name: getattr(hit, f.name) for f in fields(cls) if f.name != "mark_text"},
                   mark_text=hit.mark.text)


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    filters: QueueFilters = field(default_factory=QueueFilters)


# Literal constants (not bound parameters), so the expression index of migration 0002 serves the order.
UNCERTAINTY_SQL = "abs(coalesce(hits.probability, 1.5) - 0.5)"


def uncertainty():  # type: ignore[no-untyped-def]
    """|probability - 0.5|: 0 is the classifier's least certain hit (no probability counts as certain)."""
    return literal_column(UNCERTAINTY_SQL, Float)


# The queue reads plain rows of these columns (no ORM objects, no JSON columns): it is the hottest page.
QUEUE_COLUMNS = (*(getattr(Hit, f.name) for f in fields(QueueRow) if f.name != "mark_text"), Mark.text)

# Each filter of the queue as a criterion on bound values, named like the value it needs first.
_CRITERIA = {
    "status": Hit.status == bindparam("status"),
    "mark_id": Hit.mark_id == bindparam("mark_id"),
    "marketplace": Hit.marketplace == bindparam("marketplace"),
    "seller": or_(Hit.seller_id == bindparam("seller"), Hit.seller_name == bindparam("seller")),
    "min_score": Hit.score >= bindparam("min_score"),
    "max_score": Hit.score <= bindparam("max_score"),
    "model": Hit.model_version == bindparam("model"),
    "claimant": or_(Hit.claimed_by.is_(None), Hit.claimed_by == bindparam("claimant"),
                    Hit.claimed_at < bindparam("claims_expired")),
}


def _values(filters: QueueFilters, user_id: int, claim_ttl: timedelta) -> dict[str, Any]:
    """The bound values of the filters that are set."""
    values = {"status": None if filters.status == "all" else filters.status, "mark_id": filters.mark_id,
              "marketplace": filters.marketplace or None, "seller": filters.seller or None,
              "min_score": filters.min_score, "max_score": filters.max_score, "model": filters.model or None}
    if filters.hide_claimed:
        values.update(claimant=user_id, claims_expired=utcnow() - claim_ttl)
    return {name: value for name, value in values.items() if value is not None}


@lru_cache(maxsize=256)
def _statement(criteria: tuple[str, ...], order: str, after_cursor: bool, limit: int) -> Select[Any]:
    """The queue's statement for one combination of filters: built once, as building costs more than running.

    After a cursor, the page starts with a range on the sort key (which the index seeks to) plus the
    tie-break, so page n costs what page 1 does.
    """
    query = select(*QUEUE_COLUMNS).join(Mark, Mark.id == Hit.mark_id).where(*(_CRITERIA[c] for c in criteria))
    after, last_id = bindparam("after", type_=Float), bindparam("last_id")
    if order == "uncertain":
        key = uncertainty()
        if after_cursor:
            query = query.where(key >= after, or_(key > after, Hit.id > last_id))
        return query.order_by(key.asc(), Hit.id.asc()).limit(limit)
    if after_cursor:
        query = query.where(Hit.priority <= after, or_(Hit.priority < after, Hit.id < last_id))
    return query.order_by(Hit.priority.desc(), Hit.id.desc()).limit(limit)


def queue_page(scope: Scope, filters: QueueFilters, *, session: Session, cursor: str | None = None,
               claim_ttl: timedelta = timedelta(minutes=30), limit: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue in keyset order: priority (desc) or most uncertain first, then id."""
    values = _values(filters, scope.user.id, claim_ttl)
    if cursor:
        values["after"], values["last_id"] = _parse_cursor(cursor)
    criteria = tuple(name for name in _CRITERIA if name in values)
    query = scope.hits(_statement(criteria, filters.order, cursor is not None, limit + 1))
    rows = [QueueRow(*row) for row in session.execute(query, values)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
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


class MenuCache:
    """Filter-menu choices per organisation (marks, marketplaces, model versions), cached briefly.

    They change rarely, but reading them on every queue page costs a DISTINCT over every hit and a row per
    visible mark. Keyed by the scope's organisation, so nobody sees another organisation's choices.
    """

    def __init__(self, ttl_seconds: float = 60.0) -> None:
        self.ttl = ttl_seconds
        self._values: dict[tuple[int | None, str], tuple[float, tuple[Any, ...]]] = {}

    def get(self, scope: Scope, menu: str, load: Callable[[], Iterable[Any]]) -> tuple[Any, ...]:
        """The cached ``menu`` for ``scope``, or a fresh ``load()`` once the entry is older than the TTL."""
        key = (scope.org_id, menu)
        now = time.monotonic()
        cached = self._values.get(key)
        if cached is None or now - cached[0] > self.ttl:
            cached = (now, tuple(load()))
            self._values[key] = cached
        return cached[1]


def facet_values(scope: Scope, column: Any, *, session: Session, limit: int = 200) -> list[str]:
    """Distinct non-empty values of a hit column (marketplaces, model versions) for filter menus."""
    query = scope.hits(select(column).where(column.is_not(None)).distinct()).order_by(column).limit(limit)
    return [v for v in session.scalars(query) if v]


def mark_choices(scope: Scope, *, session: Session) -> list[tuple[int, str]]:
    """(id, text) of the visible marks, for filter menus."""
    return list(session.execute(scope.marks(select(Mark.id, Mark.text)).order_by(Mark.text)))


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
