"""Split letters written without spaces into words: "rothysshoessale" → rothys · shoes · sale.

Unigram word segmentation by dynamic programming. A piece costs what a word of its web frequency
would (``9 - zipf``: -log10 of its share of words, :mod:`detection.lexicon`), a run of digits costs
little, anything else is junk at :data:`JUNK_COST` a character — more than any word costs — so the
cheapest split uses the words that are there. :class:`Segmentation` keeps the best cost of every
prefix and every suffix, so the cost of the best split that takes a given slice as one piece (a
mark form, say) is known at once: ``forced_cost``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from detection import lexicon

JUNK_COST = 6.0  # a character that is no part of a known word
DIGITS_COST = 1.0  # a run of digits (a year, a ticket number)
DICTIONARY_ONLY_ZIPF = 1.0  # a dictionary word without a web frequency counts as this rare
MAX_WORD = 24  # longer pieces are not looked up
# The lexicon lists words of three letters or more; these English ones are shorter and everywhere
# in host names ("my-account", "go-login", "id-verify"), at the cost of a frequent word.
SHORT_WORDS = frozenset("a i an as at be by do go id if in is it me my no of on or so to up us we".split())
SHORT_WORD_COST = 3.0


@dataclass(frozen=True)
class Piece:
    """One piece of a segmentation: ``text[start:end]`` and what it is."""

    start: int
    end: int
    text: str
    kind: str  # word | digits | junk


@lru_cache(maxsize=1 << 16)
def word_cost(word: str) -> float | None:
    """The cost of ``word`` as one piece, or None if the language does not know it."""
    if word in SHORT_WORDS:
        return SHORT_WORD_COST
    frequency = lexicon.zipf(word)
    if frequency <= 0.0:
        if not lexicon.is_dictionary_word(word):
            return None
        frequency = DICTIONARY_ONLY_ZIPF
    return max(1.0, 9.0 - frequency)


class Segmentation:
    """The cheapest splits of ``text`` (letters and digits, no spaces) into words, digits and junk."""

    def __init__(self, text: str) -> None:
        self.text = text
        n = len(text)
        # Every piece that may start at each position: (end, cost, kind).
        starting: list[list[tuple[int, float, str]]] = [[] for _ in range(n)]
        for start in range(n):
            if text[start].isdigit():
                end = start
                while end < n and text[end].isdigit():
                    end += 1
                starting[start].append((end, DIGITS_COST, "digits"))
            else:
                starting[start].append((start + 1, JUNK_COST, "junk"))
            for end in range(start + 1, min(n, start + MAX_WORD) + 1):
                cost = word_cost(text[start:end])
                if cost is not None:
                    starting[start].append((end, cost, "word"))
        inf = float("inf")
        self.prefix = [0.0] + [inf] * n  # best cost of text[:i]
        self._back: list[tuple[int, str]] = [(0, "")] * (n + 1)
        for start in range(n):
            for end, cost, kind in starting[start]:
                if self.prefix[start] + cost < self.prefix[end]:
                    self.prefix[end] = self.prefix[start] + cost
                    self._back[end] = (start, kind)
        self.suffix = [inf] * n + [0.0]  # best cost of text[i:]
        self._next: list[tuple[int, str]] = [(n, "")] * (n + 1)
        for start in range(n - 1, -1, -1):
            for end, cost, kind in starting[start]:
                if cost + self.suffix[end] < self.suffix[start]:
                    self.suffix[start] = cost + self.suffix[end]
                    self._next[start] = (end, kind)

    @property
    def cost(self) -> float:
        """The cost of the best split of the whole text."""
        return self.prefix[-1]

    def forced_cost(self, start: int, end: int, cost: float) -> float:
        """The cost of the best split that takes ``text[start:end]`` as one piece costing ``cost``."""
        return self.prefix[start] + cost + self.suffix[end]

    def pieces(self) -> list[Piece]:
        """The best split of the whole text."""
        return self.before(len(self.text))

    def before(self, end: int) -> list[Piece]:
        """The best split of ``text[:end]``; consecutive junk characters as one piece."""
        pieces: list[Piece] = []
        while end > 0:
            start, kind = self._back[end]
            pieces.append(Piece(start, end, self.text[start:end], kind))
            end = start
        return _merge_junk(pieces[::-1])

    def after(self, start: int) -> list[Piece]:
        """The best split of ``text[start:]``; consecutive junk characters as one piece."""
        pieces: list[Piece] = []
        while start < len(self.text):
            end, kind = self._next[start]
            pieces.append(Piece(start, end, self.text[start:end], kind))
            start = end
        return _merge_junk(pieces)


def _merge_junk(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if piece.kind == "junk" and merged and merged[-1].kind == "junk":
            last = merged.pop()
            piece = Piece(last.start, piece.end, last.text + piece.text, "junk")
        merged.append(piece)
    return merged


def segment(text: str) -> list[Piece]:
    """The cheapest split of ``text`` into words, digit runs and junk."""
    return Segmentation(text).pieces()
