"""The candidate index finds every pair brute-force rapidfuzz scores above the cutoff."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from detection.index import CandidateIndex, brute_force

# A small alphabet with a space makes near-misses (and so the index's edge cases) frequent.
words = st.text(alphabet="abcde ", min_size=1, max_size=20)
texts = st.text(alphabet="abcde ", max_size=70)
LETTERS = "abcdefghijklmnop "  # enough letters that bigrams tell places apart


@settings(max_examples=400, deadline=None)
@given(forms=st.lists(words, min_size=1, max_size=8), queries=st.lists(texts, min_size=1, max_size=4),
       cutoff=st.sampled_from([80, 82.5, 85, 90, 95, 100]))
def test_index_returns_exactly_the_brute_force_pairs(forms: list[str], queries: list[str], cutoff: float) -> None:
    index = CandidateIndex(forms)
    found = index.search_many(queries, score_cutoff=cutoff)
    for query, got in zip(queries, found, strict=True):
        expected = brute_force(query, forms, score_cutoff=cutoff)
        assert sorted(i for i, _ in got) == sorted(i for i, _ in expected)
        assert dict(got) == {i: s for i, s in expected}


@settings(max_examples=100, deadline=None)
@given(forms=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6), query=st.text(max_size=40))
def test_any_unicode_never_misses_a_brute_force_pair(forms: list[str], query: str) -> None:
    forms = [f for f in forms if len(f) >= 4 or len(f) == 1] or ["nike"]
    got = CandidateIndex(forms).search(query, score_cutoff=85)
    assert {i for i, _ in brute_force(query, forms, score_cutoff=85)} <= {i for i, _ in got}


def test_below_cutoff_is_an_empty_result() -> None:
    index = CandidateIndex(["nike", "adidas"])
    assert index.search("plain kettle", score_cutoff=80) == []
    assert index.search("", score_cutoff=80) == []
    assert index.search_many([], score_cutoff=80) == []


@settings(max_examples=300, deadline=None)
@given(forms=st.lists(st.text(alphabet="abcd", min_size=7, max_size=12), min_size=1, max_size=6),
       cut=st.integers(min_value=4, max_value=11), noise=st.text(alphabet="abcd ", max_size=30),
       at_start=st.booleans(), cutoff=st.sampled_from([80, 85, 90, 99]))
def test_edge_windows_of_7_to_12_character_forms(forms: list[str], cut: int, noise: str, at_start: bool,
                                                  cutoff: float) -> None:
    """A text starting or ending with a slice of a form: the subsequence edge index must find it."""
    piece = forms[0][:cut] if at_start else forms[0][-cut:]
    query = f"{piece} {noise}" if at_start else f"{noise} {piece}"
    got = CandidateIndex(forms).search(query, score_cutoff=cutoff)
    assert got == sorted(brute_force(query, forms, score_cutoff=cutoff))


@settings(max_examples=300, deadline=None)
@given(forms=st.lists(st.text(alphabet="abcdé漢 ", min_size=1, max_size=30), min_size=1, max_size=6),
       queries=st.lists(st.text(alphabet="abcdé漢 ", max_size=90), min_size=1, max_size=3),
       cutoff=st.sampled_from([50, 60, 66.66666666666667, 75, 80, 87.5, 100]), word_rule=st.booleans())
def test_long_forms_low_cutoffs_and_any_script_match_brute_force(forms: list[str], queries: list[str],
                                                                  cutoff: float, word_rule: bool) -> None:
    """Every path of the core: keyed, counted and always-scored forms, texts shorter than a form; with
    word rules too, which the plain search does not apply (their forms are counted apart)."""
    index = CandidateIndex(forms, word_rule=[True] * len(forms) if word_rule else None)
    for query, got in zip(queries, index.search_many(queries, score_cutoff=cutoff), strict=True):
        assert got == sorted(brute_force(query, forms, score_cutoff=cutoff))


def test_needles_over_64_characters_are_scored_by_rapidfuzz() -> None:
    long_form = "abcdefghij" * 7
    texts = [long_form.replace("e", "x", 2) + " and more", "short", long_form[:66]]
    for text, got in zip(texts, CandidateIndex([long_form, "abc"]).search_many(texts, score_cutoff=80),
                         strict=True):
        assert got == sorted(brute_force(text, [long_form, "abc"], score_cutoff=80))


def test_bad_arguments_are_refused_with_a_reason() -> None:
    index = CandidateIndex(["nike"])
    with pytest.raises(ValueError, match="joins"):
        index.screen_many(["ni ke"], score_cutoff=80, joins=[[5]])
    with pytest.raises(ValueError, match="ordinary"):
        index.screen_many(["nike shoes"], score_cutoff=80, word_cutoff=75, ordinary=[1])  # no ordinary_words
    with pytest.raises(ValueError, match="ordinary"):
        CandidateIndex(["nike"], ordinary_words=["shoes"]).screen_many(["nike shoes"], score_cutoff=80, ordinary=[3])
    with pytest.raises(TypeError):
        index.search_many([None], score_cutoff=80)  # type: ignore[list-item]


@settings(max_examples=300, deadline=None)
@given(forms=st.lists(st.text(alphabet=LETTERS, min_size=13, max_size=40), min_size=1, max_size=4),
       edits=st.lists(st.tuples(st.integers(min_value=0, max_value=39), st.sampled_from(LETTERS + "-")), max_size=6),
       before=st.text(alphabet=LETTERS, max_size=40), after=st.text(alphabet=LETTERS, max_size=40),
       cutoff=st.sampled_from([80, 85, 90]), word_rule=st.booleans())
def test_long_forms_misspelt_anywhere_in_a_text_match_brute_force(forms: list[str], edits: list[tuple[int, str]],
                                                                   before: str, after: str, cutoff: float,
                                                                   word_rule: bool) -> None:
    """A long form with characters deleted, inserted or replaced at any offset: the narrowed windows
    of the counted forms, and the texts shorter than a form, keep every brute-force pair."""
    planted = list(forms[0])
    for position, char in edits:
        at = position % len(planted)
        if char == "-":
            del planted[at]
        else:
            planted.insert(at, char) if position % 2 else planted.__setitem__(at, char)
        if not planted:
            planted = ["a"]
    queries = [before + "".join(planted) + after, "".join(planted), "".join(planted)[: len(planted) // 2]]
    index = CandidateIndex(forms, word_rule=[True] * len(forms) if word_rule else None)
    for query, got in zip(queries, index.search_many(queries, score_cutoff=cutoff), strict=True):
        assert got == sorted(brute_force(query, forms, score_cutoff=cutoff))


def _best_joining_window(form: str, text: str, joins: list[int]) -> float:
    """The best ratio of ``form`` over the windows partial_ratio scores that hold characters i and
    i + 1 of some join i: full windows of its length, shorter prefixes and suffixes."""
    n = len(form)
    windows = [(start, start + n) for start in range(len(text) - n + 1)]
    windows += [(0, w) for w in range(1, n)] + [(len(text) - w, len(text)) for w in range(1, n)]
    return max((fuzz.ratio(form, text[a:b]) for a, b in windows if any(a <= j and j + 1 < b for j in joins)),
               default=0.0)


@settings(max_examples=500, deadline=None)
@given(forms=st.lists(st.text(alphabet=LETTERS, min_size=3, max_size=30), min_size=1, max_size=4),
       before=st.text(alphabet=LETTERS, max_size=30), after=st.text(alphabet=LETTERS, max_size=30),
       typo=st.tuples(st.integers(min_value=0, max_value=29), st.sampled_from(LETTERS)),
       offsets=st.lists(st.integers(min_value=-3, max_value=32), min_size=1, max_size=3),
       cut=st.integers(min_value=-8, max_value=8), cutoff=st.sampled_from([80, 85, 90]))
def test_a_match_holding_a_join_is_found_with_its_score(forms: list[str], before: str, after: str,
                                                         typo: tuple[int, str], offsets: list[int], cut: int,
                                                         cutoff: float) -> None:
    """With ``joins`` the search may skip windows that hold no join (short and long forms alike,
    full windows and edges), never one that does: every form whose best joining window reaches the
    cutoff is found, scoring at least that window and at most its partial_ratio. The joins fall in
    and around a planted (misspelt) form, down to the window's first and last two characters; the
    text may start with the form's end or end with its start (cut), where the best window is an edge."""
    at, char = typo
    planted = forms[0][:at % len(forms[0])] + char + forms[0][at % len(forms[0]) + 1:]
    if cut > 0:
        before, planted = "", planted[cut:]
    elif cut < 0:
        planted, after = planted[:cut], ""
    text = before + planted + after
    inner = {i for i in range(len(text) - 1) if text[i] != " " and text[i + 1] != " "}
    joins = sorted(inner & {len(before) + k for k in offsets})
    index = CandidateIndex(forms)
    (got, _near), = [tuple(s) for s in index.screen_many([text], score_cutoff=cutoff, joins=[joins])]
    found = dict(got)
    for i, form in enumerate(forms):
        if len(form) >= len(text):
            continue  # the text is the needle: scored whole, joins or not
        best = _best_joining_window(form, text, joins)
        if best >= cutoff:
            assert i in found, (form, text, joins, best)
            assert best - 1e-9 <= found[i] <= fuzz.partial_ratio(form, text) + 1e-9


