"""A blocking index over normalised mark forms: a listing is scored against a few marks, not all.

The filter is a q-gram count filter on character bigrams. For a mark form of length ``L`` and a
cutoff ``c``, rapidfuzz's ``partial_ratio`` can only reach ``c`` on a title window whose longest
common subsequence with the form misses at most ``u`` of the form's characters (and so holds at
most ``u`` inserted characters). A missing character breaks at most two of the form's bigrams and
an inserted one at most one more, so such a title shares at least ``n - 3u`` of the form's ``n``
distinct bigrams. Forms sharing fewer cannot score ``c`` and are skipped; the survivors are scored
by rapidfuzz. The counting is one sparse matrix product per batch of titles (scipy), and the
scoring one ``rapidfuzz.process.cpdist`` call per batch, so Python does not loop over marks.

``brute_force`` is the slow reference the property tests and the benchmark compare against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse


SHORT_TEXT = 4  # texts shorter than this are compared with every form (their bigram bound can be 0)


@cache
def losses(length: int, score_cutoff: float) -> tuple[int, int]:
    """How many of a needle's bigrams a window may break while partial_ratio still reaches the cutoff.

    Returns (full-length windows, shorter windows at the start or end of the text). A window
    whose longest common subsequence with the needle is ``m`` long breaks at most
    ``2 (length - m) + (window - m)`` bigram positions; rapidfuzz scores a window of ``w``
    characters as ``200 m / (length + w)``.
    """
    if length <= 1:
        return (0, 0)

    def loss(window: int) -> int | None:
        least = max(0, math.ceil(score_cutoff * (length + window) / 200 - 1e-9))
        return None if least > window else 2 * length + window - 3 * least

    full = loss(length) or 0
    edge = max((v for w in range(1, length) if (v := loss(w)) is not None), default=0)
    return full, edge


def bigrams(text: str) -> set[str]:
    """The distinct character bigrams of ``text``."""
    return {text[i:i + 2] for i in range(len(text) - 1)}


def brute_force(text: str, forms: Sequence[str], *, score_cutoff: float) -> list[tuple[int, float]]:
    """(form index, score) for every form whose partial_ratio with ``text`` reaches the cutoff."""
    return [(index, score) for _form, score, index in
            process.extract(text, forms, scorer=fuzz.partial_ratio, score_cutoff=score_cutoff, limit=None)]


class CandidateIndex:
    """Bigram count-filter index over mark forms; ``search_many`` returns verified (form, score) pairs."""

    def __init__(self, forms: Sequence[str], *, batch_size: int = 256) -> None:
        self.forms = list(forms)
        self.batch_size = batch_size
        self._vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        distinct = np.zeros(len(self.forms), dtype=np.int32)
        for column, form in enumerate(self.forms):
            grams = bigrams(form)
            distinct[column] = len(grams)
            for gram in grams:
                rows.append(self._vocab.setdefault(gram, len(self._vocab)))
                cols.append(column)
        self._distinct = distinct
        self._lengths = np.array([len(f) for f in self.forms], dtype=np.int32)
        self._matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(max(len(self._vocab), 1), len(self.forms))
        )
        self._tiny = np.flatnonzero(self._lengths < 2)
        top = int(self._lengths.max(initial=1))
        self._edge_reaches = [r for r in (3, 5, 7, 9, 12, 16, 24) if r < top] + [max(top - 1, 1)]
        self._thresholds: dict[float, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.forms)

    def _threshold(self, score_cutoff: float) -> tuple[np.ndarray, np.ndarray]:
        """Per form: shared bigrams needed anywhere in the text, and within the text's first/last characters."""
        cached = self._thresholds.get(score_cutoff)
        if cached is None:
            pairs = np.array([losses(int(n), score_cutoff) for n in self._lengths], dtype=np.int32).reshape(-1, 2)
            cached = (np.maximum(1, self._distinct - pairs[:, 0]), np.maximum(1, self._distinct - pairs[:, 1]))
            self._thresholds[score_cutoff] = cached
        return cached

    def search(self, text: str, *, score_cutoff: float) -> list[tuple[int, float]]:
        """Forms whose partial_ratio with ``text`` reaches ``score_cutoff``, as (form index, score)."""
        return self.search_many([text], score_cutoff=score_cutoff)[0]

    def search_many(self, texts: Sequence[str], *, score_cutoff: float) -> list[list[tuple[int, float]]]:
        """``search`` for many texts, batched; results in input order, each sorted by form index."""
        results: list[list[tuple[int, float]]] = [[] for _ in texts]
        for position, text in enumerate(texts):
            if len(text) < SHORT_TEXT:
                results[position] = brute_force(text, self.forms, score_cutoff=score_cutoff)
        for start in range(0, len(texts), self.batch_size):
            chunk = [t if len(t) >= SHORT_TEXT else "" for t in texts[start:start + self.batch_size]]
            rows, cols = self._candidates(chunk, score_cutoff)
            if rows.size == 0:
                continue
            queries = [chunk[r] for r in rows]
            choices = [self.forms[c] for c in cols]
            scores = process.cpdist(queries, choices, scorer=fuzz.partial_ratio, score_cutoff=score_cutoff,
                                    dtype=np.float64)
            keep = np.flatnonzero(scores >= score_cutoff)
            for k in keep:
                results[start + int(rows[k])].append((int(cols[k]), float(scores[k])))
        for found in results:
            found.sort()
        return results

    def _query(self, texts: Sequence[str]) -> tuple[sparse.coo_matrix, np.ndarray]:
        """Shared distinct bigrams of each text with each form (sparse) and each text's distinct bigram count."""
        vocab = self._vocab
        rows: list[int] = []
        cols: list[int] = []
        counts = np.zeros(len(texts), dtype=np.int32)
        for row, text in enumerate(texts):
            grams = bigrams(text)
            counts[row] = len(grams)
            for gram in grams:
                column = vocab.get(gram)
                if column is not None:
                    rows.append(row)
                    cols.append(column)
        query = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                  shape=(len(texts), self._matrix.shape[0]))
        return (query @ self._matrix).tocoo(), counts

    def _candidates(self, texts: Sequence[str], score_cutoff: float) -> tuple[np.ndarray, np.ndarray]:
        """(text row, form column) pairs that pass the count filter, without duplicates."""
        full_limit, edge_limit = self._threshold(score_cutoff)
        lengths = np.array([len(t) for t in texts], dtype=np.int32)
        shared, counts = self._query(texts)
        # When the text is the shorter string, rapidfuzz slides the text over the form instead.
        text_loss = np.array([max(losses(int(n), score_cutoff)) for n in lengths], dtype=np.int32)
        text_limit = np.maximum(1, counts - text_loss)
        swapped = lengths[shared.row] < self._lengths[shared.col]
        limit = np.where(swapped, text_limit[shared.row], full_limit[shared.col])
        selected = [self._pairs(shared, shared.data >= limit)]
        # Windows shorter than the form at the start or end of the text tolerate more loss; they lie
        # within the first (last) length-1 characters, so only forms up to that length are counted.
        looser = edge_limit < full_limit
        for reach in self._edge_reaches:
            columns = looser & (self._lengths <= reach + 1)
            if not columns.any():
                continue
            for part in ([t[:reach] for t in texts], [t[-reach:] for t in texts]):
                edge, _ = self._query(part)
                ok = (edge.data >= edge_limit[edge.col]) & columns[edge.col]
                selected.append(self._pairs(edge, ok))
        for row, column in self._short_pairs(texts, lengths):
            selected.append(sparse.coo_matrix(([1], ([row], [column])), shape=shared.shape))
        union = selected[0]
        for extra in selected[1:]:
            union = union + extra
        union = sparse.coo_matrix(union)
        union.sum_duplicates()
        return union.row, union.col

    @staticmethod
    def _pairs(matrix: sparse.coo_matrix, keep: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int8), (matrix.row[keep], matrix.col[keep])),
                                 shape=matrix.shape)

    def _short_pairs(self, texts: Sequence[str], lengths: np.ndarray) -> set[tuple[int, int]]:
        """Pairs with a one-character form, which has no bigram to filter on: checked directly."""
        pairs: set[tuple[int, int]] = set()
        for column in self._tiny:
            for row in np.flatnonzero(lengths >= SHORT_TEXT):
                pairs.add((int(row), int(column)))
        return pairs
