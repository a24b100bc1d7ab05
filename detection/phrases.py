"""Multi-word marks with one word misspelt ("black secker" for BLACK DECKER), found by their other words.

The candidate index leaves out windows whose words are all known spellings (see
``CandidateIndex.screen_many``): a fuzzy match there is a word or name of its own. A phrase is the
exception: its other words, written exactly, say which mark it is, so one word misspelt into a
spelling the web merely knows (a surname, a word of another language: "secker", "royaal") is still the
mark (``Matcher._phrase_misspelt``); and in a phrase of three words or more, one word an edit off,
whatever it spells, with the rest written word for word ("maxx et moi": ``Matcher`` ``_one_word_slipped``).
This index finds those pairs by the phrase's other words, so the matcher reports what an unscreened
search would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

MIN_WORD = 4  # the misspelt word of the mark has at least this many letters: shorter ones misspelt are codes ("tgc")
# A phrase of this many words, all but one written exactly with this many letters, is the mark whatever its
# one other word now spells (Matcher._one_word_slipped).
PHRASE_SLIP_WORDS = 3
PHRASE_SLIP_KEPT = 5


class PhraseIndex:
    """Multi-word mark forms keyed by their words with one word left out: one of :data:`MIN_WORD` letters
    or more (for a word misspelt into a known spelling), or, in phrases of :data:`PHRASE_SLIP_WORDS` words
    keeping :data:`PHRASE_SLIP_KEPT` letters, any word (for a word slipped)."""

    def __init__(self, forms: Sequence[str]) -> None:
        self.forms = forms
        self._by_rest: dict[tuple[str, ...], list[int]] = {}
        self._by_slip: dict[tuple[str, ...], list[int]] = {}
        sizes, slip_sizes = set(), set()
        for index, form in enumerate(forms):
            words = form.split()
            if len(words) < 2 or not form.isascii():
                continue
            sizes.add(len(words))
            letters = sum(map(len, words))
            for at, word in enumerate(words):
                rest = (*words[:at], "", *words[at + 1:])
                if len(word) >= MIN_WORD:
                    self._by_rest.setdefault(rest, []).append(index)
                if len(words) >= PHRASE_SLIP_WORDS and letters - len(word) >= PHRASE_SLIP_KEPT:
                    self._by_slip.setdefault(rest, []).append(index)
                    slip_sizes.add(len(words))
        self._sizes, self._slip_sizes = sorted(sizes), sorted(slip_sizes)
        self._slip_words = frozenset(word for rest in self._by_slip for word in rest if word)

    def pairs(self, text: str, misspelt: Callable[[str], bool], *, score_cutoff: float) -> list[tuple[int, float]]:
        """(form, partial_ratio) of the forms ``text`` (normalised) holds with one word replaced by a word
        ``misspelt`` accepts, or (in the phrases that allow a slip) by any word, reaching ``score_cutoff``."""
        words = text.split()
        found: set[int] = set()
        for i, word in enumerate(words):
            if misspelt(word):
                _look_up(self._by_rest, self._sizes, words, i, found)
        if self._by_slip and len(words) >= PHRASE_SLIP_WORDS:
            known = [word in self._slip_words for word in words]
            for i in range(len(words)):
                if (i > 0 and known[i - 1]) or (i + 1 < len(words) and known[i + 1]):
                    _look_up(self._by_slip, self._slip_sizes, words, i, found)
        scored = ((index, fuzz.partial_ratio(text, self.forms[index], score_cutoff=score_cutoff))
                  for index in sorted(found))
        return [(index, score) for index, score in scored if score >= score_cutoff]


def _look_up(keyed: dict[tuple[str, ...], list[int]], sizes: Sequence[int], words: Sequence[str], i: int,
             found: set[int]) -> None:
    """Add to ``found`` the forms ``keyed`` by a run of ``words`` with word ``i`` left out."""
    for size in sizes:
        for at in range(max(0, i + size - len(words)), min(size, i + 1)):
            start = i - at
            found.update(keyed.get((*words[start:i], "", *words[i + 1:start + size]), ()))
