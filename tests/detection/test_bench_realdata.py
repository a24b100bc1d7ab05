"""The benchmark data of ``bench/realdata.py``: the register's classes, the negative rule, disjoint splits."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import realdata  # noqa: E402 - bench/ is scripts, not a package
from realdata import KINDS, Mark, WrittenMarks, build_positives, build_register, build_titles  # noqa: E402

from detection.normalise import normalise  # noqa: E402


@pytest.fixture(scope="module")
def register(shared_data: Path) -> list[Mark]:
    realdata.DATA = shared_data
    return build_register()


@pytest.fixture(scope="module")
def titles(register: list[Mark]) -> realdata.TitleSets:
    return build_titles(register)


def test_register_is_large_real_and_classed(register: list[Mark]) -> None:
    assert len(register) >= 5_000
    by_text = {m.text: m for m in register}
    assert len({m.id for m in register}) == len(register)
    assert all(m.id == normalise(m.text).replace(" ", "-") for m in register)
    for text in ("Less", "Wire", "LINE", "Black", "Mini", "Meta"):
        assert by_text[text].mark_class == "ordinary-word", text
    assert by_text["Sony"].mark_class == "short" and by_text["HP"].mark_class == "short"
    assert by_text["Nikon"].mark_class == by_text["Adidas"].mark_class == "other"
    assert by_text[".NET"].mark_class == by_text["Da-Lite"].mark_class == "punctuated"
    assert by_text["Griffin Technology"].mark_class == "multi-word"
    assert "Apricorn Inc." not in by_text and "Apricorn" in by_text  # one rights holder, one mark


def test_the_second_register_holds_the_trading_names_classed_the_same_way() -> None:
    nsi = realdata.build_nsi_register()
    by_text = {m.text: m for m in nsi}
    assert len(nsi) >= 15_000 and len({m.id for m in nsi}) == len(nsi)
    assert {m.sources for m in nsi} == {("nsi",)}
    assert by_text["Zara"].mark_class == "short" and by_text["Salsa"].mark_class == "ordinary-word"
    assert by_text["Le Pain Quotidien"].mark_class == "multi-word"
    assert by_text["Applebee's Neighborhood Grill & Bar"].mark_class == "punctuated"
    assert {m.half for m in nsi} == {"dev", "test"}


def test_a_mark_is_written_in_a_text_by_the_documented_rule() -> None:
    marks = [Mark("black", "Black", (), "ordinary-word", "dev", ()),
             Mark("cooler-master", "Cooler Master", (), "multi-word", "dev", ()),
             Mark("isound", "iSound", (), "other", "dev", ())]
    written = WrittenMarks(marks)
    assert written.in_text("usb cable, black") == set()  # the colour, not the mark
    assert written.in_text("Black usb cable") == {"black"}
    assert written.in_text("coolermaster fan") == {"cooler-master"}
    assert written.in_text("i-Sound speaker and a Cooler-Master fan") == {"isound", "cooler-master"}
    assert written.in_brand("black") == {"black"}  # a brand field names the mark in any case


def test_negatives_contain_no_other_mark_and_splits_are_disjoint(register: list[Mark],
                                                                titles: realdata.TitleSets) -> None:
    written = WrittenMarks(register)
    assert len(titles.dev) > 4_000 and len(titles.test) > 4_000 and len(titles.learn) > 10_000
    for text in titles.dev[:500] + titles.test[:500]:
        assert not written.in_text(text.text) - text.own
    offers = {split: {(t.source, t.offer) for t in titles.split(split)} for split in realdata.SPLITS}
    assert not offers["learn"] & offers["dev"] and not offers["learn"] & offers["test"]
    assert not offers["dev"] & offers["test"]
    assert {t.source for t in titles.test} == {"walmart-amazon", "wdc-pave"}


def test_positives_of_dev_and_test_come_from_disjoint_marks(register: list[Mark],
                                                           titles: realdata.TitleSets) -> None:
    dev = build_positives(register, titles, "dev", per_kind=6)
    test = build_positives(register, titles, "test", per_kind=6)
    assert {p.kind for p in test} == set(KINDS)
    assert not {p.mark_id for p in dev} & {p.mark_id for p in test}
    assert test == build_positives(register, titles, "test", per_kind=6)  # deterministic
    for positive in test:
        assert positive.text.replace(positive.variant, "", 1).split() == positive.carrier.text.split()
        # a look-alike, not the mark itself: only one in other scripts normalises to the mark
        assert normalise(positive.variant) != positive.mark_id.replace("-", " ") or not positive.variant.isascii()
