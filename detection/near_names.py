"""Near spellings of a mark that are other names, models or phrases, not slips of it.

With thousands of real trading names, a title's words are often one edit from some mark without
being its misspelling: another model number ("g1000" for G2000), another phrase ("onestep" for ONE
STOP, "scanexpress" for SAQ EXPRESS), two English words run together ("truepower" for TYREPOWER), or
the Latin half of a mark whose Chinese characters are missing ("50" for 50嵐). :meth:`Matcher._locate
<detection.matcher.Matcher._locate>` asks these before it reports a fuzzy match.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from rapidfuzz.distance import Levenshtein

from detection import lexicon
from detection.normalise import LEET, is_han

# Keyboards whose neighbouring keys make typos (dnstwist's: qwerty, qwertz, azerty), rows offset as on a keyboard.
_KEYBOARDS = (("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"), ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
              ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"))
# ASCII characters drawn alike (dnstwist's ASCII glyphs; others are folded by detection.normalise).
_DRAWN_ALIKE = ("bd", "ce", "gq", "il", "1l", "1i", "mn", "nr", "uv", "0o", "38", "69")
_VOWELS = frozenset("aeiou")
COMPOUND_ZIPF = 4.0  # words this frequent run together make a phrase of their own ("talkabout", "homeplug")


def keeps_han(needle: str, window: str) -> bool:
    """Whether ``window`` has every Chinese character of ``needle``: a slip changes letters or digits, not them."""
    return all(char in window for char in needle if is_han(char))


def number_changed(needle: str, words: str) -> bool:
    """Whether a misspelling changes the mark's digits, or numbers the mark by writing a digit no one reads
    as a letter for its last letter: model numbers, not disguises ("a11" for A101, "mark2" for MARKO).
    Digits added to a mark ("adidas2") or typed inside it are left to the other rules."""
    mark, written = needle.replace(" ", ""), words.replace(" ", "")
    if any(c.isdigit() for c in mark):
        return [c for c in mark if c.isdigit()] != [c for c in written if c.isdigit()]
    last = written[-1:]
    return (last.isdigit() and last not in LEET and len(written) == len(mark)
            and Levenshtein.distance(mark[:-1], written[:-1]) == 0)


def slip_of_the_hand(needle: str, words: str) -> bool:
    """Whether ``words`` that differ from the mark in one letter differ by a slip someone makes or copies: a
    neighbouring key, a letter drawn alike, a vowel for a vowel, one bit flipped ("petco" as "pedco"). "wagan" is
    not WAGAS typed, nor "spinq" SPINX: another name. Other differences are left to the other rules."""
    mark, written = needle.replace(" ", ""), words.replace(" ", "")
    if len(mark) != len(written):
        return True
    changed = [(a, b) for a, b in zip(mark, written, strict=True) if a != b]
    return len(changed) != 1 or _slip(*changed[0])


def _slip(a: str, b: str) -> bool:
    return ((a, b) in _neighbour_keys() or a + b in _DRAWN_ALIKE or b + a in _DRAWN_ALIKE
            or (a in _VOWELS and b in _VOWELS) or (ord(a) ^ ord(b)).bit_count() == 1)


@cache
def _neighbour_keys() -> frozenset[tuple[str, str]]:
    pairs = set()
    for rows in _KEYBOARDS:
        at = {key: (row, column) for row, keys in enumerate(rows) for column, key in enumerate(keys)}
        for key, (row, column) in at.items():
            for other_row, other_column in ((row, column - 1), (row, column + 1), (row - 1, column),
                                            (row - 1, column + 1), (row + 1, column - 1), (row + 1, column)):
                if 0 <= other_row < len(rows) and 0 <= other_column < len(rows[other_row]):
                    pairs.add((key, rows[other_row][other_column]))
    return frozenset(pairs)


def phrase_word_changed(needle: str, words: str, *, vocabulary: Collection[str] = ()) -> bool:
    """Whether a misspelling of the phrase ``needle`` replaces letters of one of its short words (three
    letters or fewer: "scanexpress" is no SAQ EXPRESS, "istand" no M STAND) or turns one of its words into
    another English or domain word (``vocabulary``: "airband" is no AIR BANK). Letters added to a short word
    ("zip7 linq"), plurals and letters swapped are slips. A letter added where two words meet belongs to
    either: both readings must change a word."""
    return all(any(_word_changed(word, written, vocabulary, last=number == len(pairs))
                   for number, (word, written) in enumerate(pairs, start=1))
               for pairs in (aligned_words(needle, words), aligned_words(needle, words, from_end=True)))


def _word_changed(word: str, written: str, vocabulary: Collection[str], *, last: bool) -> bool:
    if written == word or (last and written.startswith(word)) or written in (word + "s", word + "es"):
        return False
    if word == "s" and not written:
        return False  # a possessive left out: "Zaxby" is ZAXBY'S
    if len(word) <= 3:
        return not (_subsequence(word, written) or sorted(word) == sorted(written))
    return lexicon.is_dictionary_word(written) or written in vocabulary


def aligned_words(needle: str, words: str, *, from_end: bool = False) -> list[tuple[str, str]]:
    """Each word of the phrase ``needle`` with the part of ``words`` (spaces removed) aligned to it; letters
    added where two words meet go to the word before (``from_end``: to the word after)."""
    if from_end:
        return [(word[::-1], written[::-1]) for word, written in reversed(aligned_words(needle[::-1], words[::-1]))]
    mark, written = needle.replace(" ", ""), words.replace(" ", "")
    dest = [0] * (len(mark) + 1)
    for tag, src_start, src_end, dest_start, dest_end in Levenshtein.opcodes(mark, written):
        for k in range(src_start, src_end):
            dest[k] = dest_start if tag == "delete" else dest_start + (k - src_start) * (dest_end - dest_start) // (
                src_end - src_start)
    dest[len(mark)] = len(written)
    pairs, at = [], 0
    for word in needle.split():
        pairs.append((word, written[dest[at]:dest[at + len(word)]]))
        at += len(word)
    return pairs


def _subsequence(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with letters added."""
    letters = iter(long)
    return all(char in letters for char in short)


def compound(text: str) -> bool:
    """Whether a single word is two frequent English words of three letters or more run together ("truepower")."""
    return " " not in text and any(_frequent_word(text[:cut]) and _frequent_word(text[cut:])
                                   for cut in range(3, len(text) - 2))


def _frequent_word(word: str) -> bool:
    return lexicon.is_dictionary_word(word) and lexicon.is_frequent(word, COMPOUND_ZIPF)
