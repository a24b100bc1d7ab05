"""Matcher: kinds, spans in the original text, reasons, guarded marks and context."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detection.marks import MarkSpec
from detection.matcher import KINDS, Matcher

MARKS = [
    MarkSpec(1, "NIKE", aliases=("Nike Air",), transliterations=("耐克", "naike"), classes=(25,),
             authorised_sellers=("nike-official",)),
    MarkSpec(2, "Gucci", classes=(18, 25)),
    MarkSpec(3, "HP", classes=(9,)),
    MarkSpec(4, "Apple", categories=("phones", "computers"), reference_price=999.0),
    MarkSpec(5, "Samsonite", classes=(18,)),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(MARKS)


@pytest.mark.parametrize(("title", "kind", "matched"), [
    ("Nike Air Max 90", "exact", "Nike"),
    ("N1ke running shoes", "leet", "N1ke"),
    ("N.I.K.E shoes", "spacing", "N.I.K.E"),
    ("ni-ke bag", "spacing", "ni-ke"),
    ("Ｎｉｋｅ sneakers", "homoglyph", "Ｎｉｋｅ"),
    ("Nіke sneakers", "homoglyph", "Nіke"),
    ("耐克 运动鞋", "transliteration", "耐克"),
    ("耐剋 運動鞋", "transliteration", "耐剋"),
    ("奈克运动鞋", "phonetic", "奈克"),
    ("naike shoes", "transliteration", "naike"),
    ("Samsonlte suitcase", "fuzzy", "Samsonlte"),
    ("Guccci handbag", "fuzzy", "Guccci"),
])
def test_kinds_and_spans(matcher: Matcher, title: str, kind: str, matched: str) -> None:
    found = matcher.match(title)
    assert found, title
    best = found[0]
    assert best.kind == kind and best.kind in KINDS
    assert best.matched_text == matched == title[best.span[0]:best.span[1]]
    assert 0 <= best.score <= 100 and best.reasons


def test_alias_kind(matcher: Matcher) -> None:
    only_alias = Matcher([MarkSpec(9, "Swoosh Corp", aliases=("Nike Air",))])
    assert only_alias.match("nike air trainers")[0].kind == "alias"


def test_nothing_to_find(matcher: Matcher) -> None:
    assert matcher.match("") == []
    assert matcher.match("😀😀😀") == []
    assert matcher.match("plain kettle with a mini kettle lid") == []


def test_short_and_common_word_marks_need_a_whole_word_and_context(matcher: Matcher) -> None:
    assert matcher.match("hp 61 ink") == []
    assert [m.mark_id for m in matcher.match("hp 61 ink", context={"category": "printer ink"})] == [3]
    assert matcher.match("chp toner", context={"category": "printer ink"}) == []
    assert matcher.match("fresh apple juice", context={"category": "food"}) == []
    apple = matcher.match("apple iphone 15", context={"category": "phones"})
    assert [m.mark_id for m in apple] == [4]
    assert any("is an ordinary word: counted because" in r for r in apple[0].reasons)


def test_context_adjusts_score_with_reasons(matcher: Matcher) -> None:
    plain = matcher.match("Samsonlte suitcase")[0]
    fitting = matcher.match("Samsonlte suitcase", context={"category": "luggage"})[0]
    outside = matcher.match("Samsonite suitcase", context={"category": "kitchen"})[0]
    assert fitting.score > plain.score
    assert any("fits" in r for r in fitting.reasons)
    assert outside.score == 90 and any("outside" in r for r in outside.reasons)
    authorised = matcher.match("Nike shoes", context={"seller": "nike-official"}, score_cutoff=50)[0]
    assert authorised.score == 70 and any("authorised" in r for r in authorised.reasons)
    assert matcher.match("Nike shoes", context={"seller": "nike-official"}) == []


def test_ten_kilobyte_title_and_batch_equals_single(matcher: Matcher) -> None:
    long_title = ("genuine leather 皮包 😀 " * 600)[:10_000] + " N1ke"
    titles = ["Nike Air", long_title, "", "耐克", "nothing here"]
    batch = matcher.match_many(titles)
    assert batch == [matcher.match(t) for t in titles]
    assert batch[1][0].kind == "leet" and batch[1][0].span == (10_001, 10_005)


def test_empty_matcher_and_rapidfuzz_shape() -> None:
    assert Matcher([]).match("Nike") == []
    assert Matcher(MARKS).match("Nike", score_cutoff=100.0)[0].score == 100


@settings(max_examples=150, deadline=None)
@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30), mark=st.sampled_from(["Samsonite", "Gucci", "NIKE"]))
def test_a_mark_written_as_a_word_is_always_found(prefix: str, suffix: str, mark: str) -> None:
    title = f"{prefix} {mark} {suffix}"
    found = Matcher(MARKS).match(title, score_cutoff=80)
    mark_id = next(m.id for m in MARKS if m.text == mark)
    assert mark_id in {m.mark_id for m in found}


SONY = MarkSpec(id="sony", text="SONY", classes=(9,))


def test_one_edit_in_a_short_mark_is_found_at_word_level() -> None:
    # partial_ratio compares SONY with 4-character windows (75); the whole word scores 89
    [match] = Matcher([SONY]).match("srony hdr-xr150 camcorder", score_cutoff=80)
    assert match.mark_id == "sony" and match.matched_text == "srony"


def test_context_lifts_a_borderline_short_mark_typo_over_the_cutoff() -> None:
    matcher = Matcher([SONY])
    fitting = matcher.match("mdr-v250v soyn headphones", score_cutoff=80, context={"category": "headphones"})
    assert [m.mark_id for m in fitting] == ["sony"]
    assert any("fits the mark's classes" in reason for reason in fitting[0].reasons)
    assert matcher.match("mdr-v250v soyn headphones", score_cutoff=80) == []
    assert matcher.match("mdr-v250v soyn", score_cutoff=80, context={"category": "shoes"}) == []


def test_an_ordinary_word_one_edit_away_is_not_lifted() -> None:
    assert Matcher([SONY]).match("song book for children", score_cutoff=80, context={"category": "cd players"}) == []


def test_unknown_category_is_neutral_and_another_class_counts_against() -> None:
    from detection.context import category_fit

    assert category_fit(SONY, "cooling pads") is None
    assert category_fit(SONY, "mice") is True
    assert category_fit(SONY, "sneakers") is False


@pytest.mark.parametrize(("mark", "title", "category"), [
    ("acase", "leather case for ipad 2", "cases"),  # an ordinary word one edit from the mark
    ("clover", "hard shell cover for iphone", "cases"),
    ("mobi", "t-mobile g2 android phone", "phones"),  # the mark inside an ordinary longer word
    ("pyle", "polypropylene sheet protectors", "office"),  # no separator joined: a slice of one word
    ("tops", "lg 32 class lcd 720p hdtv", "televisions"),  # a model number is no leetspeak
    ("iessentials", "my passport essential se 750 gb", "hard drives"),  # "se" is too short to tell
])
def test_ordinary_words_and_model_numbers_are_not_variants(mark: str, title: str, category: str) -> None:
    registered = MarkSpec(1, mark, categories=(category,))  # fitting goods add 5 points: still nothing
    assert Matcher([registered]).match(title, context={"category": category}) == []


@pytest.mark.parametrize(("mark", "title", "kind"), [
    ("acase", "acsae leather case for ipad 2", "fuzzy"),
    ("pyle", "p.y.l.e powered speakers", "spacing"),
    ("tops", "t0ps for women", "leet"),
])
def test_variants_beside_ordinary_words_still_match(mark: str, title: str, kind: str) -> None:
    [found] = Matcher([MarkSpec(1, mark)]).match(title)
    assert found.kind == kind


def test_domain_vocabulary_silences_fuzzy_matches_on_its_words_only() -> None:
    # "netbook" for NEXTBOOK is silenced by the lexicon already: a made-up product line shows the vocabulary's part.
    assert Matcher([MarkSpec(1, "nextbook")]).match("acer netbook 10 inch") == []
    zentrabook = MarkSpec(1, "zentrabook")
    assert [m.matched_text for m in Matcher([zentrabook]).match("acer zentrobook 10 inch")] == ["zentrobook"]
    learned = Matcher([zentrabook], vocabulary={"zentrobook"})
    assert learned.match("acer zentrobook 10 inch") == []
    assert [m.matched_text for m in learned.match("zentrabok 10 inch tablet")] == ["zentrabok"]
    assert [m.kind for m in learned.match("zentrabook 10 inch tablet")] == ["exact"]


def test_fuzzy_matches_need_goods_the_mark_covers(matcher: Matcher) -> None:
    assert matcher.match("Samsonitte suitcase", context={"category": "kitchen"}) == []
    assert matcher.match("Samsonitte suitcase", context={"category": "luggage"})
    [exact] = matcher.match("Samsonite mug", context={"category": "kitchen"})
    assert any("outside the mark's classes" in reason for reason in exact.reasons)


def test_a_misspelt_common_word_mark_counts_with_context() -> None:
    arrow = Matcher([MarkSpec(1, "Arrow", classes=(16,))])
    assert [m.matched_text for m in arrow.match("srrow staples 1250 pack", context={"category": "office"})] == [
        "srrow"]
    # The first letter dropped (a name's way: "atrix"), and neither supporting context nor the brand position.
    assert arrow.match("staples rrow 1250 pack") == []
    assert [m.matched_text for m in arrow.match("rrow staples 1250 pack")] == ["rrow"]  # where a brand is named
    assert arrow.match("arrows for archery", context={"category": "office"}) == []  # an ordinary word


def test_chinese_marks_inside_a_run_of_characters_are_whole_words() -> None:
    nike = Matcher([MarkSpec(1, "耐克", classes=(25,))])
    [found] = nike.match("耐克运动鞋", context={"category": "kitchen"})  # outside the class: exact still counts
    assert (found.matched_text, found.kind) == ("耐克", "exact")
    assert not any("inside a longer word" in reason for reason in found.reasons)


@pytest.mark.parametrize("title", ["eps on t032120 ink", "s\u200bony shelf system", "so ny shelf system"])
def test_a_mark_split_into_ordinary_words_still_matches(title: str) -> None:
    marks = [MarkSpec(1, "SONY", classes=(9,)), MarkSpec(2, "EPSON", classes=(9,))]
    assert Matcher(marks).match(title, context={"category": "electronics"})
