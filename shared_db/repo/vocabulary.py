"""Detection's learned vocabulary in the database: every worker reads the same version.

Each learning pass stores a new version (a row of ``detection_vocabularies``); readers take the newest.
A process keeps the words of the version it last read, so a detection run costs one small query when
nothing was relearnt. The words are stored as detection normalised them, sorted, one per line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared_db.models import DetectionVocabulary

KEEP_VERSIONS = 3
_cache: dict[str, tuple[int, frozenset[str]]] = {}
_lock = threading.Lock()


def store_vocabulary(words: Iterable[str], *, session: Session, listings: int, min_brands: int) -> int:
    """Store ``words`` as the new current version (older ones beyond :data:`KEEP_VERSIONS` are dropped)."""
    ordered = sorted({word for word in words if word and "\n" not in word})
    row = DetectionVocabulary(words="\n".join(ordered), word_count=len(ordered), listings=listings,
                              min_brands=min_brands)
    session.add(row)
    session.flush()
    session.execute(delete(DetectionVocabulary).where(DetectionVocabulary.id <= row.id - KEEP_VERSIONS))
    return row.id


def current_version(*, session: Session) -> int | None:
    """The newest version's number (None: nothing learnt yet)."""
    return session.scalar(select(func.max(DetectionVocabulary.id)))


def current_vocabulary(*, session: Session) -> tuple[int | None, frozenset[str]]:
    """(version, words) of the newest version; an empty set before the first learning pass."""
    version = current_version(session=session)
    if version is None:
        return None, frozenset()
    key = str(session.get_bind().url)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached
    text = session.scalar(select(DetectionVocabulary.words).where(DetectionVocabulary.id == version))
    if text is None:  # dropped by a newer pass since the query above: read that one
        return current_vocabulary(session=session)
    entry = (version, frozenset(word for word in text.split("\n") if word))
    with _lock:
        _cache[key] = entry
    return entry
