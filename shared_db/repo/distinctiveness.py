"""Marks' stored distinctiveness: assessed when a mark changes, reassessed by housekeeping.

The rules are detection's (:mod:`detection.distinctiveness`); this module only decides when they run
and stores the result on the mark, so detection, the mark page and the API read one assessment. It is
the data layer's one call into detection, imported inside the function that assesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared_db.models import Mark, utcnow

# What the assessment depends on: a change to any of these assesses the mark again.
ASSESSED_FIELDS = frozenset({"text", "aliases"})


def assess_text(text: str) -> dict[str, Any]:
    """Detection's assessment of a mark written ``text``, in the stored form."""
    from detection.context import common_word_marks
    from detection.distinctiveness import assess

    return assess(text, common_marks=common_word_marks()).as_dict()


def store_distinctiveness(mark: Mark) -> None:
    """Assess ``mark`` and store the result with the time (the caller flushes)."""
    mark.distinctiveness, mark.distinctiveness_at = assess_text(mark.text), utcnow()


def refresh_distinctiveness(*, session: Session, mark_ids: Iterable[int] | None = None) -> int:
    """Assess every mark again (or those of ``mark_ids``) and store what changed; returns how many changed.

    For marks stored before distinctiveness was (NULL), and after an upgrade changes the rules or
    their word lists. A refresh is not a change to the mark: ``updated_at`` stays.
    """
    query = select(Mark.id, Mark.text, Mark.distinctiveness, Mark.updated_at).order_by(Mark.id)
    if mark_ids is not None:
        query = query.where(Mark.id.in_(list(mark_ids)))
    now = utcnow()
    changes = []
    for mark_id, text, stored, updated_at in session.execute(query):
        assessed = assess_text(text)
        if assessed != stored:
            changes.append({"id": mark_id, "distinctiveness": assessed, "distinctiveness_at": now,
                            "updated_at": updated_at})
    if changes:
        session.execute(update(Mark), changes)  # by primary key, in one executemany
        changed = {change["id"] for change in changes}
        for obj in session.identity_map.values():
            if isinstance(obj, Mark) and obj.id in changed:
                session.expire(obj, ["distinctiveness", "distinctiveness_at", "updated_at"])
    return len(changes)
