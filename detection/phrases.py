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

from collections.abc import Callable, Iterator, Sequence

from rapidfuzz import fuzz

MIN_WORD = 4  # the misspelt word of the mark has at least this many letters: shorter ones misspelt are codes ("tgc")
# A phrase of this many words, all but one written exactly with this many letters, is the mark whatever its
# one other word now spells (Matcher._one_word_slipped).
PHRASE_SLIP_WORDS = 3
PHRASE_SLIP_KEPT = 5


class PhraseIndex:
    """Multi-word mark forms keyed by their words with one word of :data:`MIN_WORD` letters or more left out
    (for a word misspelt into a known spelling); and phrases of :data:`PHRASE_SLIP_WORDS` words keeping
    :data:`PHRASE_SLIP_KEPT` letters by their first two words kept, for any one word slipped."""

    def __init__(self, forms: Sequence[str]) -> None:
        self.forms = forms
        self._by_rest: dict[tuple[str, ...], list[int]] = {}
        # (first kept word, second kept word, how far apart) -> (form, where the first stands, the word slipped)
        self._slip_anchors: dict[tuple[str, str, int], list[tuple[int, int, int]]] = {}
        self._words: dict[int, list[str]] = {}
        sizes = set()
        for index, form in enumerate(forms):
            words = form.split()
            if len(words) < 2 or not form.isascii():
                continue
            sizes.add(len(words))
            for at, word in enumerate(words):
                if len(word) >= MIN_WORD:
                    self._by_rest.setdefault((*words[:at], "", *words[at + 1:]), []).append(index)
            if len(words) < PHRASE_SLIP_WORDS:
                continue
            for slipped, word in enumerate(words):
                if sum(map(len, words)) - len(word) >= PHRASE_SLIP_KEPT:
                    first, second = [at for at in range(len(words)) if at != slipped][:2]
                    self._slip_anchors.setdefault((words[first], words[second], second - first), []).append(
                        (index, first, slipped))
                    self._words[index] = words
        self._sizes = sorted(sizes)

    def pairs(self, text: str, misspelt: Callable[[str], bool], *, score_cutoff: float) -> list[tuple[int, float]]:
        """(form, partial_ratio) of the forms ``text`` (normalised) holds with one word replaced by a word
        ``misspelt`` accepts, or (in the phrases that allow a slip) by any word, reaching ``score_cutoff``."""
        words = text.split()
        found: set[int] = set()
        for i, word in enumerate(words):
            if not misspelt(word):
                continue
            for size in self._sizes:
                for at in range(max(0, i + size - len(words)), min(size, i + 1)):
                    start = i - at
                    found.update(self._by_rest.get((*words[start:i], "", *words[i + 1:start + size]), ()))
        if self._slip_anchors:
            found.update(self._slipped(words))
        scored = ((index, fuzz.partial_ratio(text, self.forms[index], score_cutoff=score_cutoff))
                  for index in sorted(found))
        return [(index, score) for index, score in scored if score >= score_cutoff]

    def _slipped(self, words: Sequence[str]) -> Iterator[int]:
        """The phrases ``words`` holds word for word but for one word, found by their first two words kept."""
        for i, word in enumerate(words):
            for apart in (1, 2):
                if i + apart >= len(words):
                    break
                for index, first, slipped in self._slip_anchors.get((word, words[i + apart], apart), ()):
                    phrase, start = self._words[index], i - first
                    if start >= 0 and start + len(phrase) <= len(words) and all(
                            words[start + at] == kept for at, kept in enumerate(phrase) if at != slipped):
                        yield index
