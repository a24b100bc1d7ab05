"""The audit log: who did what to which object, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shared_db.models import AuditLog


def record(action: str, *, session: Session, actor_id: int | None, object_type: str,
           object_id: str | int | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> AuditLog:
    """Append an audit entry in the caller's transaction (so it commits or rolls back with the change)."""
    entry = AuditLog(
        actor_id=actor_id, action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id), before=before, after=after,
    )
    session.add(entry)
    return entry
