"""The demo marketplace's search engine: fuzzy token matching on titles, as a shop's search would.

Titles and brands are folded (NFKC, case, accents, invisible characters) and split into tokens;
adjacent short tokens are also joined ("s o n y", "sam-sung" are found by "sony", "samsung"). A
query token matches a title token exactly, as its prefix (three letters or more) or within the edits
Elasticsearch's ``fuzziness: AUTO`` allows (none up to two letters, one up to five, two beyond), so
"sony" also finds "sonu" and "snoy" but not "50ny"; a token in Han characters matches inside one.
Every query token must match; results are ranked by how well (exact, prefix, fuzzy), then catalogue order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from markwatch.demo_market.catalogue import Listing

_SPLIT = re.compile(r"[^\w]+|_")
_HAN = re.compile(r"[\u3400-\u9fff]")
EXACT, PREFIX, FUZZY = 3, 2, 1


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) not in ("Mn", "Cf"))
    return unicodedata.normalize("NFC", text)


def tokens(text: str) -> list[str]:
    return [t for t in _SPLIT.split(fold(text)) if t]


def allowed_edits(token: str) -> int:
    return 0 if len(token) <= 2 else 1 if len(token) <= 5 else 2


class SearchEngine:
    """An inverted index over listing titles and brands, built once per catalogue."""

    def __init__(self, listings: list[Listing]) -> None:
        self.listings = listings
        self.postings: dict[str, set[int]] = defaultdict(set)
        for number, listing in enumerate(listings):
            words = tokens(f"{listing.title} {listing.brand or ''}")
            for i, word in enumerate(words):
                self.postings[word].add(number)
                joined = word
                for other in words[i + 1:i + 12]:  # "s o n y", "sam sung": the words a shop decompounds
                    joined += other
                    if len(joined) > 12:
                        break
                    self.postings[joined].add(number)
        self.vocabulary = list(self.postings)

    def _matches(self, token: str) -> dict[int, int]:
        """Listing number → best match quality of ``token``."""
        found: dict[int, int] = {}

        def add(word: str, quality: int) -> None:
            for number in self.postings[word]:
                found[number] = max(found.get(number, 0), quality)

        if _HAN.search(token):
            for word in self.vocabulary:
                if token in word:
                    add(word, EXACT if word == token else PREFIX)
            return found
        if token in self.postings:
            add(token, EXACT)
        if len(token) >= 3:
            for word in self.vocabulary:
                if word != token and word.startswith(token):
                    add(word, PREFIX)
        edits = allowed_edits(token)
        if edits:
            for word, _, _ in process.extract(token, self.vocabulary, scorer=DamerauLevenshtein.distance,
                                              score_cutoff=edits, limit=None):
                if word != token:
                    add(word, FUZZY)
        return found

    def search(self, query: str) -> list[Listing]:
        """The listings matching every token of ``query``, best first."""
        words = tokens(query)
        if not words:
            return []
        scores: dict[int, int] | None = None
        for word in words:
            matched = self._matches(word)
            scores = matched if scores is None else {n: s + matched[n] for n, s in scores.items() if n in matched}
        ranked = sorted((scores or {}).items(), key=lambda item: (-item[1], item[0]))
        return [self.listings[number] for number, _ in ranked]
