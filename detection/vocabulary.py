"""Ordinary words: a fuzzy match that lands on one is not a variant of a mark.

"case" is one letter from ACASE and "netbook" one from NEXTBOOK, yet neither is a counterfeit
spelling. Two sources say which words are ordinary: frequent English words (vendored, see
``detection/data/README.md``) and the domain vocabulary learned from the collected listings —
the words that appear in the titles of at least ``MIN_BRANDS`` different brands, or of at least
``MIN_LISTINGS`` listings (a product line's own name, "powerlite"). A counterfeit spelling lives
under one brand (its own or a generic one) and is spelt like that brand, so it stays out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from detection.normalise import normalise

MIN_BRANDS = 3
MIN_LISTINGS = 8
MIN_LENGTH = 3
# Brand fields that say nothing about who makes the product: they must not vouch for a word.
GENERIC_BRANDS = frozenset({"", "generic", "unbranded", "unknown", "none", "no brand", "n/a", "na", "oem",
                            "other", "others", "brand", "nobrand", "not applicable"})
_HEADER = ("# markwatch domain vocabulary: words seen in listing titles of at least {n} brands.\n"
           "# Fuzzy matches on these words are not reported. Rebuild with `markwatch vocabulary learn`.\n")


def learn_vocabulary(records: Iterable[tuple[str | None, str | None]], *, min_brands: int = MIN_BRANDS,
                     min_listings: int = MIN_LISTINGS) -> set[str]:
    """The words of the ``(title, brand)`` records' titles that appear under ``min_brands`` brands or more,
    or in ``min_listings`` listings or more (a product line's own name: "powerlite", "pixma").

    A word spelt like the listing's own brand field (up to two edits) never counts for the second rule:
    a counterfeiter's listings repeat their spelling of the brand ("addidas" under "Addidas").
    """
    brands_of: dict[str, set[str]] = {}
    listings_of: Counter[str] = Counter()
    for title, brand in records:
        owner = normalise(brand or "")
        if owner in GENERIC_BRANDS:
            continue
        joined_owner = owner.replace(" ", "")
        for word in set(normalise(title or "").split()):
            if len(word) >= MIN_LENGTH and word.isalpha():
                owners = brands_of.setdefault(word, set())
                if len(owners) < min_brands:
                    owners.add(owner)
                if Levenshtein.distance(word, joined_owner, score_cutoff=3) > 2:
                    listings_of[word] += 1
    return {word for word, owners in brands_of.items()
            if len(owners) >= min_brands or listings_of[word] >= min_listings}


def write_vocabulary(words: Iterable[str], path: Path, *, min_brands: int = MIN_BRANDS) -> int:
    """Write ``words`` sorted, one per line, atomically; returns how many were written."""
    ordered = sorted(set(words))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(_HEADER.format(n=min_brands) + "".join(f"{w}\n" for w in ordered), encoding="utf-8")
    partial.replace(path)
    return len(ordered)


def read_vocabulary(path: Path | None) -> frozenset[str]:
    """The words in a vocabulary file; nothing when ``path`` is None or does not exist yet."""
    if path is None or not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line) for line in lines if line.strip() and not line.startswith("#"))
