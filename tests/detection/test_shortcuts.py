"""The matcher's shortcuts against their slow references: same windows, same context assessments."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detection import matcher as matcher_module
from detection.context import assess_context
from detection.marks import MarkSpec
from detection.matcher import Matcher, _window


def _aligned(needle: str, haystack: str) -> tuple[int, int]:
    """``_window`` without its shortcut: rapidfuzz's alignment, always."""
    with patch.object(matcher_module, "_SHORT_NEEDLE", 0):
        return _window(needle, haystack)


@settings(max_examples=1500, deadline=None)
@given(st.text("ab c", max_size=90), st.data())
def test_window_is_where_rapidfuzz_aligns_the_needle(haystack: str, data: st.DataObject) -> None:
    # Small alphabets: needles found once, several times (rapidfuzz's own pick) or not at all.
    if haystack and data.draw(st.booleans()):
        start = data.draw(st.integers(0, len(haystack) - 1))
        needle = haystack[start:start + data.draw(st.integers(1, 70))]
    else:
        needle = data.draw(st.text("ab cd", max_size=14))
    assert _window(needle, haystack) == _aligned(needle, haystack)


def test_window_of_a_needle_found_once_and_twice() -> None:
    assert _window("sony", "the sony tv") == (4, 8)
    haystack = "sonya sony sony"
    assert _window("sony", haystack) == _aligned("sony", haystack)


MARKS = [
    MarkSpec(1, "Nike", classes=(25,), authorised_sellers=("nike-official",), reference_price=100.0),
    MarkSpec(2, "1", aliases=("True",)),
    MarkSpec(3, "Gucci", categories=("handbags",)),
]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(0, 2), st.floats(allow_nan=False, width=16),
                   st.sampled_from(["nike", "1", "True", "shoes", "handbags", "cables", "nike-official", ""]))


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(MARKS)


CONTEXTS = st.fixed_dictionaries({}, optional={
    "category": st.sampled_from([None, "", "shoes", "handbags", "cables"]), "brand": VALUES, "seller": VALUES,
    "seller_name": VALUES, "price": VALUES})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(MARKS) - 1), CONTEXTS), max_size=30))
def test_memoised_context_assessment_is_assess_context(matcher: Matcher, calls: list[tuple[int, dict]]) -> None:
    for position, context in calls * 2:  # every context asked twice: the second answer comes from the memo
        assert matcher._adjustment(position, context) == assess_context(MARKS[position], context)


def test_unhashable_context_values_are_assessed_without_the_memo(matcher: Matcher) -> None:
    context = {"brand": "nike", "seller": ["nike-official"]}
    assert matcher._adjustment(0, context) == assess_context(MARKS[0], context)
