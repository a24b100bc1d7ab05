"""Multi-word marks with one word misspelt ("black secker" for BLACK DECKER), found by their other words.

The candidate index leaves out windows whose words are all known spellings (see
``CandidateIndex.screen_many``): a fuzzy match there is a word or name of its own. A phrase is the
exception: its other words, written exactly, say which mark it is, so one word misspelt into a
spelling the web merely knows (a surname, a word of another language: "secker", "royaal") is still the
mark (``Matcher._phrase_misspelt``). This index finds those pairs by the phrase's other words, so
the matcher reports what an unscreened search would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

MIN_WORD = 4  # the misspelt word of the mark has at least this many letters: shorter ones misspelt are codes ("tgc")


class PhraseIndex:
    """Multi-word mark forms keyed by their words with one word of :data:`MIN_WORD` letters or more left out."""

    def __init__(self, forms: Sequence[str]) -> None:
        self.forms = forms
        self._by_rest: dict[tuple[str, ...], list[int]] = {}
        sizes = set()
        for index, form in enumerate(forms):
            words = form.split()
            if len(words) < 2 or not form.isascii():
                continue
            sizes.add(len(words))
            for at, word in enumerate(words):
                if len(word) >= MIN_WORD:
                    self._by_rest.setdefault((*words[:at], "", *words[at + 1:]), []).append(index)
        self._sizes = sorted(sizes)

    def pairs(self, text: str, misspelt: Callable[[str], bool], *, score_cutoff: float) -> list[tuple[int, float]]:
        """(form, partial_ratio) of the forms ``text`` (normalised) holds with one word replaced by a word
        ``misspelt`` accepts, reaching ``score_cutoff``."""
        words = text.split()
        found: set[int] = set()
        for i, word in enumerate(words):
            if not misspelt(word):
                continue
            for size in self._sizes:
                for at in range(max(0, i + size - len(words)), min(size, i + 1)):
                    start = i - at
                    found.update(self._by_rest.get((*words[start:i], "", *words[i + 1:start + size]), ()))
        scored = ((index, fuzz.partial_ratio(text, self.forms[index], score_cutoff=score_cutoff))
                  for index in sorted(found))
        return [(index, score) for index, score in scored if score >= score_cutoff]
