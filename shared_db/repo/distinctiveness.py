"""Marks' stored distinctiveness: assessed when a mark changes and when the domain vocabulary is relearned.

The rules are detection's (:mod:`detection.distinctiveness`); this module only decides when they run
and stores the result on the mark, so detection, the mark page and the API read one assessment. It is
the data layer's one call into detection, imported inside the functions that assess.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared_db.models import Mark, utcnow

# What the assessment depends on: a change to any of these assesses the mark again.
ASSESSED_FIELDS = frozenset({"text", "aliases"})
_cache: dict[Path, tuple[tuple[int, int, int], frozenset[str]]] = {}


def learned_vocabulary(path: Path | None = None) -> frozenset[str]:
    """The domain vocabulary at ``path`` (default: the configured one), re-read only when the file changes.

    Empty until ``markwatch vocabulary learn`` has written it.
    """
    from detection.vocabulary import read_vocabulary

    if path is None:
        from shared_db.settings import get_settings

        path = get_settings().vocabulary_path
    try:
        stat = path.stat()
    except FileNotFoundError:
        return frozenset()
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached is None or cached[0] != key:
        cached = _cache[path] = (key, read_vocabulary(path))
    return cached[1]


def assess_text(text: str, *, vocabulary: Collection[str]) -> dict[str, Any]:
    """Detection's assessment of a mark written ``text``, in the stored form."""
    from detection.context import common_word_marks
    from detection.distinctiveness import assess

    return assess(text, vocabulary=vocabulary, common_marks=common_word_marks()).as_dict()


def store_distinctiveness(mark: Mark, *, vocabulary: Collection[str] | None = None) -> None:
    """Assess ``mark`` and store the result with the time (the caller flushes)."""
    mark.distinctiveness = assess_text(mark.text, vocabulary=learned_vocabulary() if vocabulary is None
                                       else vocabulary)
    mark.distinctiveness_at = utcnow()


def refresh_distinctiveness(*, session: Session, vocabulary: Collection[str] | None = None,
                            mark_ids: Iterable[int] | None = None) -> int:
    """Assess every mark again (or those of ``mark_ids``) and store what changed; returns how many changed.

    Run after the vocabulary is relearned, and for marks stored before distinctiveness was (NULL).
    A refresh is not a change to the mark: ``updated_at`` stays.
    """
    words = learned_vocabulary() if vocabulary is None else vocabulary
    query = select(Mark.id, Mark.text, Mark.distinctiveness, Mark.updated_at).order_by(Mark.id)
    if mark_ids is not None:
        query = query.where(Mark.id.in_(list(mark_ids)))
    now = utcnow()
    changes = []
    for mark_id, text, stored, updated_at in session.execute(query):
        assessed = assess_text(text, vocabulary=words)
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
