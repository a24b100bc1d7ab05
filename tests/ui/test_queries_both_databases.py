"""The queue, case and dashboard queries give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui import exports, queries
from review_ui.deps import Scope
from review_ui.routes.dashboard import dashboard_stats
from shared_db.models import Hit, User
from shared_db.repo.hits import HitCandidate, decide, upsert_hit


def scope_of(session: Session, email: str) -> Scope:
    return Scope.for_user(session.scalar(select(User).where(User.email == email)))


def test_queue_orders_pages_and_scopes(seeded) -> None:
    engine, world = seeded
    with Session(engine) as session:
        reviewer = scope_of(session, world.emails["reviewer"])
        first = queries.queue_page(reviewer, queries.QueueFilters(), session=session, limit=4)
        rest = queries.queue_page(reviewer, queries.QueueFilters(), session=session, limit=50,
                                  cursor=first.next_cursor)
        priorities = [row.priority for row in first.rows + rest.rows]
        assert len(priorities) == 11 and priorities == sorted(priorities, reverse=True)
        uncertain = queries.queue_page(reviewer, queries.QueueFilters(order="uncertain"), session=session, limit=3)
        more = queries.queue_page(reviewer, queries.QueueFilters(order="uncertain"), session=session, limit=50,
                                  cursor=uncertain.next_cursor)
        distances = [abs(row.probability - 0.5) for row in uncertain.rows + more.rows]
        assert len(distances) == 11 and distances == sorted(distances)
        holder = scope_of(session, world.emails["holder_b"])
        own = queries.queue_page(holder, queries.QueueFilters(status="all"), session=session)
        assert {row.mark_id for row in own.rows} == {world.mark_b}
        assert queries.get_hit(holder, world.hits_a[0], session=session) is None


def walk(scope: Scope, filters: queries.QueueFilters, session: Session) -> list[int]:
    """Every hit id the queue shows, following next_cursor four rows at a time."""
    ids, cursor = [], None
    while True:
        page = queries.queue_page(scope, filters, session=session, cursor=cursor, limit=4)
        ids += [row.id for row in page.rows]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def reference(scope: Scope, filters: queries.QueueFilters, session: Session) -> list[int]:
    """The same list the slow way: every hit loaded, filtered, scoped and sorted in Python."""
    hits = [hit for hit in session.scalars(select(Hit))
            if (scope.org_id is None or hit.mark.org_id == scope.org_id)
            and filters.status in ("all", hit.status)
            and filters.marketplace in (None, hit.marketplace)]
    if filters.order == "uncertain":
        hits.sort(key=lambda hit: (abs((1.5 if hit.probability is None else hit.probability) - 0.5), hit.id))
    else:
        hits.sort(key=lambda hit: (-hit.priority, -hit.id))
    return [hit.id for hit in hits]


def test_keyset_pages_continue_without_gaps_or_duplicates(seeded) -> None:
    engine, world = seeded
    with Session(engine) as session, session.begin():
        reviewer_id = session.scalar(select(User.id).where(User.email == world.emails["reviewer"]))
        for n in range(40):  # few distinct priorities and probabilities: pages end inside runs of ties
            upsert_hit(HitCandidate(
                listing_id=f"tie-{n}", mark_id=world.mark_a if n % 3 else world.mark_b,
                listing_title=f"tie {n}", score=90.0, kind="fuzzy", marketplace=("demo", "other")[n % 2],
                priority=float(n % 4), probability=(0.3, 0.7, 0.5, None)[n % 5 % 4]), session=session)
        decide(world.hits_a[0], "confirmed", session=session, reviewer_id=reviewer_id, expected_version=1)
    with Session(engine) as session:
        cases = [("reviewer", queries.QueueFilters()), ("reviewer", queries.QueueFilters(order="uncertain")),
                 ("reviewer", queries.QueueFilters(status="all", marketplace="other")),
                 ("holder_a", queries.QueueFilters()), ("holder_b", queries.QueueFilters(order="uncertain"))]
        for role, filters in cases:
            scope = scope_of(session, world.emails[role])
            assert walk(scope, filters, session) == reference(scope, filters, session), (role, filters)


def test_cases_and_dashboard(seeded) -> None:
    engine, world = seeded
    with Session(engine) as session, session.begin():
        reviewer_id = session.scalar(select(User.id).where(User.email == world.emails["reviewer"]))
        for hit_id in (world.hits_a[0], world.hits_a[2], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=reviewer_id, expected_version=1)
        decide(world.hits_a[1], "dismissed", session=session, reviewer_id=reviewer_id, expected_version=1)
    with Session(engine) as session:
        reviewer = scope_of(session, world.emails["reviewer"])
        cases = exports.list_cases(reviewer, session=session)
        assert [(c.marketplace, c.seller, c.hits) for c in cases] == [("demo", "seller1", 3)]
        stats = dashboard_stats(reviewer, session)
        assert dict(stats["by_status"]) == {"confirmed": 3.0, "dismissed": 1.0, "new": 7.0}
        assert sum(n for _, n in stats["per_day"]) == 11
        assert stats["precision"] == [("m1", 0.75)]
        assert stats["throughput"] == [("reviewer@example.org", 4.0)]
        holder = scope_of(session, world.emails["holder_a"])
        assert dict(dashboard_stats(holder, session)["by_status"]) == {"confirmed": 2.0, "dismissed": 1.0,
                                                                        "new": 3.0}
