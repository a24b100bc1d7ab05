"""Failed-login counters in the database, so every server process sees the same ones."""

from __future__ import annotations

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared_db.models import LoginThrottle

ThrottleKey = tuple[str, str]


def blocked_until(keys: list[ThrottleKey], *, session: Session) -> float:
    """The latest time (Unix seconds) until which any of ``keys`` is blocked; 0 when none is."""
    if not keys:
        return 0.0
    matches = or_(*(and_(LoginThrottle.kind == kind, LoginThrottle.key == key) for kind, key in keys))
    return max(session.scalars(select(LoginThrottle.blocked_until).where(matches)), default=0.0)


def count_failure(key: ThrottleKey, *, session: Session, now: float, forget_before: float) -> int:
    """Add one failure to ``key`` and return its count; failures older than ``forget_before`` are forgotten.

    One atomic upsert, so concurrent failures in several processes are all counted.
    """
    kind, value = key
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(LoginThrottle)
    stale = LoginThrottle.last_failure_at < forget_before
    statement = insert.values(kind=kind, key=value, failures=1, last_failure_at=now, blocked_until=0.0)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.kind, LoginThrottle.key],
        set_={"failures": case((stale, 1), else_=LoginThrottle.failures + 1), "last_failure_at": now,
              "blocked_until": case((stale, 0.0), else_=LoginThrottle.blocked_until)},
    ).returning(LoginThrottle.failures)
    return int(session.execute(statement).scalar_one())


def block(key: ThrottleKey, until: float, *, session: Session) -> None:
    kind, value = key
    session.execute(update(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == value)
                    .values(blocked_until=until))


def forget(key: ThrottleKey, *, session: Session) -> None:
    """Drop the failures of ``key`` (after its owner logged in)."""
    kind, value = key
    session.execute(delete(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == value))


def purge(*, session: Session, older_than: float) -> int:
    """Delete counters whose last failure is older than ``older_than``; returns how many."""
    return session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < older_than)).rowcount
