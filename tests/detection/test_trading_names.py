"""Precision on a register of real trading names (issue 14): bench/quality.py's name-suggestion-index register.

Every mark is a real NSI brand of the benchmark's dev half, every title a genuine Walmart–Amazon or
WDC-PAVE text it was falsely found in before these rules; each rule also keeps the look-alike (a
dev positive of bench/realdata.py) that it must not lose.
"""

from __future__ import annotations

import pytest

from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.near_names import aligned_words


def _found(mark: str, title: str, context: dict[str, str] | None = None) -> list[tuple[str, str]]:
    return [(m.kind, m.matched_text) for m in Matcher([MarkSpec(1, mark)]).match(title, context=context)]


@pytest.mark.parametrize(("mark", "title"), [
    ("50嵐", "50ft cat6 black patch cable snagless rj45m rj45m"),
    ("361度", "cables unlimited pro a v series vga and stereo audio to hdmi aud-2361"),
    ("CoCo都可", "cocoon innovations grid-it large organizer for roller bag black"),
    ("衛訊 Wilson", "wilson electronics 301103 dual band 800 1900 mhz magnet mount antenna"),
])
def test_a_mark_with_chinese_characters_needs_them(mark: str, title: str) -> None:
    assert _found(mark, title) == []


def test_chinese_marks_are_still_found_with_their_characters() -> None:
    assert _found("CoCo都可", "CoCo都可 奶茶杯 500ml") == [("exact", "CoCo都可")]
    assert _found("50嵐", "正品 50嵐 珍珠奶茶") == [("exact", "50嵐")]


def test_a_chinese_mark_read_aloud_as_an_english_word_is_that_word_in_latin_letters() -> None:
    title = "incipio ipad-201 premium kickstand for apple ipad 2 - light gray nylon with light gray lining"
    assert _found("李宁", title) == []
    assert _found("李宁", "力宁运动鞋 男款") == [("phonetic", "力宁")]  # written in Chinese, it still sounds alike


@pytest.mark.parametrize(("mark", "title"), [
    ("G2000", "sabrent usb-g1000 usb 2.0 to gigabit 10 100 1000 ethernet adapter"),  # another model number
    ("A101", "sandisk cruzer 32 gb usb 2.0 flash drive sdcz36-032g-a11"),
    ("G500", "kingston technology 2 gb kit ddr2 g5400 memory"),
    ("Marko", "sony 2gb ms pro duo mark2"),  # a model name numbered
    ("Rally's", "ocz rally2 usb 2.0 8 gb flash drive - oczusbr2dc-8gb"),
])
def test_changed_digits_make_another_model_not_a_misspelling(mark: str, title: str) -> None:
    assert _found(mark, title) == []


def test_digits_added_to_a_distinctive_mark_or_read_as_letters_still_count() -> None:
    assert _found("Gitea", "energizer er-p240 Gitea2 cordless phone battery") == [("fuzzy", "Gitea2")]
    assert _found("Adidas", "4did4s superstar trainers") == [("leet", "4did4s")]


@pytest.mark.parametrize(("mark", "title"), [
    ("SAQ Express", "scanner scanexpress s324 photo"),  # a short word of the phrase replaced
    ("M Stand", "lifeworks technology ihome istand media center bundle with wireless keyboard"),
    ("RD Electronics", "meelectronics clarity series cc51-bk ceramic in-ear headphone for ipod"),
    ("Mr. Electric", "maxwhite vmax2 series ezelectric motorized screen - size 99 diagonal"),
    ("Air Bank", "gogroove airband wireless bluetooth stereo headset for a2dp enabled smartphones"),  # another word
    ("One Stop", "Cardinal OneStep Index Tabs White - CRD60213 ReStockIt Cardinal Tabs"),
    ("Store Space", "western digital sharespace 2 tb 4-bay gigabit ethernet network attached storage"),
])
def test_a_phrase_misspelt_in_a_short_word_or_into_another_word_is_another_phrase(mark: str, title: str) -> None:
    assert _found(mark, title) == []


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("Zip Linq", "Zip7 linq new-mcgill 16500 - handheld badge punch", "Zip7 linq"),  # a letter added to a short word
    ("Ink Tank", "cheetah mounts lcd tv wall mount bracket Ikn Tank with full motion", "Ikn Tank"),  # swapped
    ("Buyer News", "scosche idr650m dynamic range Buyer Snews earphones", "Buyer Snews"),  # added where words meet
    ("Google Tag Manager", "Google Tag Menager maccase 15 premium leather sleeve", "Google Tag Menager"),
])
def test_phrase_look_alikes_keep_counting(mark: str, title: str, written: str) -> None:
    assert [text for _, text in _found(mark, title)] == [written]


