"""Normalisation: folded forms, variant forms and the map back to the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detection.normalise import base_form, mark_forms, normalise, title_forms


def _kinds(text: str) -> dict[str, str]:
    return {form.kind: form.text for form in title_forms(text)}


def test_case_width_accents_and_homoglyphs_fold_to_latin() -> None:
    assert normalise("ＮＩＫＥ") == "nike"
    assert normalise("Nïkè") == "nike"
    assert normalise("Nіke") == "nike"  # Cyrillic і
    assert base_form("Nіke").homoglyph == (False, True, False, False)


def test_letters_with_strokes_and_hooks_fold_like_accents() -> None:
    assert normalise("Ʂołid ⱮEGĀ Vēħo Sỏlø") == "solid mega veho solo"  # dnstwist's homoglyphs of real marks
    assert normalise("ɢ") == "g"  # a small capital
    assert base_form("Sołid").homoglyph == (False, False, True, False, False)


def test_letters_tr39_does_not_list_but_homoglyph_tools_use_fold_to_the_letter_they_draw() -> None:
    # dnstwist's glyphs: schwa, kra, eng, wynn, u bar, and the ligatures (dev look-alikes of real marks)
    assert normalise("Uṛner Kəntonalbank Multiƿharrna ĸodak ŋike Ʉber") == "urner kantonalbank multipharrna kodak nike uber"
    assert normalise("Æsop Œuvre") == "aesop oeuvre"
    assert base_form("Kəntonalbank").homoglyph[:3] == (False, True, False)


def test_letter_pairs_drawn_like_one_letter_are_read_as_it_in_words_no_language_spells() -> None:
    assert _kinds("Sarnsung galaxy s2 case")["glyphs"] == "samsung galaxy s2 case"
    assert _kinds("Tvvitter Clell rnodem")["glyphs"] == "twitter dell modem"
    assert "glyphs" not in _kinds("modern clean corner burn")  # words of their own keep their letters
    [_, glyphs] = title_forms("Optirṅum kit")  # after folding: "optirnum"
    assert (glyphs.text, glyphs.homoglyph[:7]) == ("optimum kit", (False,) * 4 + (True, False, False))
    assert glyphs.span(0, 7, len("Optirṅum kit")) == (0, 8)  # the pair maps back to both letters


def test_separators_collapse_and_emoji_are_separators() -> None:
    assert normalise("  Nike!!  Air\tMax 😀 90 ") == "nike air max 90"
    assert normalise("😀😀") == ""
    assert normalise("") == ""


def test_leet_only_inside_words_with_letters() -> None:
    forms = _kinds("N1ke Air Max 90 $99")
    assert forms["leet"] == "nike air max 90 99"
    assert forms["leet_l"] == "nlke air max 90 99"
    assert "leet" not in _kinds("Air Max 90")


def test_spacing_tricks_are_joined() -> None:
    assert _kinds("N.I.K.E shoes")["spacing"].startswith("nike")
    assert _kinds("n i k e")["spacing"] == "nike"
    assert _kinds("ni-ke bag")["spacing"] == "nike bag"
    assert "spacing" not in _kinds("mini kettle")


def test_letters_of_any_script_spaced_out_are_joined() -> None:
    assert _kinds("Л у к о й л multi functional light baton")["spacing"].startswith(_kinds("Лукойл")["base"])
    assert _kinds("lexmark 12035sa 常.陽.銀.行 toner")["spacing"] == "lexmark 12035sa 常陽銀行 toner"
    # б folds to the digit 6, yet was written as a letter between the dots
    assert _kinds("roxio toast Б.У.Ш.Е 11 pro")["spacing"] == f"roxio toast {_kinds('Буше')['base']} 11 pro"
    assert "spacing" not in _kinds("Лукойл масло моторное 5 литров")


def test_tripled_letters_collapse() -> None:
    assert _kinds("niiike")["collapsed"] == "nike"
    assert "collapsed" not in _kinds("coffee mug")


def test_chinese_traditional_to_simplified_and_pinyin() -> None:
    forms = _kinds("耐剋 運動鞋")
    assert forms["simplified"] == "耐克 运动鞋"
    assert forms["pinyin"] == "naike yundongxie"
    assert ("pinyin", "naike") in mark_forms("耐克")


def test_mixed_scripts_keep_offsets() -> None:
    text = "Sale: ＮＩＫＥ 耐克 shoes"
    form = base_form(text)
    start = form.text.index("nike")
    assert form.span(start, start + 4, len(text)) == (6, 10)
    han = form.text.index("耐克")
    assert text[slice(*form.span(han, han + 2, len(text)))] == "耐克"


def test_ten_kilobyte_title() -> None:
    text = ("genuine leather bag 皮包 " * 500)[:10_240]
    forms = title_forms(text)
    assert forms[0].kind == "base"
    assert all(len(f.offsets) == len(f.text) for f in forms)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_every_form_maps_back_inside_the_original(text: str) -> None:
    for form in title_forms(text):
        assert len(form.offsets) == len(form.text) == len(form.homoglyph)
        assert all(0 <= offset < max(len(text), 1) for offset in form.offsets)
        assert list(form.offsets) == sorted(form.offsets)
        assert "  " not in form.text and form.text == form.text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


ASCII_TITLES = st.text(alphabet="aAbBeEiIlLoOsS013457$@!|. -_,'*/\\~+&\t\n\x1c", max_size=40)


@settings(max_examples=600, deadline=None)
@given(text=ASCII_TITLES)
def test_compiled_ascii_title_forms_equal_the_python_reference(text: str) -> None:
    from detection.normalise import _title_forms

    assert title_forms(text) == _title_forms(text)


@settings(max_examples=300, deadline=None)
@given(text=ASCII_TITLES, data=st.data())
def test_ascii_fast_path_builds_what_the_generic_builder_builds(text: str, data: st.DataObject) -> None:
    from detection.normalise import _ascii_form, _built_form

    positions = data.draw(st.sets(st.integers(0, max(len(text) - 1, 0)))) if text else set()
    replaced = {i: data.draw(st.sampled_from("aeil")) for i in positions}
    assert _ascii_form(text, "leet", replaced) == _built_form(text, "leet", replaced)
