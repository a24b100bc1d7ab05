"""The likeliest look-alike spellings of a mark, to search marketplaces for (not to match with).

A fuzzy search engine already finds a mark misspelt by an edit or two, but not letters swapped for
digits (leetspeak) or for look-alike letters of another script (homoglyphs), whose edits it counts
against the query like any other. So the spellings searched are the mark with one letter
replaced by its usual digit or by its Cyrillic twin, the letters most often replaced first, and
the mark with its two likeliest letters replaced by digits. Marks written in Han characters get none.
"""

from __future__ import annotations

from detection.normalise import is_han

# In the order counterfeiters use them most; each twin reads as the Latin letter (detection folds it back).
LEET = (("o", "0"), ("i", "1"), ("e", "3"), ("a", "4"), ("s", "5"), ("l", "1"), ("t", "7"))
HOMOGLYPHS = (("o", "о"), ("a", "а"), ("e", "е"), ("c", "с"), ("p", "р"), ("s", "ѕ"), ("i", "і"), ("y", "у"),
              ("x", "х"), ("h", "һ"))


def _single(word: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    """``word`` with one letter replaced, letters in ``table`` order, each at its first position."""
    out = []
    for letter, twin in table:
        at = word.find(letter)
        if at >= 0:
            out.append(word[:at] + twin + word[at + 1:])
    return out


def likely_lookalikes(mark: str, *, limit: int = 4) -> list[str]:
    """Up to ``limit`` look-alike spellings of ``mark`` (lowercase), likeliest first, without the mark itself."""
    word = " ".join(mark.casefold().split())
    if limit <= 0 or not word or is_han(word) or not any(ch.isalpha() for ch in word):
        return []
    leet, glyphs = _single(word, LEET), _single(word, HOMOGLYPHS)
    interleaved = [form for pair in zip(leet, glyphs, strict=False) for form in pair]
    interleaved += leet[len(glyphs):] + glyphs[len(leet):]
    present = [pair for pair in LEET if pair[0] in word]
    double = [_single(_single(word, present[:1])[0], present[1:2])[0]] if len(present) > 1 else []
    candidates = [*interleaved[:3], *double, *interleaved[3:]]
    unique = [form for form in dict.fromkeys(candidates) if form != word]
    return unique[:limit]
