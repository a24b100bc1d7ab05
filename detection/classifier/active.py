"""Active learning: put the hits the model is least sure about first, so reviews teach it most."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared_db.models import Hit, HitStatus


def uncertainty(probability: float | None) -> float:
    """1 at p = 0.5, 0 at p = 0 or 1 (unscored hits count as fully uncertain)."""
    return 1.0 if probability is None else 1 - abs(2 * probability - 1)


def uncertainty_order() -> Any:
    """An ORDER BY expression for hit queries: most uncertain first (unscored hits first)."""
    return func.abs(func.coalesce(Hit.probability, 0.5) - 0.5).asc()


def most_uncertain_hits(*, session: Session, limit: int = 50, mark_ids: list[int] | None = None) -> list[Hit]:
    """Undecided hits, most uncertain first, then by priority (for the review queue's learning mode)."""
    query = select(Hit).where(Hit.status == HitStatus.NEW.value)
    if mark_ids is not None:
        query = query.where(Hit.mark_id.in_(mark_ids))
    return list(session.scalars(query.order_by(uncertainty_order(), Hit.priority.desc(), Hit.id).limit(limit)))
