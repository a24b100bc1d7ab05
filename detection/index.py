"""A blocking index over normalised mark forms: a listing is scored against a few marks, not all.

rapidfuzz's ``partial_ratio`` scores a form of length ``L`` against every ``L``-character window
of the text and against shorter windows at its start and end (``200 m / (L + w)`` for a window of
``w`` characters sharing a longest common subsequence of ``m``). Candidates come from:

- forms of 5-12 characters, full windows: :class:`WindowIndex`, a deletion (SymSpell) index of
  hashed subsequences, with every window of a batch of texts hashed at once in numpy;
- forms of 3 and 5-12 characters, edge windows: :class:`DeletionIndex` and :class:`EdgeIndex`
  (subsequences of the form against those of the text's first and last characters);
- every other case (shorter or longer forms, texts no longer than the form, cutoffs below 80):
  a q-gram count filter on character bigrams. A window whose longest common subsequence with the
  form misses ``u`` of the form's characters shares at least ``n - 3u`` of its ``n`` distinct
  bigrams; the counting is one sparse matrix product per batch of titles (scipy).

All of these are exact (they never drop a pair that reaches the cutoff; hash collisions only add
candidates), and the survivors are scored in one ``rapidfuzz.process.cpdist`` call per batch.
``brute_force`` is the slow reference the property tests and the benchmark compare against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from detection.deletion_index import DeletionIndex, EdgeIndex, WindowIndex

EDGE_BUCKETS = [0, 6, 9, 16]  # forms up to each length get their edge windows counted separately
SEGMENT = 32  # full-length windows of forms up to SEGMENT // 2 characters are counted per segment
LONG_FORM = 24  # texts longer than this are compared as the shorter string only with longer forms
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
        self._grams: list[list[int]] = []
        for form in self.forms:
            self._grams.append(sorted(self._vocab.setdefault(g, len(self._vocab)) for g in bigrams(form)))
        frequency = np.bincount([g for grams in self._grams for g in grams], minlength=len(self._vocab))
        # Each form's bigrams, rarest first: a prefix of this list is what the form is indexed under.
        self._by_rarity = [sorted(grams, key=lambda g: (frequency[g], g)) for grams in self._grams]
        self._distinct = np.array([len(g) for g in self._grams], dtype=np.int32)
        self._lengths = np.array([len(f) for f in self.forms], dtype=np.int32)
        self._matrix = self._index_matrix(self._distinct)
        self._long = self._index_matrix(np.where(self._lengths > LONG_FORM, self._distinct, 0))
        self._tiny = np.flatnonzero(self._lengths < 2)
        self._max_length = int(self._lengths.max(initial=1))
        self._deletions = DeletionIndex(self.forms, self._lengths)
        self._windows: dict[float, WindowIndex] = {}
        self._plans: dict[float, _Plan] = {}
        self._edge_indexes: dict[float, EdgeIndex] = {}

    def __len__(self) -> int:
        return len(self.forms)

    def _index_matrix(self, prefix: np.ndarray) -> sparse.csr_matrix:
        """Bigram × form matrix holding each form's ``prefix[form]`` rarest bigrams."""
        rows = [g for column, grams in enumerate(self._by_rarity) for g in grams[:max(int(prefix[column]), 0)]]
        cols = [column for column, grams in enumerate(self._by_rarity) for _ in grams[:max(int(prefix[column]), 0)]]
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                 shape=(max(len(self._vocab), 1), len(self.forms)))

    def _plan(self, score_cutoff: float) -> _Plan:
        """Per cutoff: the pruned matrices (prefix filtering) and which forms use the deletion index."""
        plan = self._plans.get(score_cutoff)
        if plan is None:
            budget = np.array([losses(int(n), score_cutoff) for n in self._lengths], dtype=np.int32).reshape(-1, 2)
            full = np.maximum(1, self._distinct - budget[:, 0])
            edge = np.maximum(1, self._distinct - budget[:, 1])
            by_deletion = WindowIndex.covers(self._lengths, score_cutoff)
            if by_deletion.any():
                self._windows[score_cutoff] = WindowIndex(self.forms, score_cutoff)
            # A form needing t of its n bigrams shares at least one of any n - t + 1 of them.
            near = (self._lengths + budget[:, 0] <= SEGMENT // 2) & ~by_deletion
            far = ~near & ~by_deletion
            edges_covered = self._deletions.covers_edges(self._lengths, score_cutoff) | EdgeIndex.covers(
                self._lengths, score_cutoff)
            if score_cutoff >= EdgeIndex.LEAST_CUTOFF:
                self._edge_indexes[score_cutoff] = EdgeIndex(self.forms, score_cutoff)
            looser = (edge < full) & ~edges_covered
            plan = _Plan(self._index_matrix(np.where(near, self._distinct, 0)),
                         self._index_matrix(np.where(far, self._distinct, 0)),
                         [(top - 1, self._index_matrix(np.where(looser & (self._lengths > low) & (self._lengths <= top),
                                                                 self._distinct, 0)))
                          for low, top in zip(EDGE_BUCKETS, [*EDGE_BUCKETS[1:], self._max_length], strict=True)
                          if top > low],
                         full, edge, bool(by_deletion.any() or edges_covered.any()))
            self._plans[score_cutoff] = plan
        return plan

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

    def _query(self, texts: Sequence[str], matrix: sparse.csr_matrix) -> tuple[sparse.coo_matrix, np.ndarray]:
        """Shared distinct bigrams of each text with each form's indexed bigrams, and each text's bigram count."""
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
                                  shape=(len(texts), matrix.shape[0]))
        return (query @ matrix).tocoo(), counts

    def _candidates(self, texts: Sequence[str], score_cutoff: float) -> tuple[np.ndarray, np.ndarray]:
        """(text row, form column) pairs that may reach the cutoff, without duplicates."""
        plan = self._plan(score_cutoff)
        shape = (len(texts), len(self.forms))
        # Full-length windows: count shared bigrams within overlapping segments of the text, so the
        # bigrams counted for a form lie close together (any window of up to SEGMENT // 2
        # characters lies inside one segment); longer forms are counted over the whole text.
        rows, parts = _segments(texts)
        shared, _ = self._query(parts, plan.near)
        keep = shared.data >= plan.full_limit[shared.col]
        selected = [sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int8),
                                       (rows[shared.row[keep]], shared.col[keep])), shape=shape)]
        shared, _ = self._query(texts, plan.far)
        selected.append(self._pairs(shared, shared.data >= plan.full_limit[shared.col]))
        # Windows shorter than the form at the start or end of the text tolerate more loss; they lie
        # within the text's first and last (longest form - 1) characters.
        for reach, matrix in plan.edges:
            edges, _ = self._query([f"{t[:reach]}\x00{t[-reach:]}" for t in texts], matrix)
            selected.append(self._pairs(edges, edges.data >= plan.edge_limit[edges.col]))
        lengths = np.array([len(t) for t in texts], dtype=np.int32)
        for shorter, matrix in ((np.flatnonzero(lengths <= LONG_FORM), self._matrix),
                                (np.flatnonzero((lengths > LONG_FORM) & (lengths <= self._max_length)), self._long)):
            if not shorter.size:
                continue
            # When the text is the shorter string (or as long), rapidfuzz slides the text over the form too.
            swapped, counts = self._query([texts[r] for r in shorter], matrix)
            loss = np.array([max(losses(int(lengths[r]), score_cutoff)) for r in shorter], dtype=np.int32)
            ok = (swapped.data >= np.maximum(1, counts - loss)[swapped.row]) & (
                lengths[shorter][swapped.row] <= self._lengths[swapped.col])
            selected.append(sparse.csr_matrix((np.ones(int(ok.sum()), dtype=np.int8),
                                               (shorter[swapped.row[ok]], swapped.col[ok])), shape=shape))
        window_index = self._windows.get(score_cutoff)
        if window_index is not None:
            found_rows, found_cols = window_index.search(texts)
            selected.append(sparse.csr_matrix((np.ones(found_rows.size, dtype=np.int8), (found_rows, found_cols)),
                                              shape=shape))
        edge_index = self._edge_indexes.get(score_cutoff)
        if edge_index is not None:
            edge_rows, edge_cols = edge_index.search(texts)
            selected.append(sparse.csr_matrix((np.ones(edge_rows.size, dtype=np.int8), (edge_rows, edge_cols)),
                                              shape=shape))
        if plan.deletions:
            pairs = [(row, col) for row, text in enumerate(texts) for col in self._deletions.search(text)]
            pairs += [(row, int(col)) for col in self._tiny for row in range(len(texts)) if texts[row]]
            if pairs:
                selected.append(sparse.csr_matrix((np.ones(len(pairs), dtype=np.int8), tuple(zip(*pairs, strict=True))),
                                                  shape=shape))
        else:
            pairs = [(row, int(col)) for col in self._tiny for row in range(len(texts)) if texts[row]]
            if pairs:
                selected.append(sparse.csr_matrix((np.ones(len(pairs), dtype=np.int8), tuple(zip(*pairs, strict=True))),
                                                  shape=shape))
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



class _Plan:
    """The per-cutoff index matrices and bigram thresholds."""

    def __init__(self, near: sparse.csr_matrix, far: sparse.csr_matrix, edges: list[tuple[int, sparse.csr_matrix]],
                 full_limit: np.ndarray, edge_limit: np.ndarray, deletions: bool) -> None:
        self.near, self.far, self.edges = near, far, edges
        self.full_limit, self.edge_limit = full_limit, edge_limit
        self.deletions = deletions


def _segments(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Overlapping SEGMENT-character pieces of each text (stride SEGMENT // 2) and their text rows."""
    rows: list[int] = []
    parts: list[str] = []
    step = SEGMENT // 2
    for row, text in enumerate(texts):
        for start in range(0, max(len(text) - step, 1), step):
            rows.append(row)
            parts.append(text[start:start + SEGMENT])
    return np.array(rows, dtype=np.int64), parts
