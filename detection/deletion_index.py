"""Subsequence (SymSpell-style deletion) indices behind :class:`detection.index.CandidateIndex`.

They find every form whose ``partial_ratio`` against a window of a text can reach the cutoff, by
looking up hashed subsequences of the form in hashed subsequences of the text's windows; hash
collisions only add candidates, which rapidfuzz then scores, so the search stays exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations

import numpy as np


class DeletionIndex:
    """Forms of 3, 5 and 6 characters by their deletions, for windows at the start or end of a text.

    Such a form reaches the cutoff (80 to 99) on a shorter edge window only when the window is the
    form with one character missing (3, 5, 6) or two (5, 6): an exact lookup of the text's first
    and last characters. Full-length windows are :class:`WindowIndex`'s; longer forms' edge
    windows are :class:`EdgeIndex`'s.
    """

    LENGTHS: tuple[int, ...] = ()
    EDGE_LENGTHS = (3, 5, 6)

    def __init__(self, forms: Sequence[str], lengths: np.ndarray) -> None:
        self.two: dict[int, dict[str, set[int]]] = {n: {} for n in self.EDGE_LENGTHS if n > 3}
        self.one: dict[int, dict[str, set[int]]] = {n: {} for n in (*self.LENGTHS, *self.EDGE_LENGTHS)}
        for column, form in enumerate(forms):
            n = len(form)
            if n not in self.one:
                continue
            for variant in _deleted(form):
                self.one[n].setdefault(variant, set()).add(column)
                if n not in self.two:
                    continue
                for smaller in _deleted(variant):
                    self.two[n].setdefault(smaller, set()).add(column)

    def covers_edges(self, lengths: np.ndarray, score_cutoff: float) -> np.ndarray:
        """Which forms this index also finds at the edges of the text (shorter windows) at ``score_cutoff``."""
        if not 80 <= score_cutoff < 100:
            return np.zeros(len(lengths), dtype=bool)
        return np.isin(lengths, self.EDGE_LENGTHS)

    def search(self, text: str) -> set[int]:
        """Forms within one edit of a window of ``text``, or fully matched at its edges."""
        found: set[int] = set()
        for n in self.EDGE_LENGTHS:
            one, two = self.one[n], self.two.get(n, {})
            for edge in (text[:n - 1], text[-(n - 1):]):
                found |= one.get(edge, set())
            for edge in (text[:n - 2], text[-(n - 2):]) if two else ():
                found |= two.get(edge, set())
        return found


def _deleted(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def _least(length: int, window: int, score_cutoff: float) -> int:
    """The longest common subsequence a needle of ``length`` needs with a ``window`` to reach the cutoff."""
    return max(0, math.ceil(score_cutoff * (length + window) / 200 - 1e-9))


def _sorted_lookup(table: np.ndarray, payload: np.ndarray, query: np.ndarray,
                   query_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, payload) for every entry of the sorted ``table`` equal to a query key, duplicates included."""
    low = np.searchsorted(table, query, "left")
    counts = np.searchsorted(table, query, "right") - low
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(query_rows, counts), payload[np.repeat(low, counts) + offsets]


class _LengthScoped:
    """An index that is exhaustive for forms of ``LENGTHS`` at cutoffs of ``LEAST_CUTOFF`` and above."""

    LENGTHS: tuple[int, ...] = ()
    LEAST_CUTOFF = 80.0

    @classmethod
    def covers(cls, lengths: np.ndarray, score_cutoff: float) -> np.ndarray:
        """Which forms (by length) this index finds exhaustively at ``score_cutoff``."""
        if score_cutoff < cls.LEAST_CUTOFF:
            return np.zeros(len(lengths), dtype=bool)
        return np.isin(lengths, cls.LENGTHS)


