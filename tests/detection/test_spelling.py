"""The index's test for whole words that may spell a mark (``_partial.spelled_by``) is
``variants.plausible_variant`` over every run of words, the letters rule aside."""

from __future__ import annotations

from detection._partial import spelled_by
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from detection.variants import max_edits, skeleton

# Letters the skeleton folds (rn, nn, vv, cl, 1 i l | !, 0, 5) and a few it leaves alone.
ALPHABET = "rnmvwcldil1|!05sao"
forms = st.text(alphabet=ALPHABET + " ", min_size=1, max_size=24)


def _near(form: str, words: str) -> bool:
    mark, written = form.replace(" ", ""), words.replace(" ", "")
    return skeleton(mark) == skeleton(written) or OSA.distance(mark, written) <= max_edits(len(mark))


def _runs(text: str) -> list[str]:
    tokens = text.split()
    return [" ".join(tokens[first:last + 1]) for first in range(len(tokens)) for last in range(first, len(tokens))]


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str]:
    """A form, and a text holding it with a few edits (look-alikes, swaps, slips) among other words."""
    form = draw(forms)
    written = list(form)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(written)))
        kind = draw(st.sampled_from(["insert", "delete", "swap", "fold"]))
        letter = draw(st.sampled_from(ALPHABET))
        if kind == "insert":
            written.insert(at, letter)
        elif at < len(written) and kind == "delete":
            del written[at]
        elif at + 1 < len(written) and kind == "swap":
            written[at], written[at + 1] = written[at + 1], written[at]
        elif at < len(written):
            written[at:at + 1] = {"m": "rn", "w": "vv", "d": "cl", "l": "1"}.get(written[at], written[at])
    around = draw(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), max_size=3))
    return form, " ".join([*around[:1], "".join(written), *around[1:]])


@settings(max_examples=1500, deadline=None)
@given(pair=edited())
def test_spelled_by_is_plausible_variant_over_the_runs_of_words(pair: tuple[str, str]) -> None:
    form, text = pair
    assert spelled_by(form, text) == any(_near(form, run) for run in _runs(text))


@settings(max_examples=500, deadline=None)
@given(form=forms, text=st.text(alphabet=ALPHABET + "  ", max_size=40))
def test_spelled_by_on_any_words(form: str, text: str) -> None:
    assert spelled_by(form, text) == any(_near(form, run) for run in _runs(text))


def test_look_alikes_and_slips_spell_the_mark() -> None:
    assert spelled_by("microsoft", "new rnicrosoft office")
    assert spelled_by("cooler master", "coolermaster case")
    assert spelled_by("black and decker", "blackand decekr drill")
    assert not spelled_by("sportmaster", "printmaster 2000")
