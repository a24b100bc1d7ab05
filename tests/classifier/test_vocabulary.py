"""The counterfeit vocabulary matches whole words in English and runs of Chinese without spaces."""

from __future__ import annotations

import pytest

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
