"""The matcher's rules applied inside the index search change nothing it reports, only its speed.

``Matcher.match_many`` asks ``CandidateIndex.screen_many`` to leave out pairs its own rules would
reject (matches inside ordinary words, spacing matches that join nothing, near words that are
ordinary...). Each test matches the same titles twice: as shipped, and with a plain exact search
that screens nothing, and expects identical results.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detection.index import CandidateIndex
from detection.marks import MarkSpec
from detection.matcher import WORD_LENGTHS, Matcher
from detection.normalise import normalise
from detection.phrases import PhraseIndex


def _unscreened(matcher: Matcher) -> Matcher:
    """The same matcher whose index search screens nothing (near words are still listed, unjudged)."""
    plain = CandidateIndex(matcher.index.forms, near_lengths=WORD_LENGTHS)

    def screen_many(texts, *, score_cutoff, word_cutoff=None, **_rules):  # type: ignore[no-untyped-def]
        return plain.screen_many(texts, score_cutoff=score_cutoff, word_cutoff=word_cutoff)

    matcher.index.screen_many = screen_many  # type: ignore[method-assign]
    return matcher


BRANDS = ["sony", "nike", "gucci", "lexar", "acase", "hp", "apple", "cooler master", "samsonite", "philips",
          "arrow", "canon", "耐克", "dell", "hank", "tuncel", "banner"]
WORDS = ["case", "clear", "scanner", "brother", "channel", "tunnels", "wall", "camera", "for", "with", "black",
         "mobile", "cover", "desk", "shoes", "bag", "x", "a", "b", "12", "128gb", "2019", "pro", "max", "运动鞋"]
SEPARATORS = [" ", " ", " ", "-", ".", " - ", "/", ", "]


def _variant(word: str, rng: random.Random) -> str:
    kind = rng.randrange(7)
    i = rng.randrange(len(word))
    if kind == 0:
        return word[:i] + rng.choice("aeiostnr") + word[i + 1:]
    if kind == 1 and len(word) > 3:
        return word[:i] + word[i + 1:]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    if kind == 3:
        return rng.choice([".", " ", "-"]).join(word)
    if kind == 4:
        return word.replace("o", "0").replace("i", "1").replace("e", "3")
    if kind == 5:
        return word.upper()
    return word


@st.composite
def titles(draw: st.DrawFn) -> str:
    rng = random.Random(draw(st.integers(0, 2**32)))
    pieces = [rng.choice(WORDS) if rng.random() < 0.6 else _variant(rng.choice(BRANDS + WORDS), rng)
              for _ in range(rng.randint(1, 9))]
    return "".join(piece + rng.choice(SEPARATORS) for piece in pieces).strip()


@pytest.fixture(scope="module")
def marks() -> list[MarkSpec]:
    return [MarkSpec(i, brand, classes=(9,) if i % 3 else ()) for i, brand in enumerate(BRANDS)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(titles(), min_size=1, max_size=12),
       context=st.sampled_from([None, {"category": "phones"}, {"category": "shoes", "price": 20}, {"brand": "sony"}]),
       cutoff=st.sampled_from([75.0, 80.0, 85.0]))
def test_screening_never_changes_a_match(marks: list[MarkSpec], batch: list[str], context: dict | None,
                                         cutoff: float) -> None:
    screened = Matcher(marks, vocabulary=["lexar"])
    unscreened = _unscreened(Matcher(marks, vocabulary=["lexar"]))
    contexts = [context] * len(batch)
    assert screened.match_many(batch, score_cutoff=cutoff, contexts=contexts) == unscreened.match_many(
        batch, score_cutoff=cutoff, contexts=contexts)


# Marks longer than the index's keyed forms (found by shared bigrams) and as long as short titles.
LONG_BRANDS = ["cooler master", "maggiano's little italy", "black and decker", "hewlett packard", "tommy hilfiger",
               "the north face", "sportmaster", "printmaster", "vivienne westwood", "clarins", "zaxby's",
               "mammut sports group", "nnamdi", "cloudflare", "li-ning", "under armour", "max et moi", "gino's pizza"]
LOOK_ALIKES = {"m": "rn", "w": "vv", "d": "cl", "l": "i"}


@st.composite
def long_titles(draw: st.DrawFn) -> str:
    """Titles of a few words: long marks or their words, misspelt, drawn with look-alikes, run together."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    pieces = []
    for _ in range(rng.randint(1, 5)):
        piece = rng.choice(LONG_BRANDS + [word for brand in LONG_BRANDS for word in brand.split()] + WORDS)
        if rng.random() < 0.5:
            piece = _variant(piece, rng)
        if rng.random() < 0.3:
            at = rng.randrange(len(piece))
            piece = piece[:at] + LOOK_ALIKES.get(piece[at], piece[at]) + piece[at + 1:]
        if rng.random() < 0.2:
            piece = piece.replace(" ", rng.choice(["", " ", "-"]))
        pieces.append(piece)
    return rng.choice([" ", "", "-"]).join(pieces) if len(pieces) == 2 else " ".join(pieces)


