"""How distinctive a mark is, and so how much evidence a match on it needs.

With thousands of real marks, many are ordinary words (Black, Line, Power), short (LG, Ubiq) or
other names' spellings, and would match half of all genuine titles. Each mark gets a level:

- ``ordinary`` — a word of the language (a lower-case entry of an English dictionary, or a
  hand-listed common-word mark). Written plainly it counts only where a brand is named: the
  listing's brand field, or the title's first words (or after "by") on goods its classes cover.
  Disguised (digits for letters, letters of another script, spelt out) or misspelt into no word it
  counts as a whole word anywhere (see :mod:`detection.matcher`);
- ``weak`` — short (four letters or digits or fewer), or a phrase of ordinary words: it counts as a
  whole word, never inside a longer word; a four-letter mark misspelt into no word counts anywhere
  (a letter replaced or two swapped, which score under the cutoff, where a brand is named), a phrase
  misspelt in one word too; marks of three characters or fewer count only exact, and need
  supporting context (or letters of another script or spelt out: "ΗΡ", "A.I.B") even then; one of
  their letters doubled ("HTTC") is a disguise too, in a listing with a context;
- ``strong`` — everything else: misspellings, look-alikes and the mark joined to ordinary words
  count, unless the word matched is a name or word of its own (see :mod:`detection.matcher`).

The listings' domain vocabulary plays no part here (brands' own names are in it: accessories "for
htc"); it tells the matcher which title words are names of their own.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from detection import lexicon
from detection.normalise import is_han, normalise
from shared_db.messages import detection as M

STRONG, WEAK, ORDINARY = "strong", "weak", "ordinary"
SHORT_LENGTH = 4  # marks of at most this many letters and digits are weak
TINY_LENGTH = 3  # ... and of at most this many also need supporting context

_REQUIREMENTS = {
    ORDINARY: "ordinary word: written plainly, hits need the mark in a brand position (the listing's brand "
              "field, or the title's first words on goods your classes cover); disguised or misspelt spellings "
              "count as whole words",
    WEAK: "hits need the mark as a whole word (exact, or disguised with look-alike characters, digits "
          "or separators); misspellings into no word count from four letters, parts of "
          "longer words never",
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
        if not data or data.get("level") not in _REQUIREMENTS or not data.get("reasons") and data["level"] != STRONG:
            return None
        return cls(data["level"], tuple(data["reasons"] or ()), int(data.get("length") or 0))


def assess(text: str, *, common_marks: Collection[str] = ()) -> Distinctiveness:
    """The distinctiveness of a mark written ``text``.

    ``common_marks``: hand-listed marks that are common words (:func:`detection.context.common_word_marks`).
    The listings' domain vocabulary is not used: brands' own names are in it (accessories "for htc").
    """
    form = normalise(text)
    size = sum(c.isalnum() for c in form)
    if not form or is_han(form):
        return Distinctiveness(STRONG, (M.DIST_CHINESE(),) if form else (), size)
    words = form.split()

    def ordinary(word: str) -> bool:
        return word.isdigit() or lexicon.is_dictionary_word(word) or word in common_marks

    if form in common_marks or (len(words) == 1 and ordinary(form)):
        return Distinctiveness(ORDINARY, (M.DIST_ORDINARY(),), size)
    if size <= SHORT_LENGTH:
        return Distinctiveness(WEAK, (M.DIST_SHORT(size=size),), size)
    if all(ordinary(word) for word in words):
        return Distinctiveness(WEAK, (M.DIST_PHRASE(),), size)
    return Distinctiveness(STRONG, (), size)
