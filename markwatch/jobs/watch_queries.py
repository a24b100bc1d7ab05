"""The watch queries of the rights database: what a search-driven crawl types into a marketplace's search.

Each active mark (verified, with a live legal status: the marks detection uses) gives its word, its
aliases, its transliterations and its likeliest look-alike spellings
(:func:`detection.lookalikes.likely_lookalikes`). A query carries its mark's priority weight; queries
are ordered by weight (highest first), then by kind (the mark itself, aliases, transliterations,
look-alikes), so a small budget searches every mark's own word before anyone's look-alikes. A text
two marks share is searched once, with the higher priority.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from crawlers.search import MAX_QUERY_CHARS, SearchQuery
from detection.lookalikes import likely_lookalikes
from shared_db.models import Mark

KIND_ORDER = ("mark", "alias", "transliteration", "lookalike")


def mark_queries(mark: Mark, *, lookalikes: int) -> list[SearchQuery]:
    """The queries of one mark, in kind order, without repeats (compared case-insensitively)."""
    forms = [(mark.text, "mark")]
    forms += [(alias, "alias") for alias in mark.aliases or []]
    forms += [(text, "transliteration") for text in mark.transliterations or []]
    forms += [(text, "lookalike") for text in likely_lookalikes(mark.text, limit=lookalikes)]
    seen: set[str] = set()
    queries = []
    for text, kind in forms:
        text = " ".join(str(text).split())[:MAX_QUERY_CHARS]
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            queries.append(SearchQuery(text=text, priority=float(mark.weight), mark_id=mark.id, kind=kind))
    return queries


def watch_queries(marks: Iterable[Mark], *, lookalikes: int = 4) -> list[SearchQuery]:
    """Every mark's queries, highest priority first (see the module docstring)."""
    candidates = [q for mark in marks for q in mark_queries(mark, lookalikes=lookalikes)]
    candidates.sort(key=lambda q: (-q.priority, KIND_ORDER.index(q.kind), q.mark_id or 0))
    unique: dict[str, SearchQuery] = {}
    for query in candidates:
        unique.setdefault(query.text.casefold(), query)
    return list(unique.values())


def load_watch_queries(*, session: Session, lookalikes: int = 4) -> list[SearchQuery]:
    """The watch queries of the active marks in the database (read only; the caller owns the session)."""
    from shared_db.repo.marks import list_marks

    return watch_queries(list_marks(session=session, active_only=True), lookalikes=lookalikes)