class EdgeIndex(_LengthScoped):
    """Forms of 7-12 characters by their subsequences, for windows at the start or end of a text.

    rapidfuzz also scores a form of length ``L`` against the text's first and last ``w < L``
    characters; such a window reaches the cutoff only if it shares a common subsequence of
    ``m = least(L, w)`` characters with the form. At cutoffs of 80 and above ``m`` is within two
    of ``w``, so every length-``m`` subsequence of the form is indexed (by hash, in sorted numpy
    arrays) and each edge window looks up its few length-``m`` subsequences: exact (hash
    collisions only add candidates, which rapidfuzz then scores), unlike a bigram count.
    """

    LENGTHS = (7, 8, 9, 10, 11, 12)

    def __init__(self, forms: Sequence[str], score_cutoff: float) -> None:
        self.needs = {n: [(w, m) for w in range(1, n) if (m := _least(n, w, score_cutoff)) <= w]
                      for n in self.LENGTHS}
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n in self.LENGTHS:
            sizes = {m for _w, m in self.needs[n]}
            hashes: list[int] = []
            columns: list[int] = []
            for column, form in enumerate(forms):
                if len(form) != n:
                    continue
                keys = {hash("".join(s)) for m in sizes for s in combinations(form, m)}
                hashes.extend(keys)
                columns.extend([column] * len(keys))
            order = np.argsort(np.array(hashes, dtype=np.int64), kind="stable")
            self.tables[n] = (np.array(hashes, dtype=np.int64)[order], np.array(columns, dtype=np.int64)[order])

    def search(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text row, form column) pairs whose edge windows share a long enough subsequence."""
        found_rows: list[np.ndarray] = []
        found_cols: list[np.ndarray] = []
        for n, (table, columns) in self.tables.items():
            if not table.size:
                continue
            rows: list[int] = []
            keys: list[int] = []
            for row, text in enumerate(texts):
                mine = {hash("".join(s)) for w, m in self.needs[n]
                        for edge in (text[:w], text[-w:]) for s in combinations(edge, m)}
                keys.extend(mine)
                rows.extend([row] * len(mine))
            if not keys:
                continue
            found = _sorted_lookup(table, columns, np.array(keys, dtype=np.int64), np.array(rows, dtype=np.int64))
            found_rows.append(found[0])
            found_cols.append(found[1])
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_rows), np.concatenate(found_cols)


_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64: hashes wrap around in uint64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_FILTER_BITS = 25


def _powers(base: int, count: int) -> np.ndarray:
    """``base ** k`` modulo 2**64 for k < count."""
    out = np.ones(max(count, 1), dtype=np.uint64)
    out[1:] = np.uint64(base)
    return np.cumprod(out, dtype=np.uint64)


class _Prefix:
    """Prefix sums of ``text[j] * BASE**j`` (modulo 2**64) over the concatenated texts, for subsequence keys."""

    def __init__(self, texts: Sequence[str]) -> None:
        codes = np.fromiter((ord(ch) for t in texts for ch in t), dtype=np.uint64)
        size = codes.size
        self.inverse = _powers(_BASE_INVERSE, size + 1)
        self.sums = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(codes * _powers(_BASE, size + 1)[:size], dtype=np.uint64, out=self.sums[1:])

    def keys(self, starts: np.ndarray, n: int, dropped: np.ndarray) -> np.ndarray:
        """Hash of each window ``[start, start + n)`` with each pattern of positions dropped (windows × patterns).

        The hash of ``s`` is ``sum s[j] * BASE**j`` modulo 2**64, so equal strings get equal keys
        whatever their offsets, and a pattern costs a few vector operations.
        """
        pieces = dropped.shape[1] + 1
        begin = np.concatenate([np.zeros((len(dropped), 1), dtype=np.int64), dropped + 1], axis=1)
        end = np.concatenate([dropped, np.full((len(dropped), 1), n, dtype=np.int64)], axis=1)
        at = starts[:, None]
        keys = np.zeros((len(starts), len(dropped)), dtype=np.uint64)
        for piece in range(pieces):
            keys += (self.sums[at + end[None, :, piece]] - self.sums[at + begin[None, :, piece]]) * self.inverse[piece]
        return keys * self.inverse[starts][:, None]


class WindowIndex(_LengthScoped):
    """Forms of 5-12 characters by their subsequences, for full-length windows of a text.

    A form of length ``n`` reaches the cutoff on a window of ``n`` characters only when they share
    a common subsequence of ``m = least(n, n)`` characters, i.e. ``n - m`` deletions from each
    side give the same string (SymSpell). At cutoffs from 80 that is at most two deletions for
    these lengths. Every length-``m`` subsequence of each form is indexed by a 62-bit hash; the
    texts' windows are hashed all at once with numpy (one gather and dot product per deletion
    pattern), screened by a bit filter and looked up in sorted arrays. Exact: a hash collision
    only adds a candidate, which rapidfuzz then scores.
    """

    LENGTHS = (5, 6, 7, 8, 9, 10, 11, 12)

    def __init__(self, forms: Sequence[str], score_cutoff: float) -> None:
        self.patterns: dict[int, np.ndarray] = {}
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.filter = np.zeros(1 << _FILTER_BITS, dtype=bool)
        for n in self.LENGTHS:
            dropped = n - _least(n, n, score_cutoff)
            patterns = list(combinations(range(n), dropped))
            self.patterns[n] = np.array(patterns, dtype=np.int64).reshape(len(patterns), dropped)
            columns = np.array([c for c, form in enumerate(forms) if len(form) == n], dtype=np.int64)
            if not columns.size:
                continue
            starts = np.arange(columns.size, dtype=np.int64) * n
            keys = _Prefix([forms[c] for c in columns]).keys(starts, n, self.patterns[n])
            flat = keys.ravel()
            owners = np.repeat(columns, keys.shape[1])
            order = np.argsort(flat, kind="stable")
            self.tables[n] = (flat[order], owners[order])
            self.filter[self._slot(flat, n)] = True

    @staticmethod
    def _slot(keys: np.ndarray, n: int) -> np.ndarray:
        return ((keys ^ np.uint64(n)) * np.uint64(0xBF58476D1CE4E5B9)) >> np.uint64(64 - _FILTER_BITS)

    def search(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(text row, form column) pairs where some window of the text shares the needed subsequence."""
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        offsets = np.cumsum(lengths) - lengths
        prefix = _Prefix(texts)
        found_rows: list[np.ndarray] = []
        found_cols: list[np.ndarray] = []
        for n, (table, owners) in self.tables.items():
            counts = np.maximum(lengths - n + 1, 0)
            total = int(counts.sum())
            if not total:
                continue
            rows = np.repeat(np.arange(len(texts)), counts)
            starts = np.arange(total) + np.repeat(offsets - (np.cumsum(counts) - counts), counts)
            keys = prefix.keys(starts, n, self.patterns[n])  # (windows, patterns)
            hit = self.filter[self._slot(keys, n)]
            if not hit.any():
                continue
            window, _pattern = np.nonzero(hit)
            found = _sorted_lookup(table, owners, keys[hit], rows[window])
            found_rows.append(found[0])
            found_cols.append(found[1])
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_rows), np.concatenate(found_cols)
