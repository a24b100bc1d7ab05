"""The counterfeit vocabulary matches whole words in English and runs of Chinese without spaces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detection.classifier.vocabulary import VocabularyError, load_vocabulary, parse_terms


def terms(text: str) -> list[str]:
    return [m.term for m in load_vocabulary().find(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Rolex Submariner REPLICA watch", ["replica"]),
    ("replicant action figure", []),
    ("Nike Air 1:1 mirror quality", ["1:1", "mirror quality"]),
    ("meeting 11:15 to 1:100 scale", []),
    ("ＲＥＰＬＩＣＡ bag １：１", ["replica", "1:1"]),
    ("Inspired by Chanel No.5, a dupe", ["inspired by", "dupe"]),
    ("dupes and duplicates", ["dupes"]),
])
def test_english_terms_match_on_word_boundaries(text: str, expected: list[str]) -> None:
    assert terms(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("高仿耐克运动鞋", ["高仿"]),
    ("耐克复刻版AJ1", ["复刻"]),
    ("LV原单精仿包", ["原单", "精仿"]),
    ("A货 Gucci", ["a货"]),
    ("Gucci A貨", ["a货"]),  # Traditional Chinese is folded to Simplified
    ("NIKEA货", []),  # 'A' glued to a Latin word is not the term 'A货'
    ("複刻 Nike", ["复刻"]),
])
def test_chinese_terms_match_without_spaces(text: str, expected: list[str]) -> None:
    assert terms(text) == expected


@pytest.mark.parametrize("text", ["Duracell AAA batteries 24 pack", "HP 61 OEM cartridge black",
                                  "AAA alkaline cells", "oem replacement part"])
def test_legitimate_uses_listed_as_exceptions_do_not_match(text: str) -> None:
    assert terms(text) == []


def test_aaa_grade_and_oem_wording_still_match() -> None:
    assert terms("AAA quality Louis Vuitton bag") == ["aaa"]
    assert terms("OEM sneakers same factory") == ["oem"]


def test_malformed_vocabulary_line_is_named() -> None:
    with pytest.raises(VocabularyError, match="<string>:2"):
        parse_terms("replica\tcopy\nclone\tsometimes\n")


def _reference_find(text: str) -> list[str]:
    """Slow twin of Vocabulary.find: try every term at every position, longest first."""
    from detection.classifier.vocabulary import fold

    vocabulary = load_vocabulary()
    folded, found, i = fold(text), [], 0
    ordered = sorted(vocabulary.terms, key=lambda t: -len(t[0]))
    latin = set("abcdefghijklmnopqrstuvwxyz0123456789")
    while i < len(folded):
        for term, _group, unless in ordered:
            end = i + len(term)
            if not folded.startswith(term, i):
                continue
            if term[0] in latin and i > 0 and folded[i - 1] in latin:
                continue
            if term[-1] in latin and end < len(folded) and folded[end] in latin:
                continue
            following = folded[end:end + 40].lstrip(" -")
            if not any(following.startswith(w) and following[len(w):len(w) + 1] not in latin for w in unless):
                found.append(term)
            i = end - 1
            break
        i += 1
    return found


@settings(deadline=None)  # the first call loads OpenCC's tables
@given(st.lists(st.sampled_from(["replica", "Replica", "1:1", "11", "aaa", "batteries", "高仿", "複刻", "鞋",
                                 "A貨", "inspired", "by", "dupe", "x", "-", " ", "oem", "cartridge", "ＯＥＭ"]),
                max_size=12),
       st.sampled_from(["", " "]))
def test_find_agrees_with_a_brute_force_reference(parts: list[str], joiner: str) -> None:
    text = joiner.join(parts)
    assert terms(text) == _reference_find(text)
