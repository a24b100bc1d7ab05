"""Whether a word of a listing is plausibly a disguised spelling of a mark, not a word of its own.

A counterfeiter's spelling is one slip from the mark (a typo, a letter left out, doubled or
swapped: dnstwist's fuzzers), or the mark drawn with look-alike ASCII ("rn" for "m", "vv" for
"w", "1" for "l"), or the mark joined to ordinary words ("adidasoriginals"). Two real names
several edits apart ("printmaster", "sportmaster") are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rapidfuzz.distance import OSA

# ASCII look-alikes folded to one skeleton (TR39's idea, for the letters Latin script confuses itself).
_SKELETON = [(re.compile("rn|nn"), "m"), (re.compile("vv"), "w"), (re.compile("cl"), "d"),
             (re.compile("[1il|!]"), "l"), (re.compile("0"), "o"), (re.compile("5"), "s")]
_BRAND_LEADS = frozenset({"by", "from", "brand"})


def max_edits(length: int) -> int:
    """Edits (Damerau: a swap is one) a spelling of a mark this long may differ by."""
    return 1 if length <= 8 else 2


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """``text`` with ASCII look-alikes folded: "rnicrosoft" and "microsoft" share one skeleton."""
    for pattern, replacement in _SKELETON:
        text = pattern.sub(replacement, text)
    return text


def plausible_variant(needle: str, words: str) -> bool:
    """Whether ``words`` (normalised) is close enough to the mark form ``needle`` to be a disguise of it."""
    mark, written = needle.replace(" ", ""), words.replace(" ", "")
    if not any(c.isalpha() for c in written):
        return False  # "2000" is no spelling of G2000
    if skeleton(mark) == skeleton(written):
        return True
    return OSA.distance(mark, written, score_cutoff=max_edits(len(mark)) + 1) <= max_edits(len(mark))


def words_around(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the whole space-separated words it touches."""
    while start > 0 and text[start - 1] != " ":
        start -= 1
    while end < len(text) and text[end] != " ":
        end += 1
    return start, end


def letter_doubled(needle: str, text: str, start: int, end: int) -> bool:
    """Whether the word around a match of ``needle`` in ``text`` is the mark with one of its letters written
    twice ("Rreason", "Aquaa", "HTTC"): dnstwist's repetition, a slip that makes no other word or code unless
    it is a word or name of its own ("boox", "telegramm"), which Matcher._locate then rejects."""
    word = text[slice(*words_around(text, start, end))]
    return (len(word) == len(needle) + 1 and " " not in needle and any(
        needle[i].isalpha() and word == needle[:i + 1] + needle[i:] for i in range(len(needle))))


def joined_with_words(needle: str, word: str, is_word: Callable[[str], bool]) -> bool:
    """Whether ``word`` is the mark joined to ordinary words or digits ("adidasoriginals", "nike2024")."""
    at = word.find(needle)
    while at >= 0:
        if _segments(word[:at], is_word) and _segments(word[at + len(needle):], is_word):
            return True
        at = word.find(needle, at + 1)
    return False


def _segments(rest: str, is_word: Callable[[str], bool]) -> bool:
    """Whether ``rest`` is empty, digits, or a run of at most three words of three letters or more."""
    if not rest or rest.isdigit():
        return True
    ends = {0: 0}  # position → words used to reach it
    for start in range(len(rest)):
        if start not in ends or ends[start] >= 3:
            continue
        for end in range(start + 3, len(rest) + 1):
            if end not in ends and is_word(rest[start:end]):
                ends[end] = ends[start] + 1
    return len(rest) in ends


def brand_position(form_text: str, start: int) -> bool:
    """Whether a match starting at ``start`` of a normalised title stands where a brand is named:
    the title's first word, or after "by"/"from"/"brand"."""
    before = form_text[:start].split()
    return not before or before[-1] in _BRAND_LEADS
