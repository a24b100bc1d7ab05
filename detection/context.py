"""Listing context around a match: category vs the mark's classes, authorised sellers, price.

A match on a short mark (three letters or fewer) or a mark that is a common word (APPLE, SHELL,
TARGET) only counts with supporting context; every other match has its score adjusted by the
context, and the reasons say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from detection.marks import MarkSpec
from detection.normalise import normalise
from shared_db.messages import detection as M

# Words that place a listing category in a Nice class (only the classes marketplaces sell most in).
NICE_CLASS_WORDS: dict[int, tuple[str, ...]] = {
    3: ("cosmetic", "perfume", "fragrance", "makeup", "beauty", "skin", "soap", "shampoo", "lotion"),
    5: ("pharma", "vitamin", "supplement", "medic", "health"),
    7: ("machine", "engine", "motor", "tool", "appliance", "vacuum"),
    8: ("tool", "knife", "razor", "cutlery", "shaver"),
    9: ("electronic", "computer", "laptop", "phone", "camera", "headphone", "audio", "video", "tv", "cable",
        "printer", "ink", "toner", "software", "monitor", "memory", "drive", "network", "speaker", "battery",
        "charger", "mouse", "mice", "keyboard", "projector", "gps", "game", "accessor", "photo", "usb", "storage",
        "telephone", "handset", "radio", "stereo", "theater", "camcorder", "ebook", "webcam", "tape", "cartridge",
        "disc", "lens", "microphone", "mp3", "cd", "dvd", "notebook", "tablet", "adapter", "digital"),
    11: ("lamp", "light", "heater", "kitchen", "fan", "air"),
    14: ("jewel", "watch", "ring", "necklace", "bracelet"),
    16: ("paper", "office", "stationery", "label", "printer"),
    18: ("bag", "handbag", "wallet", "leather", "luggage", "backpack", "purse"),
    21: ("kitchen", "cookware", "bottle", "cup", "household"),
    25: ("clothing", "apparel", "shoe", "sneaker", "shirt", "dress", "jacket", "footwear", "hat", "cap",
         "sock", "boot"),
    28: ("toy", "game", "sport", "fitness", "golf", "ball"),
    30: ("coffee", "tea", "food", "snack", "chocolate"),
    32: ("beverage", "drink", "water", "soda", "juice", "beer"),
    33: ("wine", "spirits", "liquor", "whisky", "vodka"),
}


@cache
def _word_list(name: str) -> frozenset[str]:
    text = resources.files("detection").joinpath(f"data/{name}").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def common_word_marks() -> frozenset[str]:
    """Marks that are common words (hand-maintained): they match only exactly, with context."""
    return _word_list("common_words.txt")


def common_words() -> frozenset[str]:
    """Frequent English words (wordfreq) plus the common-word marks: a fuzzy match on one is weak."""
    return _word_list("common_words_en.txt") | _word_list("common_words.txt")


def is_short(mark: MarkSpec) -> bool:
    """Three letters or fewer (Latin): matched only exactly, as a whole word, with supporting context."""
    form = normalise(mark.text)
    return form.isascii() and sum(c.isalnum() for c in form) <= 3


def is_guarded(mark: MarkSpec) -> bool:
    """True for marks that need word boundaries and supporting context: short or a common word."""
    form = normalise(mark.text)
    return is_short(mark) or (form.isascii() and form in common_word_marks())


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", normalise(text)))


def category_fit(mark: MarkSpec, category: str | None) -> bool | None:
    """Whether the listing category fits the mark's categories or Nice classes.

    None when unknown: no category, a mark without classes, or a category no class word places.
    """
    if not category or not (mark.classes or mark.categories):
        return None
    words = _words(category)
    wanted = {w for c in mark.categories for w in _words(c)}
    if words & wanted or any(_in_class(words, nice) for nice in mark.classes):
        return True
    # Only a category that clearly belongs to another class counts against the match; an unknown one is neutral.
    return False if any(_in_class(words, nice) for nice in NICE_CLASS_WORDS) else None


def _in_class(words: set[str], nice: int) -> bool:
    return any(word.startswith(stem) for stem in NICE_CLASS_WORDS.get(nice, ()) for word in words)


def seller_authorised(mark: MarkSpec, seller: str | None) -> bool:
    """True if ``seller`` (id or name) is one of the mark's authorised sellers."""
    if not seller or not mark.authorised_sellers:
        return False
    wanted = {normalise(s) for s in mark.authorised_sellers}
    return normalise(seller) in wanted


@dataclass(frozen=True)
class Adjustment:
    """Points to add to a match score and the reasons for them; ``supported`` for guarded marks."""

    points: float
    reasons: tuple[str, ...]
    supported: bool
    category_fits: bool | None = None
    brand_named: bool = False  # the listing's brand field is the mark


_NO_CONTEXT = Adjustment(0.0, (), False, None)  # what an empty context gives any mark


def may_support(context: Mapping[str, Any] | None) -> bool:
    """False when ``assess_context`` cannot find support for any mark in ``context`` (no category, brand or price)."""
    return bool(context) and bool(context.get("category") or context.get("brand") or context.get("price") is not None)


@lru_cache(maxsize=65_536)
def _normalised(text: str) -> str:
    return normalise(text)  # brand fields repeat across listings: each is normalised once


@lru_cache(maxsize=65_536)
def _names(text: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """A mark's text and aliases, normalised (asked for every match the matcher explains)."""
    return frozenset(normalise(name) for name in (text, *aliases))


def names_stated_brand(context: Mapping[str, Any] | None, words: str) -> bool:
    """Whether the listing's brand field is ``words`` (normalised): then they name that brand, not a mark misspelt."""
    brand = context.get("brand") if context else None
    return bool(brand) and _normalised(str(brand)) == words


def assess_context(mark: MarkSpec, context: Mapping[str, Any] | None) -> Adjustment:
    """Score adjustment from category fit, authorised seller, price and brand field."""
    if not context:
        return _NO_CONTEXT
    points = 0.0
    reasons: list[str] = []
    supported = False
    category = context.get("category")
    fit = category_fit(mark, category)
    if fit is True:
        points += 5
        supported = True
        reasons.append(M.CATEGORY_FITS(category=category))
    elif fit is False:
        points -= 10
        reasons.append(M.CATEGORY_OUTSIDE(category=category))
    brand = context.get("brand")
    brand_named = bool(brand) and _normalised(str(brand)) in _names(mark.text, mark.aliases)
    if brand_named:
        supported = True
        reasons.append(M.BRAND_FIELD(brand=brand))
    price = context.get("price")
    if price is not None and mark.reference_price:
        try:
            ratio = float(price) / mark.reference_price
        except (TypeError, ValueError):
            ratio = None
        if ratio is not None and 0.05 <= ratio <= 3:
            supported = supported or fit is not False
            if ratio < 0.5:
                reasons.append(M.PRICE_BELOW(price=f"{float(price):g}", percent=f"{100 - ratio * 100:.0f}"))
    sellers = [str(s) for s in (context.get("seller"), context.get("seller_name")) if s]
    seller = next((s for s in sellers if seller_authorised(mark, s)), None)
    if seller is not None:
        points -= 30
        reasons.append(M.SELLER_AUTHORISED(seller=seller))
    return Adjustment(points, tuple(reasons), supported, fit, brand_named)
