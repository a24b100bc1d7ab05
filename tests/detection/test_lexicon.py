"""The lexicon's shortcuts answer as its frequency table does."""

from __future__ import annotations

import pytest

from detection import lexicon


@pytest.mark.parametrize("min_zipf", [1.0, 1.5, 2.5, 3.0, 4.0, 7.7])
def test_is_frequent_is_zipf_at_least(min_zipf: float) -> None:
    words, _ = lexicon._fields()
    sample = words[::97] + ["the", "denon", "power", "true", "zzqqxxw", ""]
    assert [lexicon.is_frequent(word, min_zipf) for word in sample] == [
        lexicon.zipf(word) >= min_zipf for word in sample]


def test_is_frequent_words() -> None:
    assert lexicon.is_frequent("the", 4.0) and lexicon.is_frequent("power", 4.0)
    assert not lexicon.is_frequent("zzqqxxw", 1.0) and not lexicon.is_frequent("denon", 4.0)
