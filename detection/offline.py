"""Offline matching of a JSON-lines listings file against a marks CSV (no services needed).

A bad line never stops a run: each line is decoded and checked on its own, and one that cannot be
used (not UTF-8, not JSON, not an object, no usable ``id`` or ``title``, a title over
``MAX_TITLE_CHARS``) is reported with its line number and skipped. Context fields of the wrong
type are left out of that listing's context, with a warning. Every other line is matched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from detection.matcher import Matcher
from detection.vocabulary import learn_vocabulary

# Marketplace titles run to a few hundred characters (Amazon allows 200, eBay 80); a longer one
# is a description or a broken scrape. It is rejected, not truncated: a cut title can hide or invent a hit.
MAX_TITLE_CHARS = 2_000
TEXT_FIELDS = ("category", "seller", "currency", "brand")


class ListingsFileError(ValueError):
    """A listings JSON-lines file cannot be read at all; the message names the file."""


@dataclass(frozen=True)
class LineProblem:
    """A line of the listings file that was skipped (or matched with a field left out)."""

    line: int
    reason: str
    skipped: bool = True


@dataclass
class OfflineSummary:
    """Counts of one offline match run."""

    listings: int = 0
    listings_with_hits: int = 0
    hits: int = 0


Report = Callable[[LineProblem], None]


def _listing(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The listing on one line, or None and why it cannot be used."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
    try:
        listing = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, "not JSON (nested too deeply)"
    if not isinstance(listing, dict):
        return None, f"a JSON {type(listing).__name__}, not an object with 'id' and 'title'"
    listing_id = listing.get("id")
    if listing_id is None or isinstance(listing_id, bool) or not isinstance(listing_id, str | int) or listing_id == "":
        return None, "no 'id' (it must be a non-empty string or an integer)"
    title = listing.get("title")
    if not isinstance(title, str):
        kind = "missing" if title is None else f"a JSON {type(title).__name__}, not text"
        return None, f"'title' is {kind}"
    if not title.strip():
        return None, "'title' is empty"
    if len(title) > MAX_TITLE_CHARS:
        return None, f"'title' has {len(title):,} characters, over the limit of {MAX_TITLE_CHARS:,}"
    return listing, None


def read_listings(path: Path, *, report: Report | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, listing)`` for every usable line of a JSON-lines file; blank lines are ignored.

    Each line that cannot be used goes to ``report`` (with its number and why) and is skipped.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ListingsFileError(f"cannot open listings file {path}: {exc.strerror}") from exc
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            listing, problem = _listing(raw.rstrip(b"\r\n"))
            if listing is None:
                if report is not None:
                    report(LineProblem(number, problem or "unusable"))
                continue
            yield number, listing


def learn_from_listings(path: Path) -> set[str]:
    """The domain vocabulary of a listings file itself (:func:`detection.vocabulary.learn_vocabulary` over its
    usable lines' titles and brand fields): with no vocabulary given, the batch vouches for its own product
    names, which appear under several brands or in many listings."""
    def records() -> Iterator[tuple[str | None, str | None]]:
        for _, listing in read_listings(path):
            brand = listing.get("brand")
            yield listing["title"], brand if isinstance(brand, str) else None

    return learn_vocabulary(records())


def count_lines(path: Path) -> int:
    """How many non-blank lines the file has (for a progress bar)."""
    with path.open("rb") as handle:
        return sum(1 for raw in handle if raw.strip())


def _context(number: int, listing: dict[str, Any], report: Report | None) -> dict[str, Any]:
    """The listing's context for the matcher: text fields as text, the price as a finite number."""
    context: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        value = listing.get(key)
        if value is None or isinstance(value, str):
            context[key] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            context[key] = str(value)
        else:
            context[key] = None
            if report is not None:
                report(LineProblem(number, f"'{key}' is a JSON {type(value).__name__}, not text; "
                                           "matched without it", skipped=False))
    price = listing.get("price")
    try:
        context["price"] = None if price is None or isinstance(price, bool) else float(price)
    except (TypeError, ValueError):
        context["price"] = None
    if context["price"] is not None and not math.isfinite(context["price"]):
        context["price"] = None
    if price is not None and context["price"] is None and report is not None:
        report(LineProblem(number, f"'price' {json.dumps(price)[:40]} is not a number; matched without it",
                           skipped=False))
    return context


def match_listings(matcher: Matcher, listings: Iterator[tuple[int, dict[str, Any]]], out: TextIO, *,
                   score_cutoff: float, batch_size: int = 500, report: Report | None = None,
                   progress: Callable[[int], None] | None = None) -> OfflineSummary:
    """Write one JSON line per hit (in input order, best first per listing); returns the counts.

    A listing the matcher fails on is reported and skipped; the rest of its batch is still matched.
    """
    names = {mark.id: mark.text for mark in matcher.marks}
    summary = OfflineSummary()

    def skip(problem: LineProblem) -> None:
        if report is not None:
            report(problem)

    while batch := list(islice(listings, batch_size)):
        contexts = [_context(number, listing, skip) for number, listing in batch]
        titles = [listing["title"] for _, listing in batch]
        results: list[list[Any] | None]
        try:
            results = list(matcher.match_many(titles, score_cutoff=score_cutoff, contexts=contexts))
        except Exception:  # noqa: BLE001 - one listing must not cost the run: find it, report it, go on
            results = [_match_one(matcher, number, title, context, score_cutoff, skip)
                       for (number, _), title, context in zip(batch, titles, contexts, strict=True)]
        for (_, listing), matches in zip(batch, results, strict=True):
            if matches is None:
                continue
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


def _match_one(matcher: Matcher, number: int, title: str, context: dict[str, Any], score_cutoff: float,
               skip: Report) -> list[Any] | None:
    try:
        return list(matcher.match(title, score_cutoff=score_cutoff, context=context))
    except Exception as exc:  # noqa: BLE001 - reported with the line, the run goes on
        skip(LineProblem(number, f"the matcher failed on it ({type(exc).__name__}: {exc})"))
        return None
