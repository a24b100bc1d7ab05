"""What the language already knows: dictionary words and the spellings the web uses.

Two vendored lists (see ``detection/data/README.md``) tell detection how ordinary a spelling is:

- :func:`is_dictionary_word` — a lower-case entry of an English dictionary: a word of the
  language ("black", "canon", "apple"), as opposed to a name ("Sony", "Nikon");
- :func:`zipf` — how often a spelling occurs on the web (wordfreq's Zipf scale, English and six
  other European languages). A spelling seen often enough (:data:`KNOWN_ZIPF`) is someone's word or
  name — "denon", "pixma", "belkin" — and so is no misspelling of a registered mark.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

KNOWN_ZIPF = 1.5  # spellings at least this frequent are words or names of their own, not typos
COMMON_ZIPF = 3.0  # spellings this frequent, or in the dictionary, are common words


@cache
def _fields() -> tuple[list[str], list[str]]:
    """The vendored spellings and their Zipf frequencies (as written: one decimal, so they compare as text)."""
    raw = resources.files("detection").joinpath("data/known_spellings.tsv.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    fields = text[text.index("\n") + 1:].split()  # past the header: word, zipf, word, zipf, ...
    return fields[0::2], fields[1::2]


@cache
def _spellings() -> dict[str, str]:
    return dict(zip(*_fields(), strict=True))


@cache
def _at_least(min_zipf: float) -> frozenset[str]:
    words, values = _fields()
    bound = f"{min_zipf:.1f}"  # "1.5" <= "2.6": one-digit values compare as text, without parsing 600,000 floats
    return frozenset(w for w, z in zip(words, values, strict=True) if z >= bound)


@cache
def _dictionary() -> frozenset[str]:
    text = resources.files("detection").joinpath("data/dictionary_en.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def zipf(word: str) -> float:
    """The web frequency of a normalised spelling on the Zipf scale (0 when never seen often enough to list)."""
    return float(_spellings().get(word, 0.0))


def is_known_spelling(word: str) -> bool:
    """Whether a normalised single word is a spelling the web uses often: a word or a name of its own."""
    return word in _at_least(KNOWN_ZIPF) or word in _dictionary()


def is_frequent(word: str, min_zipf: float) -> bool:
    """Whether ``zipf(word) >= min_zipf`` (``min_zipf`` of one decimal), without building the table of frequencies."""
    return word in _at_least(min_zipf)


def is_dictionary_word(word: str) -> bool:
    """Whether a normalised single word is a lower-case dictionary entry (a word, not a name)."""
    return word in _dictionary()


def is_common_word(word: str) -> bool:
    """Whether a normalised single word is a common word: in the dictionary or frequent on the web."""
    return word in _dictionary() or word in _at_least(COMMON_ZIPF)


@cache
def known_spellings() -> frozenset[str]:
    """Every spelling at or above :data:`KNOWN_ZIPF`, plus the dictionary."""
    return _at_least(KNOWN_ZIPF) | _dictionary()
