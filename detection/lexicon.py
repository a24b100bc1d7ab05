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


@cache
def _spellings() -> dict[str, str]:
    raw = resources.files("detection").joinpath("data/known_spellings.tsv.gz").read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    fields = text[text.index("\n") + 1:].split()  # past the header: word, zipf, word, zipf, ...
    return dict(zip(fields[0::2], fields[1::2], strict=True))  # values parsed on lookup: 0.3 s saved


@cache
def _dictionary() -> frozenset[str]:
    text = resources.files("detection").joinpath("data/dictionary_en.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def zipf(word: str) -> float:
    """The web frequency of a normalised spelling on the Zipf scale (0 when never seen)."""
    return float(_spellings().get(word, 0.0))


def is_known_spelling(word: str, *, min_zipf: float = KNOWN_ZIPF) -> bool:
    """Whether a normalised single word is a spelling the web uses often: a word or a name of its own."""
    return zipf(word) >= min_zipf or word in _dictionary()


def is_dictionary_word(word: str) -> bool:
    """Whether a normalised single word is a lower-case dictionary entry (a word, not a name)."""
    return word in _dictionary()


COMMON_ZIPF = 3.0  # spellings this frequent, or in the dictionary, are common words


def is_common_word(word: str) -> bool:
    """Whether a normalised single word is a common word: in the dictionary or frequent on the web."""
    return word in _dictionary() or zipf(word) >= COMMON_ZIPF


def dictionary_words() -> frozenset[str]:
    """All lower-case dictionary entries, normalised."""
    return _dictionary()


def known_spellings() -> frozenset[str]:
    """Every spelling at or above :data:`KNOWN_ZIPF`, plus the dictionary."""
    return _known_at(KNOWN_ZIPF)


@cache
def _known_at(min_zipf: float) -> frozenset[str]:
    return frozenset(w for w, z in _spellings().items() if float(z) >= min_zipf) | _dictionary()