def test_the_words_of_a_phrase_align_with_what_was_written() -> None:
    assert aligned_words("ev power", "evopower") == [("ev", "evo"), ("power", "power")]
    assert aligned_words("ev power", "evopower", from_end=True) == [("ev", "ev"), ("power", "opower")]
    assert aligned_words("saq express", "scanexpress") == [("saq", "scan"), ("express", "express")]


def test_two_english_words_run_together_are_no_misspelling() -> None:
    assert _found("Tyrepower", "truepower thinskin personalization films for iphone 4 cardinal red") == []
    # A mark that is itself two words run together keeps its misspellings, words or not ("gate" + "way").
    assert _found("Gateway", "mach speed eclipse-duo 4 gb mp3 player with Fateway usb microsd slot") == [
        ("fuzzy", "Fateway")]


def test_a_misspelling_that_splits_into_rare_words_still_counts() -> None:
    assert _found("Origin", "sony bravia dav-dz170 Origsin home theater system") == [("fuzzy", "Origsin")]


def test_a_misspelling_in_the_brand_field_still_counts() -> None:
    # Counterfeiters state their spelling as the brand ("cabon" for CANON, an ordinary word): no alibi.
    assert _found("Canon", "cabon cli-221 ink tank magenta", {"brand": "cabon"}) == [("fuzzy", "cabon")]
    assert _found("Adidas", "addidas superstar trainers white", {"brand": "Addidas"}) == [("fuzzy", "addidas")]


@pytest.mark.parametrize(("mark", "title"), [
    ("Wagas", "wagan 5 amp ac to 12v dc power adapter"),  # n for s: no key, glyph or bit apart
    ("Spinx", "thermaltake cl-p0466 spinq quiet copper heatpipe universal cpu cooler"),
    ("Pablo", "kyocera clip s2100 paylo prepaid phone virgin mobile"),
    ("Ixina", "ivina bulletscan f600 flatbed scanner"),
])
def test_one_letter_changed_as_no_one_slips_is_another_name(mark: str, title: str) -> None:
    assert _found(mark, title) == []


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("Wagas", "Wagaa 5 amp ac to 12v dc power adapter", "Wagaa"),  # a neighbouring key
    ("Spinx", "thermaltake Spinz quiet copper heatpipe cpu cooler", "Spinz"),
    ("Petco", "Pedco ultrapod ii lightweight camera tripod", "Pedco"),  # one bit flipped (dnstwist's bitsquatting)
    ("Vertu", "pny Verto geforce 8500gt 512mb video card", "Verto"),  # a vowel for a vowel
    ("Medion", "Nedion 15.6 inch laptop bag", "Nedion"),  # drawn alike
])
def test_one_letter_slipped_still_counts(mark: str, title: str, written: str) -> None:
    assert _found(mark, title) == [("fuzzy", written)]


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("Maggiano's Little Italy", "cables unlimited pcm-2250 vga Maggiano Little Italy hdb15 1m", "Maggiano Little Italy"),
    ("Zaxby's", "video mount products tt-20 medium Zaxby television flat panel", "Zaxby"),  # a name the web knows
])
def test_a_mark_written_without_its_possessive_is_the_mark(mark: str, title: str, written: str) -> None:
    assert _found(mark, title) == [("fuzzy", written)]


