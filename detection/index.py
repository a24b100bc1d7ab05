"""A blocking index over normalised mark forms: a listing is scored against a few marks, not all.

rapidfuzz's ``partial_ratio`` scores a form of ``n`` characters against every ``n``-character
window of the text and against the text's shorter prefixes and suffixes (``200 m / (n + w)`` for
a window of ``w`` characters sharing a longest common subsequence of ``m``). The compiled core
(``detection/_partial.c``) finds every form that can reach the cutoff and scores it exactly:

- most forms (up to 12 characters at a cutoff of 80) are indexed by their hashed subsequences
  (SymSpell deletions); a window reaches the cutoff only if one of its own deletions matches, and
  only those windows are scored;
- longer forms are found by the bigrams they share with sliding windows of the text (at least the
  bound a window reaching the cutoff implies); only the window starts whose alignment holds that
  many of those bigrams (within the few characters a match may shift them) are scored; forms at
  least as long as the text are all scored (the text is then the needle).

Scores use rapidfuzz's arithmetic, so ``search_many`` returns the brute-force result: a score
within 1e-6 of the cutoff, or a needle over 64 characters, is rescored by rapidfuzz itself.
``brute_force`` is the slow reference the property tests and the benchmark compare against.
``screen_many`` is the matcher's search: the same, less what the matcher's own rules would reject.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

from detection._partial import Index


def brute_force(text: str, forms: Sequence[str], *, score_cutoff: float) -> list[tuple[int, float]]:
    """(form index, score) for every form whose partial_ratio with ``text`` reaches the cutoff."""
    return [(index, score) for _form, score, index in
            process.extract(text, forms, scorer=fuzz.partial_ratio, score_cutoff=score_cutoff, limit=None)]


class CandidateIndex:
    """Exact partial_ratio search over mark forms; ``search_many`` returns (form, score) pairs.

    For ``screen_many``: ``word_rule`` (one flag per form) names the forms its word rules apply to,
    ``near_lengths`` the lengths of single-word forms looked up one edit from whole words, and
    ``ordinary_words`` the words it treats as ordinary (with those of two characters or fewer).
    """

    def __init__(self, forms: Sequence[str], *, word_rule: Sequence[bool] | None = None,
                 near_lengths: tuple[int, int] = (1, 0), ordinary_words: Iterable[str] | None = None) -> None:
        self.forms = list(forms)
        self._options: dict[str, object] = {"near_lengths": near_lengths}
        if word_rule is not None:
            self._options["word_rule"] = bytes(bool(flag) for flag in word_rule)
        if ordinary_words is not None:
            self._options["ordinary_words"] = list(ordinary_words)  # any order: the core hashes them
        self._cores: dict[float, Index] = {}

    def __len__(self) -> int:
        return len(self.forms)

    def prepare(self, score_cutoff: float) -> Index:
        """The compiled index for ``score_cutoff``, built on first use (its tables depend on the cutoff)."""
        core = self._cores.get(score_cutoff)
        if core is None:
            core = self._cores[score_cutoff] = Index(self.forms, float(score_cutoff), **self._options)
        return core

    def search(self, text: str, *, score_cutoff: float) -> list[tuple[int, float]]:
        """Forms whose partial_ratio with ``text`` reaches ``score_cutoff``, as (form index, score)."""
        return self.search_many([text], score_cutoff=score_cutoff)[0]

    def search_many(self, texts: Sequence[str], *, score_cutoff: float) -> list[list[tuple[int, float]]]:
        """``search`` for many texts; results in input order, each sorted by form index."""
        return [screened.found for screened in self.screen_many(texts, score_cutoff=score_cutoff)]

    def screen_many(self, texts: Sequence[str], *, score_cutoff: float, word_cutoff: float | None = None,
                    joins: Sequence[Sequence[int] | None] | None = None,
                    ordinary: Sequence[int | None] | None = None,
                    whole_tokens: Sequence[bool] | None = None) -> list[Screened]:
        """``search_many`` with the matcher's own rules applied while searching.

        A pair is left out when ``Matcher._locate`` would reject it on every window reaching the
        cutoff (so on the one it picks):

        - ``word_cutoff``: a ``word_rule`` form scoring under 100 needs a window whose whole words
          its ``ratio`` (with spaces, or both without) could bring to ``word_cutoff``, and (but for
          the near-word forms) a run of whole words ``plausible_variant`` could accept: without
          spaces, the form's skeleton or within ``max_edits`` of it (:mod:`detection.variants`);
          the longer such forms are then found by their rarest bigrams and skeleton, not counted;
        - ``ordinary`` (per text, None, 1 for a base form or 2 for a spacing form, whose words are
          judged as the base form's: split at its joins): with ``word_cutoff``, such a form is also
          rejected where those words are all ordinary and do not spell it, or, scoring 100 in a
          base form, lies inside ordinary words only;
        - ``near_lengths`` (at construction, with ``word_cutoff``): single-word ASCII forms of these
          lengths one deletion (on either side) from a whole word of the text, whose ``ratio`` to
          it reaches ``word_cutoff`` though their partial_ratio does not reach the cutoff, are
          listed as ``near`` (best ratio over the words), unless the rules reject them where
          partial_ratio aligns them best;
        - ``whole_tokens`` (per text): search that text only for forms equal to a run of its whole
          tokens (score 100, in the order the runs start, nothing else listed);
        - ``joins`` (per text, None or increasing positions ``i``): look only for matches holding
          characters ``i`` and ``i + 1`` of some join; a pair's score is then exact whenever its
          best window holds one.
        """
        core = self.prepare(score_cutoff)
        texts = list(texts)
        raw = core.search_many(texts, word_cutoff or 0.0, None if joins is None else list(joins),
                               None if ordinary is None else list(ordinary),
                               None if whole_tokens is None else list(whole_tokens))
        results = []
        for text, (sure, unsure, near) in zip(texts, raw, strict=True):
            if unsure:
                settled = [(i, fuzz.partial_ratio(text, self.forms[i], score_cutoff=score_cutoff)) for i, _ in unsure]
                sure = sorted(sure + [(i, score) for i, score in settled if score >= score_cutoff])
            results.append(Screened(sure, near))
        return results


class Screened(NamedTuple):
    """One text's pairs reaching the cutoff, and the near-word forms (see ``CandidateIndex.screen_many``)
    with their ``ratio`` to the word."""

    found: list[tuple[int, float]]
    near: list[tuple[int, float]]
