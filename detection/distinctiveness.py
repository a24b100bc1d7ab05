"""How distinctive a mark is, and so how much evidence a match on it needs.

With thousands of real marks, many are ordinary words (Black, Line, Power), short (LG, Ubiq) or
other names' spellings, and would match half of all genuine titles. Each mark gets a level:

- ``ordinary`` — every word of it is a word of the language (an English dictionary's lower-case
  entry, a word of the listings' domain vocabulary, or a hand-listed common-word mark): a hit needs
  the exact mark as a whole word, and either the listing's brand field naming it or the mark in the
  brand position (the title's first words, or after "by") on goods its classes cover;
- ``weak`` — short (four letters or digits or fewer), or several words that are each ordinary
  (a phrase of ordinary words): a hit needs the mark as a whole word (exact, or written with
  look-alike characters, digits for letters or separators) — never a misspelling or a slice of a
  longer word; marks of three characters or fewer also need supporting context;
- ``strong`` — everything else: misspellings, look-alikes and the mark joined to other words
  count, unless the word matched is a name or word of its own (see :mod:`detection.matcher`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from detection import lexicon
from detection.normalise import is_han, normalise

STRONG, WEAK, ORDINARY = "strong", "weak", "ordinary"
SHORT_LENGTH = 4  # marks of at most this many letters and digits are weak
TINY_LENGTH = 3  # ... and of at most this many also need supporting context

_REQUIREMENTS = {
    ORDINARY: "ordinary word: hits need the exact mark as a whole word, in a brand position (the "
              "listing's brand field, or the title's first words on goods your classes cover)",
    WEAK: "hits need the mark as a whole word (exact, or disguised with look-alike characters, digits "
          "or separators); misspellings and parts of longer words are not reported",
    STRONG: "distinctive: misspellings, look-alikes and the mark joined to other words are reported",
}


@dataclass(frozen=True)
class Distinctiveness:
    """A mark's level (``strong``, ``weak`` or ``ordinary``) and why."""

    level: str
    reasons: tuple[str, ...] = ()
    length: int = 0  # letters and digits of the normalised mark

    @property
    def requirements(self) -> str:
        """What a hit on this mark needs, in plain words (shown on the mark page)."""
        return _REQUIREMENTS[self.level]

    @property
    def needs_support(self) -> bool:
        """Whether even an exact whole-word match needs supporting context from the listing (category,
        brand field, price): marks of three letters or fewer that are not ordinary words."""
        return self.level == WEAK and self.length <= TINY_LENGTH

    @property
    def inside(self) -> bool:
        """Whether the mark counts inside a longer word (joined to ordinary words)."""
        return self.level == STRONG

    @property
    def phrase(self) -> bool:
        """A phrase of ordinary words: misspelt in one word, it is still evidently the phrase."""
        return self.level == WEAK and self.length > SHORT_LENGTH

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons), "length": self.length,
                "requirements": self.requirements}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Distinctiveness | None:
        """The stored form back (None when absent or not understood: then it is assessed afresh)."""
        if not data or data.get("level") not in _REQUIREMENTS:
            return None
        return cls(data["level"], tuple(data.get("reasons") or ()), int(data.get("length") or 0))


def assess(text: str, *, common_marks: Collection[str] = ()) -> Distinctiveness:
    """The distinctiveness of a mark written ``text``.

    ``common_marks``: hand-listed marks that are common words (:func:`detection.context.common_word_marks`).
    The listings' domain vocabulary is not used: brands' own names are in it (accessories "for htc").
    """
    form = normalise(text)
    size = sum(c.isalnum() for c in form)
    if not form or is_han(form):
        return Distinctiveness(STRONG, ("Chinese characters",) if form else (), size)
    words = form.split()

    def ordinary(word: str) -> bool:
        return word.isdigit() or lexicon.is_dictionary_word(word) or word in common_marks

    if form in common_marks or (len(words) == 1 and ordinary(form)):
        return Distinctiveness(ORDINARY, (f"'{form}' is an ordinary word",), size)
    if size <= SHORT_LENGTH:
        return Distinctiveness(WEAK, (f"short: {size} letters or digits",), size)
    if all(ordinary(word) for word in words):
        return Distinctiveness(WEAK, (f"'{form}' is a phrase of ordinary words",), size)
    return Distinctiveness(STRONG, (), size)