@pytest.mark.parametrize(("mark", "title"), [
    ("Jack's", "torin big red jack stand 3 ton"),  # without its possessive, an ordinary word
    ("Kohl's", "kohl eyeliner pencil black"),
    ("s.Oliver", "oliver twist hardcover"),  # a leading "s" is no possessive
])
def test_an_ordinary_word_left_without_the_possessive_is_that_word(mark: str, title: str) -> None:
    assert _found(mark, title) == []


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("Zaxby's", "Zaxwby s trendnet 450 mbps wireless n access point tew-690ap black", "Zaxwby s"),
    ("Greenhalgh's", "Greenhalghe s 1pk slr75 38 75gb tape cart", "Greenhalghe s"),
])
def test_a_phrase_is_judged_on_every_word_its_window_spans(mark: str, title: str, written: str) -> None:
    # partial_ratio aligns "zaxby s" with "zaxwby" as well as with "axwby s": the words are "zaxwby s".
    assert _found(mark, title) == [("fuzzy", written)]
    assert _found(mark, title.replace(f"{written} ", f"{written.split()[0]} shoes ")) == []


def test_a_phrase_drawn_with_letters_tr39_does_not_list_is_a_homoglyph() -> None:
    assert _found("Urner Kantonalbank", "targus a7 backpack designed to Uṛner Kəntonalbank protect 16-inch") == [
        ("homoglyph", "Uṛner Kəntonalbank")]


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("The Yard Milkshake Bar", "pc treasures external Te Yard Milkshake Bar dvd-rw drive pink", "Te Yard Milkshake Bar"),
    ("The Yard Milkshake Bar", "Thes Yard Milkshake Bar thecus n5200xxx 5-bay network attached storage",
     "Thes Yard Milkshake Bar"),  # a spelling the web knows, but no English word
    ("East of England CO-OP", "East of england cot op us brown bear w7-63t-blk large tilt adjustable mount",
     "East of england cot op"),
    ("Agri Go Charge", "da-lite fast-fold deluxe screen system - Agri Gol Charge projection screen - 16",
     "Agri Gol Charge"),
    ("ABN AMRO MeesPierson", "AN AMRO Meespierson pny 4gb class 4 purple sd card", "AN AMRO Meespierson"),
])
def test_a_long_phrase_with_one_word_slipped_is_the_mark(mark: str, title: str, written: str) -> None:
    assert _found(mark, title) == [("fuzzy", written)]


@pytest.mark.parametrize(("mark", "title"), [
    ("Unlocked Cell Phones", "motorola milestone xt720 gsm quadband unlocked cell phone with 8mp camera"),
    ("The Bargain! Shop", "2-in-1 The Bargain Hop lens cleaner"),  # a phrase of words slipped into a word
    ("Phone House", "galaxy technology geforce gt430 Phone Hose 1 gb graphics card"),  # two words: a word changed
])
def test_a_phrase_of_words_slipped_into_words_or_a_short_phrase_changed_is_no_slip(mark: str, title: str) -> None:
    assert _found(mark, title) == []


@pytest.mark.parametrize(("mark", "title", "written"), [
    ("Лукойл", "usb to parallel ieee 1284 printer adapter cable pc Л у к о й л connect your old", "Л у к о й л"),
    ("Ярослав", "Я.Р.О.С.Л.А.В hoffco 06-ce-mak1 mobile accessory kit", "Я.Р.О.С.Л.А.В"),
    ("中華電信", "中.華.電.信 trendnet securview wireless day night internet surveillance camera", "中.華.電.信"),
    ("буше", "roxio toast Б.У.Ш.Е 11 pro software", "Б.У.Ш.Е"),
])
def test_a_mark_of_another_script_spaced_out_letter_by_letter_is_found(mark: str, title: str, written: str) -> None:
    assert _found(mark, title) == [("spacing", written)]
