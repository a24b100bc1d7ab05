"""Offline matching of a JSON-lines listings file against a marks CSV (no services needed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from detection.matcher import Matcher


class ListingsFileError(ValueError):
    """A listings JSON-lines file has a line that cannot be used; the message names the line."""


@dataclass
class OfflineSummary:
    """Counts of one offline match run."""

    listings: int = 0
    listings_with_hits: int = 0
    hits: int = 0


def read_listings(path: Path) -> Iterator[dict[str, Any]]:
    """Listings from a JSON-lines file; each needs ``id`` and ``title``. Blank lines are skipped."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                listing = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ListingsFileError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(listing, dict) or "id" not in listing or "title" not in listing:
                raise ListingsFileError(f"{path}: line {number}: each listing needs 'id' and 'title'")
            yield listing


def match_listings(matcher: Matcher, listings: Iterator[dict[str, Any]], out: TextIO, *,
                   score_cutoff: float, batch_size: int = 500,
                   progress: Callable[[int], None] | None = None) -> OfflineSummary:
    """Write one JSON line per hit (in input order, best first per listing); returns the counts."""
    names = {mark.id: mark.text for mark in matcher.marks}
    summary = OfflineSummary()
    while batch := list(islice(listings, batch_size)):
        contexts = [{key: listing.get(key) for key in ("category", "seller", "price", "currency", "brand")}
                    for listing in batch]
        results = matcher.match_many([str(listing.get("title") or "") for listing in batch],
                                     score_cutoff=score_cutoff, contexts=contexts)
        for listing, matches in zip(batch, results, strict=True):
            summary.listings += 1
            summary.listings_with_hits += bool(matches)
            for match in matches:
                summary.hits += 1
                out.write(json.dumps({
                    "listing_id": listing["id"], "mark": names[match.mark_id], "mark_id": match.mark_id,
                    "score": match.score, "kind": match.kind, "span": list(match.span), "reasons": match.reasons,
                }, ensure_ascii=False, sort_keys=True) + "\n")
        if progress is not None:
            progress(len(batch))
    return summary
