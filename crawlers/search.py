"""Search-driven crawling: watch queries in, result pages walked within a page budget, recent listings skipped.

A :class:`SearchQuery` is one text to type into a site's search box, with the priority of the mark
it watches for; queries are searched highest priority first. The :class:`PageBudget` is the
marketplace's allowance of pages per run: every search result page and every listing page the
spider requests takes one page of it, and nothing is requested once it is spent. Queries travel
to the crawl process as a JSON file (:func:`write_queries`, :func:`read_queries`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

QUERY_KINDS = ("mark", "alias", "transliteration", "lookalike", "manual")
MAX_QUERY_CHARS = 200


class QueryFileError(ValueError):
    """A queries file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class SearchQuery:
    """One watch query: ``text`` searched for ``mark_id`` (None: typed by hand), with the mark's priority."""

    text: str
    priority: float = 1.0
    mark_id: int | None = None
    kind: str = "manual"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ordered(queries: list[SearchQuery]) -> list[SearchQuery]:
    """Highest priority first; the given order among equals (it already ranks a mark's forms)."""
    return sorted(queries, key=lambda q: -q.priority)


def parse_queries(entries: Any, *, source: str = "queries") -> list[SearchQuery]:
    """Queries from JSON values (objects, or plain strings for manual queries); bad entries are refused."""
    if not isinstance(entries, list):
        raise QueryFileError(f"{source}: expected a JSON list of queries")
    queries = []
    for number, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise QueryFileError(f"{source}: entry {number} needs a text")
        text = " ".join(entry["text"].split())
        if not text or len(text) > MAX_QUERY_CHARS:
            raise QueryFileError(f"{source}: entry {number}: a query has 1 to {MAX_QUERY_CHARS} characters")
        priority, kind, mark_id = entry.get("priority", 1.0), entry.get("kind", "manual"), entry.get("mark_id")
        if isinstance(priority, bool) or not isinstance(priority, int | float) or kind not in QUERY_KINDS or not (
                mark_id is None or (isinstance(mark_id, int) and not isinstance(mark_id, bool))):
            raise QueryFileError(f"{source}: entry {number}: priority must be a number, kind one of {QUERY_KINDS}, "
                                 "mark_id an integer or null")
        queries.append(SearchQuery(text=text, priority=float(priority), mark_id=mark_id, kind=kind))
    return queries


def write_queries(queries: list[SearchQuery], path: Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps([q.as_dict() for q in queries], ensure_ascii=False), encoding="utf-8")
    return path


def read_queries(path: Path | str) -> list[SearchQuery]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QueryFileError(f"cannot read the queries file {path}: {exc}") from exc
    return parse_queries(data, source=str(path))


class PageBudget:
    """Pages a crawl may still request; :meth:`take` says whether one more may be."""

    def __init__(self, pages: int) -> None:
        if pages < 0:
            raise ValueError(f"a page budget is 0 or more, got {pages}")
        self.pages = pages
        self.spent = 0

    @property
    def remaining(self) -> int:
        return self.pages - self.spent

    def take(self) -> bool:
        if self.spent >= self.pages:
            return False
        self.spent += 1
        return True


def split_budget(pages: int, sizes: list[int]) -> list[int]:
    """``pages`` shared between batches of ``sizes`` queries, in proportion; earlier (higher priority) batches
    get the rounding, and the shares add up to ``pages`` exactly."""
    total = sum(sizes)
    if not total:
        return [0] * len(sizes)
    shares = [pages * size // total for size in sizes]
    for i in range(pages - sum(shares)):
        shares[i % len(shares)] += 1
    return shares