@pytest.mark.parametrize(("text", "join"), [("abcdefghijzz" + "z" * 6, 10), ("z" * 8 + "defghijklm", 6)])
def test_an_edge_window_holding_only_the_outermost_join_is_kept(text: str, join: int) -> None:
    """A long form whose one joining window reaching the cutoff is the text's prefix (or suffix) of 12
    characters, the full windows scoring under it: the join is that prefix's last (suffix's first) two."""
    form = "abcdefghijklm"
    assert _best_joining_window(form, text, [join]) == 80 > fuzz.ratio(form, text[:13]), fuzz.ratio(form, text[-13:])
    (got, _near), = [tuple(s) for s in CandidateIndex([form]).screen_many([text], score_cutoff=80, joins=[[join]])]
    assert [i for i, _ in got] == [0] and 80 <= got[0][1] <= fuzz.partial_ratio(form, text)


@pytest.mark.parametrize("n", [16, 20, 25])
@pytest.mark.parametrize("first_two", [True, False])
def test_a_form_as_long_as_its_bucket_window_is_found_at_a_join_on_its_edge(n: int, first_two: bool) -> None:
    """A counted form slides in windows of its bucket's length (16, 20, 25, ...): one that long, written
    out whole, with the one join on its first (or last) two characters, is found with its exact score."""
    form = "abcdefghijklmnopqrstuvwxy"[:n]
    text = f"xyz {form} qrs"
    join = 4 if first_two else 4 + n - 2
    (got, _near), = [tuple(s) for s in CandidateIndex([form]).screen_many([text], score_cutoff=80, joins=[[join]])]
    assert got == [(0, 100.0)]