@settings(max_examples=150, deadline=None)
@given(batch=st.lists(long_titles(), min_size=1, max_size=12), cutoff=st.sampled_from([75.0, 80.0, 85.0]))
def test_screening_never_changes_a_match_on_long_marks(batch: list[str], cutoff: float) -> None:
    marks = [MarkSpec(i, brand) for i, brand in enumerate(LONG_BRANDS)]
    assert Matcher(marks).match_many(batch, score_cutoff=cutoff) == _unscreened(Matcher(marks)).match_many(
        batch, score_cutoff=cutoff)


def test_a_look_alike_shorter_than_the_mark_is_judged_alike_screened_or_not() -> None:
    """A text that is one word of a longer mark, drawn with letter pairs or digits ("tornmy" for
    TOMMY HILFIGER, CI's counterexample), holds no whole token of the mark: neither search reports it."""
    marks = [MarkSpec(i, brand) for i, brand in enumerate(LONG_BRANDS)]
    titles = ["tornmy", "arm0ur", "c1oudflare", "tornmy hilfiger", "under arm0ur"]
    screened = Matcher(marks).match_many(titles)
    assert screened == _unscreened(Matcher(marks)).match_many(titles)
    assert [bool(found) for found in screened] == [False, False, True, True, True]


def test_screening_never_changes_a_match_on_real_titles(shared_data: Path) -> None:
    """Real brands as marks, real titles with counterfeit spellings of them (as bench/detect.py builds)."""
    rows = []
    for name in ("tableA.csv", "tableB.csv"):
        with (shared_data / "product_offers_walmart_amazon" / name).open(encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    brands = sorted({normalise(row["brand"]) for row in rows if len(normalise(row["brand"])) >= 2})
    marks = [MarkSpec(i, brand) for i, brand in enumerate(brands)]
    rng = random.Random(5)
    batch = [row["title"] for row in rng.sample(rows, 600)]
    for row in rng.sample(rows, 900):
        brand = normalise(row["brand"])
        if brand and brand in row["title"].lower():
            batch.append(row["title"].lower().replace(brand, _variant(brand, rng), 1))
    screened = Matcher(marks).match_many(batch)
    assert sum(map(len, screened)) > 500  # the sample does exercise the matcher
    assert screened == _unscreened(Matcher(marks)).match_many(batch)


def test_phrases_misspelt_into_known_spellings_are_found_as_an_unscreened_search_finds_them() -> None:
    marks = [MarkSpec(i, text) for i, text in enumerate(
        ["Black Decker", "Road Ready", "Greasy Fork", "Digital NC", "Red Hat Open Shift", "Black"])]
    titles = ['Black Secker Garland A4528351 36" Equipment Stand', "case logic eva Road Rady molded case",
              "Greasy Frk belkin ipod touch shield", "targus digital tgc-dc125 compact camera case",
              "Red Hat Opn Shift tops perforated pads", "black secker road rady greasy frk", "road ready black"]
    found = Matcher(marks).match_many(titles)
    brute_force = _unscreened(Matcher(marks))
    brute_force._phrases = PhraseIndex([])  # every pair from the plain search alone
    assert found == brute_force.match_many(titles)
    assert sum(bool(matches) for matches in found) >= 5


def test_phrases_with_one_word_slipped_into_a_known_spelling_are_found_as_an_unscreened_search_finds_them() -> None:
    """A phrase of three words or more, one word an edit off whatever it now spells (dnstwist's "Mux et Moi",
    "Gino sc pizza" from the name-suggestion-index register), is the mark; the search screened these out
    where every word is a known spelling, though the matcher keeps them."""
    marks = [MarkSpec(i, text) for i, text in enumerate(["Max et Moi", "Gino's Pizza", "Die Lohner's", "Black and Decker",
                                                          "Ki-Re-i", "Phone House", "All-In-One"])]
    titles = ["Maxx et Moi sandisk cruzer micro 16 gb", "Mux et Moi avid vocal studio", "replace lamp for Max et Moli 3m",
              "amped wireless premium 10ft Gino sc pizza antenna", "Dies lohner s usb 2.0 external sound card",
              "black and deker drill", "Ki ru i toner cartridge", "galaxy geforce gt430 Phone Hose 1 gb",
              "max and moi gift set", "tax et moi", "canon pixma mx300 office all-on-one inkjet printer"]
    found = Matcher(marks).match_many(titles)
    brute_force = _unscreened(Matcher(marks))
    brute_force._phrases = PhraseIndex([])  # every pair from the plain search alone
    assert found == brute_force.match_many(titles)
    # Not: a phrase keeping fewer than five letters, a two-word phrase, another word, no slip of the hand,
    # a little word for another (another phrase: "all on one").
    assert [bool(matches) for matches in found] == [True] * 6 + [False] * 5
