"""A blocking index over normalised mark forms: a listing is scored against a few marks, not all.

rapidfuzz's ``partial_ratio`` scores a form of length ``L`` against every ``L``-character window
of the text and against shorter windows at its start and end (``200 m / (L + w)`` for a window of
``w`` characters sharing a longest common subsequence of ``m``). Candidates come from:

- forms of 5-12 characters, full windows: :class:`_WindowIndex`, a deletion (SymSpell) index of
  hashed subsequences, with every window of a batch of texts hashed at once in numpy;
- forms of 3 and 5-12 characters, edge windows: :class:`_DeletionIndex` and :class:`_EdgeIndex`
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
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

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
        self._deletions = _DeletionIndex(self.forms, self._lengths)
        self._windows: dict[float, _WindowIndex] = {}
        self._plans: dict[float, _Plan] = {}
        self._edge_indexes: dict[float, _EdgeIndex] = {}

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
            by_deletion = _WindowIndex.covers(self._lengths, score_cutoff)
            if by_deletion.any():
                self._windows[score_cutoff] = _WindowIndex(self.forms, score_cutoff)
            # A form needing t of its n bigrams shares at least one of any n - t + 1 of them.
            near = (self._lengths + budget[:, 0] <= SEGMENT // 2) & ~by_deletion
            far = ~near & ~by_deletion
            edges_covered = self._deletions.covers_edges(self._lengths, score_cutoff) | _EdgeIndex.covers(
                self._lengths, score_cutoff)
            if score_cutoff >= _EdgeIndex.LEAST_CUTOFF:
                self._edge_indexes[score_cutoff] = _EdgeIndex(self.forms, score_cutoff)
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


class _DeletionIndex:
    """Forms of 3, 5 and 6 characters by their deletions, for windows at the start or end of a text.

    Such a form reaches the cutoff (80 to 99) on a shorter edge window only when the window is the
    form with one character missing (3, 5, 6) or two (5, 6): an exact lookup of the text's first
    and last characters. Full-length windows are :class:`_WindowIndex`'s; longer forms' edge
    windows are :class:`_EdgeIndex`'s.
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


class _EdgeIndex:
    """Forms of 7-12 characters by their subsequences, for windows at the start or end of a text.

    rapidfuzz also scores a form of length ``L`` against the text's first and last ``w < L``
    characters; such a window reaches the cutoff only if it shares a common subsequence of
    ``m = least(L, w)`` characters with the form. At cutoffs of 80 and above ``m`` is within two
    of ``w``, so every length-``m`` subsequence of the form is indexed (by hash, in sorted numpy
    arrays) and each edge window looks up its few length-``m`` subsequences: exact (hash
    collisions only add candidates, which rapidfuzz then scores), unlike a bigram count.
    """

    LENGTHS = (7, 8, 9, 10, 11, 12)
    LEAST_CUTOFF = 80.0

    @classmethod
    def covers(cls, lengths: np.ndarray, score_cutoff: float) -> np.ndarray:
        """Which forms this index finds exhaustively at the edges at ``score_cutoff``."""
        if score_cutoff < cls.LEAST_CUTOFF:
            return np.zeros(len(lengths), dtype=bool)
        return np.isin(lengths, cls.LENGTHS)

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
            query = np.array(keys, dtype=np.int64)
            low = np.searchsorted(table, query, "left")
            counts = np.searchsorted(table, query, "right") - low
            total = int(counts.sum())
            if not total:
                continue
            offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            found_rows.append(np.repeat(np.array(rows, dtype=np.int64), counts))
            found_cols.append(columns[np.repeat(low, counts) + offsets])
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


class _WindowIndex:
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
    LEAST_CUTOFF = 80.0

    @classmethod
    def covers(cls, lengths: np.ndarray, score_cutoff: float) -> np.ndarray:
        """Which forms this index finds exhaustively in full-length windows at ``score_cutoff``."""
        if score_cutoff < cls.LEAST_CUTOFF:
            return np.zeros(len(lengths), dtype=bool)
        return np.isin(lengths, cls.LENGTHS)

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
            query = keys[hit]
            low = np.searchsorted(table, query, "left")
            many = np.searchsorted(table, query, "right") - low
            matched = int(many.sum())
            if not matched:
                continue
            step = np.arange(matched) - np.repeat(np.cumsum(many) - many, many)
            found_rows.append(np.repeat(rows[window], many))
            found_cols.append(owners[np.repeat(low, many) + step])
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_rows), np.concatenate(found_cols)
