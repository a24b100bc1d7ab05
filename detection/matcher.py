"""Find registered marks in listing texts: ``Matcher(marks).match(text, score_cutoff=...)``.

Shaped like rapidfuzz's ``process`` API: the query is positional, options are keyword-only and
a text with nothing above the cutoff gives an empty list. Each title is normalised into several
forms (:mod:`detection.normalise`), every form is searched in the candidate index
(:mod:`detection.index`), rapidfuzz scores the survivors, and the best form per mark becomes a
:class:`Match` with its span in the original text, its kind and reasons in plain words.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from detection import lexicon
from detection.context import (
    Adjustment,
    assess_context,
    common_word_marks,
    common_words,
    may_support,
    names_stated_brand,
)
from detection.distinctiveness import ORDINARY, SHORT_LENGTH, STRONG, WEAK, Distinctiveness, assess
from detection.evidence import (
    Evidence,
    context_allows,
    disguised,
    evidence_points,
    may_disguise,
    misspelt,
    why_it_counts,
)
from detection.index import CandidateIndex, Screened
from detection.marks import MarkSpec
from detection.near_names import compound, keeps_han, number_changed, phrase_word_changed, slip_of_the_hand
from detection.normalise import LEET, Form, is_han, mark_forms, normalise, spacing_joins, title_forms
from detection.phrases import MIN_WORD, PHRASE_SLIP_KEPT, PHRASE_SLIP_WORDS, PhraseIndex
from detection.variants import (
    brand_position,
    joined_with_words,
    letter_doubled,
    plausible_variant,
    words_around,
)
from shared_db.messages import detection as M

DEFAULT_CUTOFF = 80.0
KINDS = ("exact", "alias", "fuzzy", "homoglyph", "leet", "spacing", "transliteration", "phonetic", "domain")
_FORM_ORDER = {"base": 0, "simplified": 1, "leet": 2, "leet_l": 3, "spacing": 4, "collapsed": 5, "glyphs": 6,
               "pinyin": 7}
_SOURCE_ORDER = {"text": 0, "alias": 1, "transliteration": 2}
_VARIANT_ORDER = {"base": 0, "joined": 1, "simplified": 2, "collapsed": 3, "pinyin": 4}


@dataclass(frozen=True)
class Match:
    """One mark found in one text."""

    mark_id: int | str
    score: float
    span: tuple[int, int]
    matched_text: str
    kind: str
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The ``match`` part of a candidate for :mod:`detection.scoring` (and JSON output)."""
        return {"mark_id": self.mark_id, "score": self.score, "span": list(self.span),
                "matched_text": self.matched_text, "kind": self.kind, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class _MarkForm:
    mark: int  # index into Matcher.marks
    source: str  # text | alias | transliteration
    variant: str  # base | joined | collapsed | simplified | pinyin
    registered: str  # the registered string this form comes from
    level: Distinctiveness  # of the registered string: what evidence a match on this form needs


class Matcher:
    """Matches listing texts against a fixed set of marks."""

    def __init__(self, marks: Iterable[MarkSpec], *, vocabulary: Iterable[str] = ()) -> None:
        """``vocabulary``: ordinary words of the listings' domain (:mod:`detection.vocabulary`)."""
        with _collector_paused(True):  # loading the lexicon allocates ~1M objects, none in cycles
            self._build(marks, vocabulary)

    def _build(self, marks: Iterable[MarkSpec], vocabulary: Iterable[str]) -> None:
        self.marks: list[MarkSpec] = list(marks)
        vocabulary = frozenset(vocabulary)
        common_marks = common_word_marks()
        self.distinctiveness = [mark.distinctiveness or assess(mark.text, common_marks=common_marks)
                                for mark in self.marks]
        # Words that are no misspelling of a mark: the language's, the web's known spellings (other
        # products' and brands' own names) and the register's own marks.
        registered = {word for mark in self.marks for word in normalise(mark.text).split()}
        # Words that make a phrase a phrase of its own ("ocz technology" is no CP TECHNOLOGY); spellings the
        # web merely knows ("secker", "royaal") do not: the rest of the phrase names the mark.
        self._phrase_blockers = vocabulary | registered
        self._vocabulary = vocabulary
        self._english = common_words()
        self._common = common_words() | vocabulary | lexicon.known_spellings() | registered
        texts: list[str] = []
        self._forms: list[_MarkForm] = []
        for position, mark in enumerate(self.marks):
            seen: set[str] = set()
            sources = [("text", mark.text)] + [("alias", a) for a in mark.aliases] + [
                ("transliteration", t) for t in mark.transliterations]
            variants = [(variant, form, source, registered) for source, registered in sources
                        for variant, form in mark_forms(registered)]
            variants.sort(key=lambda item: _VARIANT_ORDER[item[0]])  # stable: registered forms before derived
            for variant, form, source, registered in variants:
                if variant == "joined" and lexicon.is_common_word(form):
                    continue  # "Li-Ning" run together is "lining", a word of its own
                if form not in seen:
                    seen.add(form)
                    texts.append(form)
                    level = self.distinctiveness[position] if source == "text" else assess(
                        registered, common_marks=common_marks)
                    self._forms.append(_MarkForm(position, source, variant, registered, level))
        self._form_texts = texts
        self._adjustments: dict[tuple[Any, ...], Adjustment] = {}  # see _adjustment
        self._guarded = [form.level.needs_support for form in self._forms]  # forms that need the listing's support
        # 李宁 read aloud is "lining": it sounds like 力宁 written in Chinese, but in Latin letters it is the word.
        self._heard_only = {index for index, form in enumerate(self._forms)
                            if form.variant == "pinyin" and lexicon.is_common_word(texts[index])}
        # Chinese forms match without word boundaries (see _locate): no word rule for them.
        self._phrases = PhraseIndex(texts)
        self.index = CandidateIndex(texts, word_rule=[not is_han(text) for text in texts], near_lengths=WORD_LENGTHS,
                                    ordinary_words=self._common)

    def __len__(self) -> int:
        return len(self.marks)

    def match(self, text: str, *, score_cutoff: float = DEFAULT_CUTOFF,
              context: Mapping[str, Any] | None = None) -> list[Match]:
        """Marks found in ``text`` scoring at least ``score_cutoff``, best first.

        ``context`` (optional) may hold ``category``, ``seller``, ``price``, ``currency`` and ``brand``.
        """
        return self.match_many([text], score_cutoff=score_cutoff, contexts=[context])[0]

    def match_many(self, texts: Sequence[str], *, score_cutoff: float = DEFAULT_CUTOFF,
                   contexts: Sequence[Mapping[str, Any] | None] | None = None) -> list[list[Match]]:
        """``match`` for many texts at once (one batched index search); results in input order."""
        with _collector_paused(len(texts) >= _GC_PAUSE_BATCH):
            results = self._match_many(texts, score_cutoff, contexts)
        from detection.listing_hosts import with_host_matches  # here: it imports this module

        return with_host_matches(self, texts, results, score_cutoff=score_cutoff)  # host names and URLs

    def _match_many(self, texts: Sequence[str], score_cutoff: float,
                    contexts: Sequence[Mapping[str, Any] | None] | None) -> list[list[Match]]:
        all_forms = [title_forms(text or "") for text in texts]
        searched_forms = [(text or "", form) for text, forms in zip(texts, all_forms, strict=True) for form in forms]
        # _locate's rules, applied while searching where they cannot change a hit: a non-exact match
        # must lie in words it could score against that are not all ordinary, a spacing form's match
        # must join a separator, a leet form's match must be whole tokens (see screen_many).
        searched = self.index.screen_many(
            [form.text for _, form in searched_forms], score_cutoff=score_cutoff,
            word_cutoff=score_cutoff - CONTEXT_MARGIN,
            joins=[spacing_joins(text, form) if form.kind == "spacing" else None for text, form in searched_forms],
            ordinary=[_ORDINARY_WORDS.get(form.kind) for _, form in searched_forms],
            whole_tokens=[form.kind in _WHOLE_TOKENS_ONLY for _, form in searched_forms])
        found = [_with_near(screened) for screened in searched]
        for number, (_, form) in enumerate(searched_forms):
            if form.kind == "base":  # phrases misspelt into known spellings, which the search screens out
                held = {index for index, _ in found[number]}
                found[number] += [pair for pair in self._phrases.pairs(form.text, self._misspelt_word,
                                                                        score_cutoff=score_cutoff)
                                  if pair[0] not in held]
        results: list[list[Match]] = []
        position = 0
        for number, (text, forms) in enumerate(zip(texts, all_forms, strict=True)):
            context = contexts[number] if contexts is not None else None
            unsupported = not may_support(context)  # then tiny marks need a disguise (see detection.evidence)
            options: dict[int, list[tuple[tuple[float, int, int, int], Form, int, float]]] = {}
            for form in forms:
                guarded = self._guarded if unsupported and not may_disguise(form) else ()
                for form_index, score in found[position]:
                    info = self._forms[form_index]
                    if info.variant == "collapsed" and form.kind != "collapsed":
                        continue  # "dell" collapsed is "del": only for titles with letters tripled
                    if form.kind != "pinyin" and form_index in self._heard_only:
                        continue
                    if guarded and guarded[form_index]:
                        continue
                    key = (-score, _FORM_ORDER[form.kind], _VARIANT_ORDER[info.variant], _SOURCE_ORDER[info.source])
                    options.setdefault(info.mark, []).append((key, form, form_index, score))
                position += 1
            matches = []
            for candidates in options.values():
                # The best-scoring form first; if the rules reject it, the next one may still stand.
                for _key, form, form_index, score in sorted(candidates, key=lambda c: c[0]):
                    match = self._explain(text or "", form, form_index, score, context, score_cutoff)
                    if match is not None:
                        matches.append(match)
                        break
            matches.sort(key=lambda m: (-m.score, m.span, str(m.mark_id)))
            results.append(matches)
        return results

    def _explain(self, text: str, form: Form, form_index: int, score: float,
                 context: Mapping[str, Any] | None, score_cutoff: float) -> Match | None:
        info = self._forms[form_index]
        mark = self.marks[info.mark]
        needle = self._form_texts[form_index]
        located = self._locate(text, form, info, needle, score, score_cutoff)
        if located is None:
            return None
        start, end, score, at_boundary = located
        doubled = score < 100 and form.kind == "base" and letter_doubled(needle, form.text, start, end)
        if score < 100 and not doubled and _names_another_brand(needle, form.text[start:end], info.level, context):
            return None
        adjustment = self._adjustment(info.mark, context)
        disguise = doubled or disguised(text, form, start, end, info.level) or (
            form.kind == "spacing" and info.level.level == ORDINARY and self._split_off_words(text, form, start, end))
        evidence = Evidence(score, at_boundary, form.kind, disguise,
                             brand_position(form.text, start), adjustment,
                             misspelt(needle, form.text[start:end], score, info.level), doubled)
        if not context_allows(info.level, evidence):
            return None
        span = form.span(start, end, len(text))
        matched = text[span[0]:span[1]]
        kind, reasons = _kind(info, form, needle, matched, score, any(form.homoglyph[start:end]))
        boundary_points = 0.0
        if info.level.level == ORDINARY or info.level.needs_support or (info.level.level != STRONG and score < 100):
            reasons.append(why_it_counts(info.registered, info.level, evidence))
        elif not at_boundary and not is_han(needle):
            boundary_points = -5.0 if len(needle) > 5 else -15.0
            reasons.append(M.INSIDE_WORD())
        final = max(0.0, min(100.0, score + adjustment.points + boundary_points + evidence_points(info.level, evidence)))
        if final < score_cutoff:
            return None
        return Match(mark_id=mark.id, score=round(final, 2), span=span, matched_text=matched, kind=kind,
                     reasons=reasons + list(adjustment.reasons))

    def _adjustment(self, position: int, context: Mapping[str, Any] | None) -> Adjustment:
        """``assess_context`` for ``self.marks[position]``, memoised: listings repeat their brand and category."""
        if not context:
            return assess_context(self.marks[position], context)
        try:  # values of another type compare equal (1 == True) but may read otherwise: the key holds the types
            key = (position, tuple(context.items()), tuple(map(type, context.values())))
            adjustment = self._adjustments.get(key)
        except TypeError:  # an unhashable value
            return assess_context(self.marks[position], context)
        if adjustment is None:
            if len(self._adjustments) >= _ADJUSTMENTS_KEPT:
                self._adjustments.clear()
            adjustment = self._adjustments[key] = assess_context(self.marks[position], context)
        return adjustment

    def _locate(self, text: str, form: Form, info: _MarkForm, needle: str, score: float,
                score_cutoff: float) -> tuple[int, int, float, bool] | None:
        """(start, end, score, at word boundary) of the needle in ``form``, or None if the rules reject it.

        A fuzzy match is rescored over the whole words it touches, not a slice of a word, and must be
        a plausible disguise of the mark (:mod:`detection.variants`), not a word or name of its own.
        """
        start, end = _window(needle, form.text)
        if form.kind in _WHOLE_TOKENS_ONLY and len(needle) > len(form.text):
            return None  # a text shorter than the mark holds none of it as a whole token: "tornmy" is no TOMMY HILFIGER
        at_boundary = _at_boundary(form, start, end) or (form.kind == "spacing" and _written_apart(text, form, start, end))
        if info.variant == "pinyin" or form.kind == "pinyin":
            # Sounding alike is only evidence when the whole syllables agree.
            return (start, end, score, at_boundary) if score == 100 and at_boundary else None
        if form.kind in ("leet", "leet_l") and (score < 100 or not at_boundary or not _has_leet(text, form, start, end)):
            return None  # digits read as letters only as a whole token: "720p" is no "tops"
        if form.kind == "spacing" and not _joins_words(text, form, start, end):
            return None  # the base form has this match already, with its word boundaries
        if form.kind == "collapsed" and not _collapses(text, form, start, end):
            return None  # likewise: no repeated letter was collapsed inside this match
        if form.kind == "glyphs" and (score < 100 or not at_boundary or not any(form.homoglyph[start:end])):
            return None  # letter pairs read as one only where that spells the mark exactly: "Sarnsung"
        if is_han(needle):
            # Chinese does not separate its words; but its characters carry the mark: "50" is no 50嵐.
            return (start, end, score, True) if keeps_han(needle, form.text[start:end]) else None
        if score == 100 and at_boundary:
            return start, end, score, True
        if score == 100 and info.level.inside and self._joined_to_words(needle, form.text, start, end):
            return start, end, score, False  # "adidasoriginals"
        if score == 100 and info.level.level != STRONG and not (
                _letter_added(needle, form.text, start, end, info.level) or letter_doubled(needle, form.text, start, end)):
            return None  # a word built on a weak or ordinary mark is a word of its own: "cookn", "blacks"
        # A misspelling, or a distinctive mark inside a longer word ("adidasx"): judged as the whole words.
        start, end = _whole_words(needle, form.text, *words_around(form.text, start, end), score_cutoff)
        words = form.text[start:end]
        joined = fuzz.ratio(needle.replace(" ", ""), words.replace(" ", ""))
        score = max(fuzz.ratio(needle, words), joined)
        if score < score_cutoff - CONTEXT_MARGIN:
            return None
        if joined < 100:
            # The words as the listing wrote them (a spacing form has joined some), normalised; for the
            # base form that is its own text, whole words being folded one character at a time.
            written = words if form.kind == "base" else normalise(text[slice(*form.span(start, end, len(text)))])
            word_slipped = info.level.level != ORDINARY and _one_word_slipped(needle, written, info.level.phrase)
            if self._ordinary(written) and not (form.kind == "base" and self._phrase_misspelt(needle, written)) and not (
                    _possessive_dropped(needle, written) or word_slipped):
                return None  # words and names of their own ("case" for ACASE, "denon" for ODEON) are no variant
            if not plausible_variant(needle, words):
                return None  # "printmaster" is three edits from SPORTMASTER: another name; "delonghi" no ELON
            if not slip_of_the_hand(needle, words):
                return None  # "wagan" is one letter from WAGAS, but no one types or draws an s as an n
            if number_changed(needle, words):
                return None  # "g1000" is another model than G2000, "plus2" a model name numbered, not PLUSH
            phrase = _phrase_of(info, needle)
            if phrase and not word_slipped and phrase_word_changed(phrase, words, vocabulary=self._vocabulary):
                return None  # "scanexpress" is no SAQ EXPRESS, "onestep" no ONE STOP
            if not phrase and compound(words) and not compound(needle):
                return None  # "truepower" is TRUE POWER, a phrase of its own, not TYREPOWER misspelt
        elif " " in needle and " " not in words and lexicon.is_common_word(words):
            return None  # LI-NING run together is "lining", a word of its own
        return start, end, score, True

    def _ordinary(self, words: str) -> bool:
        """Every word is an ordinary word or too short to tell ("essential se" is no ISSENTIALS)."""
        return all(len(word) <= 2 or word in self._common for word in words.split())

    def _phrase_misspelt(self, needle: str, written: str) -> bool:
        """Whether ``written`` is the phrase ``needle`` with one word of four letters or more misspelt into a
        spelling the web merely knows ("black secker"): the rest of the phrase, written exactly, names the
        mark. Words of three letters misspelt are codes ("digital tgc" is no DIGITAL NC)."""
        marked, words = needle.split(), written.split()
        if len(marked) < 2 or len(marked) != len(words):
            return False
        changed = [(mark_word, word) for mark_word, word in zip(marked, words, strict=True) if mark_word != word]
        return len(changed) == 1 and len(changed[0][0]) >= MIN_WORD and self._misspelt_word(changed[0][1])

    def _misspelt_word(self, word: str) -> bool:
        """A known spelling that is no English word, domain word or registered mark's word: a name or a word
        of another language ("secker", "menager"), which in an English phrase spelt otherwise exactly is a
        misspelling of it (see PhraseIndex)."""
        return (len(word) >= 3 and word in self._common and word not in self._phrase_blockers
                and word not in self._english and not lexicon.is_dictionary_word(word))

    def _split_off_words(self, text: str, form: Form, start: int, end: int) -> bool:
        """Whether separators split a word into pieces that are not all words: "Twit-ch" and "Rela-y" are
        TWITCH and RELAY disguised, "mark-down", "e-mail" and "So-lid" English spellings; spaces and
        apostrophes separate words ("to ps", "she'll")."""
        first, last = form.span(start, end, len(text))
        written = text[first:last]
        pieces = re.findall(r"[^\W_]+", normalise(written))
        return len(pieces) > 1 and not any(c in written for c in " '’") and not all(
            self._word_piece(piece, leading=at == 0) for at, piece in enumerate(pieces))

    def _word_piece(self, piece: str, *, leading: bool) -> bool:
        """A piece of a hyphenated spelling that is an English word (not merely frequent in some language or
        a registered mark's word: "fos-sil", "glo-bal", "cac-tus" are no words), a domain word, two letters of
        English, or one letter in front."""
        if len(piece) <= 2:
            return piece in _TWO_LETTER_WORDS or (len(piece) == 1 and leading)
        if len(piece) == 3:  # the frequent English words hold rarer fragments of three letters too ("fos", "glo")
            return (lexicon.is_dictionary_word(piece) or piece in self._vocabulary
                    or (piece in self._english and lexicon.is_frequent(piece, _PIECE_ZIPF)))
        return piece in self._english or lexicon.is_dictionary_word(piece) or piece in self._vocabulary

    def _joined_to_words(self, needle: str, text: str, start: int, end: int) -> bool:
        """Whether an exact match inside a longer word is the mark joined to ordinary words."""
        word = text[slice(*words_around(text, start, end))].replace(" ", "")
        return (len(needle) >= JOINED_LENGTH and word not in self._common
                and joined_with_words(needle, word, lexicon.is_common_word))


def _names_another_brand(needle: str, words: str, level: Distinctiveness, context: Mapping[str, Any] | None) -> bool:
    """Whether a misspelling of the mark is the brand the listing's brand field states, and so that brand: with
    another first letter ("cradlepoint" is no TRADEPOINT), or a four-letter mark with a letter added at its end
    ("arkon" is no ARKO). Counterfeiters state their spelling as the brand too, but keep the mark's look:
    "Addidas", "Srony", "Soyn", "Cannon" (and a letter doubled) stay reported."""
    extended = level.level == WEAK and len(words) == len(needle) + 1 and words.startswith(needle)
    return (extended or words[:1] != needle[:1]) and names_stated_brand(context, words)


def _phrase_of(info: _MarkForm, needle: str) -> str:
    """The mark's words, spaced, when ``needle`` is a phrase or a phrase run together: else ''."""
    if " " in needle:
        return needle
    spaced = normalise(info.registered) if info.variant == "joined" else ""
    return spaced if " " in spaced and spaced.replace(" ", "") == needle else ""


def _whole_words(needle: str, text: str, start: int, end: int, score_cutoff: float) -> tuple[int, int]:
    """The words ``[start, end)`` of ``text``, or with a neighbouring word when the needle has more words and a
    window of the needle's length reaching the cutoff spans them too: partial_ratio aligns "zaxby s" with
    "zaxwby" or "axwby s" alike in "zaxwby s", and the whole words are "zaxwby s"."""
    if needle.count(" ") <= text.count(" ", start, end):
        return start, end
    best, best_score = (start, end), _words_ratio(needle, text[start:end])
    for first, last in ((_word_before(text, start), end), (start, _word_after(text, end))):
        if (first, last) != (start, end) and _spanned(needle, text, first, last, score_cutoff):
            score = _words_ratio(needle, text[first:last])
            if score > best_score:
                best, best_score = (first, last), score
    return best


def _word_before(text: str, start: int) -> int:
    return words_around(text, start - 2, start - 1)[0] if start >= 2 else start


def _word_after(text: str, end: int) -> int:
    return words_around(text, end + 1, end + 2)[1] if end + 1 < len(text) else end


def _spanned(needle: str, text: str, first: int, last: int, score_cutoff: float) -> bool:
    """Whether a window of the needle's length starting in the first word of ``text[first:last]`` and ending in
    its last word reaches the cutoff (then the index's screen kept it too)."""
    n = len(needle)
    first_end, last_start = text.find(" ", first), text.rfind(" ", first, last) + 1
    return any(fuzz.ratio(needle, text[at:at + n], score_cutoff=score_cutoff)
               for at in range(first, min(first_end, last - n) + 1) if at + n > last_start)


def _words_ratio(needle: str, words: str) -> float:
    return max(fuzz.ratio(needle, words), fuzz.ratio(needle.replace(" ", ""), words.replace(" ", "")))


def _possessive_dropped(needle: str, written: str) -> bool:
    """Whether ``written`` is the mark without its possessive ("maggiano little italy" for MAGGIANO'S LITTLE
    ITALY, "zaxby" for ZAXBY'S), a name the web knows because it is the mark's, unless an ordinary word
    ("jack" for JACK'S)."""
    first, *rest = needle.split()
    return (written != needle and written == " ".join([first, *(word for word in rest if word != "s")])
            and (" " in written or not lexicon.is_common_word(written)))


def _one_word_slipped(needle: str, written: str, plain_phrase: bool) -> bool:
    """Whether ``written`` is a phrase of three words or more written word for word but for one word an edit
    off ("te yard milkshake bar", "biog red stores", "agri gol charge"): the words written exactly name the
    mark, whatever the slipped word now spells; in a phrase of ordinary words, unless it spells another word
    ("unlocked cell phone" is no UNLOCKED CELL PHONES); and a little word for another is another phrase
    ("all on one" is no ALL-IN-ONE)."""
    marked, words = needle.split(), written.split()
    if len(marked) < PHRASE_SLIP_WORDS or len(marked) != len(words):
        return False
    changed = [(mark_word, word) for mark_word, word in zip(marked, words, strict=True) if mark_word != word]
    kept = sum(len(word) for word in marked) - sum(len(mark_word) for mark_word, _ in changed)
    return (len(changed) == 1 and kept >= PHRASE_SLIP_KEPT and OSA.distance(*changed[0], score_cutoff=1) <= 1
            and not (plain_phrase and lexicon.is_dictionary_word(changed[0][1]))
            and not all(word in _TWO_LETTER_WORDS for word in changed[0]))


def _letter_added(needle: str, text: str, start: int, end: int, level: Distinctiveness) -> bool:
    """Whether the word around an exact match is the mark with one letter added at its end ("Telegramx",
    "Novix"): a misspelling, judged as one (a word or name of its own, "blacks", is not). Letters before
    it make other words ("spinpoint", "gbic"), digits after it model names ("plus2"), and a letter after
    a four-letter word a stylised word ("cookn")."""
    first, last = words_around(text, start, end)
    long_enough = len(needle) > SHORT_LENGTH or (len(needle) == SHORT_LENGTH and level.level != ORDINARY)
    return (" " not in needle and long_enough and last - first == len(needle) + 1
            and text[first:last - 1] == needle and text[last - 1].isalpha())


# English words and prefixes of two letters or fewer: a separator after one ("e-mail", "re-use") splits
# off a word, not a piece of the mark (see Matcher._split_off_words).
_TWO_LETTER_WORDS = frozenset("a i am an as at be by co de do ex go he if in is it me my no of on or re so to un up "
                              "us we".split())
_PIECE_ZIPF = 3.3  # a three-letter piece this frequent is a word ("ide-a" is IDE-A, "fos-sil" FOSSIL split)
JOINED_LENGTH = 6  # marks this long also count joined to ordinary words ("adidasoriginals"); "astro"+"bright" is a name
WORD_LENGTHS = (4, 6)  # single-word marks this long also match whole words one edit away (see _with_near)
_WHOLE_TOKENS_ONLY = ("leet", "leet_l", "glyphs")  # forms whose matches _locate keeps only as exact whole tokens
# The forms whose words screen_many judges ordinary, as _locate does: a spacing form's words as the
# base form's, and only for non-exact matches (2).
_ORDINARY_WORDS = {"base": 1, "spacing": 2}
CONTEXT_MARGIN = 5.0  # the most supporting context adds (a fitting category): see detection.context


_ADJUSTMENTS_KEPT = 100_000  # memoised context assessments (see Matcher._adjustment)
_GC_PAUSE_BATCH = 64  # batches this large run without the cyclic collector (see _collector_paused)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch.

    A batch allocates many short-lived tuples and lists but no reference cycles; without the pause,
    collections triggered by those allocations take about 8% of the batch's time. The previous
    state is restored, and reference counting frees everything as usual.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _with_near(screened: Screened) -> list[tuple[int, float]]:
    """The index's pairs, then short marks one edit from a whole word (their ratio to it).

    partial_ratio compares a mark with windows of its own length, so "srony" never reaches 80
    against SONY; the whole word does (89). Words within CONTEXT_MARGIN of the cutoff come in
    too: supporting context (+5 for a fitting category) may lift them over it in _explain.
    """
    return screened.found + screened.near if screened.near else screened.found


def _written_apart(text: str, form: Form, start: int, end: int) -> bool:
    """Whether a spacing form's match starts and ends where the listing's own words do ("s a m s u n g bd-c6500")."""
    first, last = form.span(start, end, len(text))
    return (first == 0 or not text[first - 1].isalnum()) and (last >= len(text) or not text[last].isalnum())


def _has_leet(text: str, form: Form, start: int, end: int) -> bool:
    """Whether the original characters of ``form.text[start:end]`` read some digits or symbols as letters,
    fewer than the letters written: "n1ke" is disguised, "4x15" and "v173" are model numbers."""
    read = [i for i in range(start, end) if text[form.offsets[i]] in LEET]
    if read == [end - 1] and end - start <= 4:
        return False  # "cs5", "dj1": a short model name numbered, not CSS or DJI disguised
    return 0 < len(read) < (end - start) - len(read)


def _collapses(text: str, form: Form, start: int, end: int) -> bool:
    """Whether a letter written three times or more ("guccci") was collapsed inside ``form.text[start:end]``."""
    written = text[form.offsets[start]:form.offsets[end - 1] + 1].casefold()
    return re.search(r"([^\W\d_])\1\1", written) is not None


def _joins_words(text: str, form: Form, start: int, end: int) -> bool:
    """Whether ``form.text[start:end]`` spans a separator of ``text`` that the spacing form removed."""
    return any(start <= i <= end - 2 for i in spacing_joins(text, form))


def _at_boundary(form: Form, start: int, end: int) -> bool:
    """Whether ``[start, end)`` starts and ends on word (or, in pinyin, syllable) boundaries."""
    text, offsets = form.text, form.offsets
    if form.kind == "pinyin":
        return (start == 0 or offsets[start - 1] != offsets[start] or text[start - 1] == " ") and (
            end == len(text) or offsets[end] != offsets[end - 1] or text[end] == " ")
    return (start == 0 or text[start - 1] == " ") and (end == len(text) or text[end] == " ")


_SHORT_NEEDLE = 64  # rapidfuzz aligns longer needles by their matching blocks


def _window(needle: str, haystack: str) -> tuple[int, int]:
    """Where ``needle`` aligns best in ``haystack`` (trimmed of spaces at its ends).

    Found once, a needle of up to 64 characters is where partial_ratio aligns it: only a window equal
    to it scores 100. Found more often, the window rapidfuzz picks depends on its search order.
    """
    at = haystack.find(needle) if 0 < len(needle) <= _SHORT_NEEDLE else -1
    if len(needle) > len(haystack):
        start, end = 0, len(haystack)
    elif at >= 0 and haystack.find(needle, at + 1) < 0:
        start, end = at, at + len(needle)
    else:
        alignment = fuzz.partial_ratio_alignment(needle, haystack)
        start, end = alignment.dest_start, alignment.dest_end
    while start < end and haystack[start] == " ":
        start += 1
    while end > start and haystack[end - 1] == " ":
        end -= 1
    return start, end


def _kind(info: _MarkForm, form: Form, needle: str, matched: str, score: float,
          homoglyph: bool) -> tuple[str, list[str]]:
    """The match kind and the reasons for it, in plain words."""
    registered = info.registered
    similar = "" if score == 100 else M.SIMILAR(score=f"{score:.0f}")
    words = {"matched": matched, "registered": registered, "similar": similar}
    if info.variant == "pinyin" or form.kind == "pinyin":
        return "phonetic", [M.PHONETIC(**words, needle=needle)]
    if info.source == "transliteration":
        return "transliteration", [M.TRANSLITERATION(**words)]
    if form.kind == "simplified":
        return "transliteration", [M.TRADITIONAL(**words)]
    if form.kind in ("leet", "leet_l"):
        return "leet", [M.LEET(matched=matched, needle=needle, similar=similar)]
    if form.kind == "spacing":
        return "spacing", [M.SPLIT(**words)]
    if info.variant == "joined":
        return "spacing", [M.JOINED(**words)]
    if homoglyph:
        return "homoglyph", [M.HOMOGLYPH(matched=matched, needle=needle, similar=similar)]
    if form.kind == "collapsed" or info.variant == "collapsed":
        return "fuzzy", [M.REPEATED(**words)]
    if score == 100:
        if info.source == "alias":
            return "alias", [M.ALIAS(matched=matched, registered=registered)]
        return "exact", [M.EXACT(matched=matched, registered=registered)]
    fuzzy = M.FUZZY_ALIAS if info.source == "alias" else M.FUZZY_MARK
    return "fuzzy", [fuzzy(matched=matched, score=f"{score:.0f}", registered=registered)]
