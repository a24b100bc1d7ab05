"""The evidence rules: what a located match of a mark has going for it, and whether that is enough.

A strong mark counts wherever it is found; weaker ones (:mod:`detection.distinctiveness`) need whole
words and, the weaker they are, a disguise, a brand position, the brand field or goods the mark covers
(:func:`context_allows`). :class:`detection.matcher.Matcher` locates a match, gathers its
:class:`Evidence` and asks these rules.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from detection.context import Adjustment
from detection.distinctiveness import ORDINARY, SHORT_LENGTH, STRONG, Distinctiveness
from detection.normalise import Form, spacing_joins
from shared_db.messages import detection as M

ORDINARY_TYPO_LENGTH = 7  # ordinary-word marks this long count misspelt anywhere: "Emirtaes" is no English spelling
BRAND_POSITION_POINTS = 5.0  # what a brand position adds to a four-letter misspelling: as a fitting category does


class Evidence(NamedTuple):
    """What a located match has going for it."""

    score: float
    whole_words: bool
    form_kind: str
    disguised: bool  # digits, other scripts or separators that only a deliberate spelling uses
    brand_position: bool
    context: Adjustment
    misspelt: bool = False  # one word no language has, one slip from the mark (see misspelt)
    doubled: bool = False  # ... the mark with one of its letters written twice (detection.variants.letter_doubled)


def misspelt(needle: str, words: str, score: float, level: Distinctiveness) -> bool:
    """Whether a located non-exact match is a single word misspelling a weak or ordinary mark of four
    letters or more, keeping its first letter; from five letters, also with its first letter replaced or a
    letter put in front ("Dactus", "Xsprint"), though not dropped: "atrix" is a name, not MATRIX.
    Matcher._locate has already rejected words and names of their own and spellings more than one slip
    away, so such a word is no language's: the mark disguised."""
    return (score < 100 and level.length >= SHORT_LENGTH and " " not in needle and " " not in words
            and (words[:1] == needle[:1] or (level.length > SHORT_LENGTH and len(words) >= len(needle))))


def evidence_points(level: Distinctiveness, evidence: Evidence) -> float:
    """Points a match's own evidence adds to its score, as a fitting category adds them (detection.context).

    A four-letter mark misspelt by one slip, a letter replaced or two swapped, scores 75 ("Ndro" for
    NERO): ratio counts the slip as two edits of eight, where the same slip in five letters scores 80.
    Where a brand is named (the title's first word, or after "by"), such a spelling that is no word or
    known name (Matcher._locate has rejected those) is the brand misspelt: the position lifts it.
    """
    return BRAND_POSITION_POINTS if (level.level != STRONG and level.length == SHORT_LENGTH
                                     and evidence.score < 100 and evidence.whole_words
                                     and evidence.brand_position) else 0.0


def disguised(text: str, form: Form, start: int, end: int, level: Distinctiveness) -> bool:
    """Whether the match is written with a disguise: digits for letters, letters of another script (or,
    for marks that are not ordinary words, accents; for any mark, several different accents or a Latin
    letter merely drawn alike in a text that has no others), repeated letters or letters split by separators."""
    if form.kind in ("leet", "leet_l", "collapsed", "glyphs"):
        return True  # Matcher._locate kept these only where a digit or a letter pair was read or a run collapsed
    if form.kind == "spacing":
        pieces = form.text[start:end].count(" ") + len([i for i in spacing_joins(text, form) if start <= i < end - 1]) + 1
        if level.needs_support:
            return pieces >= 3 and pieces == end - start  # "A.I.B", not "K-X" or "cs-5"
        return level.level != ORDINARY or pieces >= 3  # "mark-down" is an English spelling
    originals = {text[form.offsets[i]] for i in range(start, min(end, len(form.offsets))) if form.homoglyph[i]}
    foreign = any(not _latin(char) for char in originals) and _mostly_latin(text)
    if foreign or (originals and level.level == STRONG):
        return True
    return (len(originals) >= 2 or any(map(_drawn_alike, originals))) and _ascii_elsewhere(
        text, *form.span(start, end, len(text)))


def _drawn_alike(char: str) -> bool:
    """A Latin letter drawn like an ASCII one without being it accented ("ɑ", "ı", "ɪ"): no language writes
    an English word with it, as some write "é" or "ł" (see detection.normalise)."""
    return not unicodedata.decomposition(char) and " WITH " not in unicodedata.name(char, "") and (
        unicodedata.name(char, "").startswith("LATIN"))


def _ascii_elsewhere(text: str, first: int, last: int) -> bool:
    """Whether ``text`` is ASCII outside ``[first, last)``: in a text written without accents, a word with
    several different ones ("Vãlvẹ", "Škëleton") is decorated, not spelt in a language that has them."""
    return text[:first].isascii() and text[last:].isascii()


def may_disguise(form: Form) -> bool:
    """Whether a match in ``form`` may be a disguise that lets a tiny mark count without the listing's support
    (see context_allows): letters spelt out, or look-alike characters read."""
    return form.kind == "spacing" or (form.kind == "base" and any(form.homoglyph))


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def _mostly_latin(text: str) -> bool:
    """Whether most letters of ``text`` are Latin: then letters of another script in a word are a disguise."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() or _latin(c) for c in letters) * 2 > len(letters)


def why_it_counts(registered: str, level: Distinctiveness, evidence: Evidence) -> str:
    """The evidence that lets a match on a weak or ordinary mark stand, in plain words."""
    grounds = [label() for label, present in (
        (M.GROUND_DISGUISED, evidence.disguised), (M.GROUND_BRAND_POSITION, evidence.brand_position),
        (M.GROUND_BRAND_FIELD, evidence.context.brand_named),
        (M.GROUND_CLASSES, evidence.context.category_fits is True),
        (M.GROUND_SUPPORTED, level.needs_support and evidence.context.supported)) if present]
    return M.COUNTED(registered=registered, level=level.reasons[0],
                     grounds=M.SEPARATOR().join(grounds) if grounds else M.GROUND_MISSPELT())


def context_allows(level: Distinctiveness, evidence: Evidence) -> bool:
    """Whether a match has enough evidence for a mark of this distinctiveness (see detection.distinctiveness)."""
    exact, context = evidence.score == 100, evidence.context
    if (not exact or not evidence.whole_words) and context.category_fits is False:
        return False  # a variant of the mark on goods it does not cover
    if level.level == STRONG:
        return True
    if not evidence.whole_words:
        return False  # weak and ordinary marks: whole words only
    placed = evidence.brand_position or context.brand_named or context.category_fits is True
    if level.needs_support:  # three letters or fewer: letters of another script, spelt out or doubled are a
        # disguise, digits no
        return (exact or evidence.doubled) and (
            context.supported or (evidence.disguised and evidence.form_kind in ("base", "spacing")))
    if level.level == ORDINARY:
        if exact and not evidence.disguised:
            # A plain word must stand where a brand is named, on goods the mark covers: "Black" opening a
            # title is a colour; or the brand field must name it.
            return context.brand_named or (evidence.brand_position and context.category_fits is True)
        return evidence.disguised or placed or evidence.misspelt or level.length >= ORDINARY_TYPO_LENGTH
    return exact or evidence.disguised or level.phrase or placed or evidence.misspelt
