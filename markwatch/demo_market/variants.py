"""Counterfeit variants of a brand name, generated deterministically from a seeded ``random.Random``.

How each kind is made (applied to the brand word in a real offer title):
- typo: one letter replaced by a QWERTY neighbour (sony → sonu);
- omission: one inner letter dropped (samsung → samsng);
- insertion: one letter doubled (canon → cannon);
- transposition: two adjacent letters swapped (logitech → logitceh);
- homoglyph: Latin letters replaced by look-alike Cyrillic/Greek ones (sony → ѕоny);
- leet: letters replaced by digits (apple → 4ppl3);
- spacing: spaces, dots or zero-width spaces inserted (s o n y, sam-sung);
- transliteration: the Chinese mark or its pinyin in a Chinese title (索尼, suoni);
- counterfeit_vocab: the genuine brand with "replica", "1:1", "高仿", "AAA copy"…
"""

from __future__ import annotations

import random

KEYBOARD_NEIGHBOURS = {
    "a": "qs", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}
HOMOGLYPHS = {
    "a": "а", "c": "с", "e": "е", "i": "і", "j": "ј", "o": "о", "p": "р", "s": "ѕ", "x": "х",
    "y": "у", "h": "һ", "n": "ո", "l": "ӏ", "g": "ɡ", "m": "м", "k": "κ",
}
LEET = {"a": "4", "e": "3", "i": "1", "l": "1", "o": "0", "s": "5", "t": "7", "g": "9", "b": "8"}
COUNTERFEIT_TERMS = ("replica", "1:1", "高仿", "AAA quality copy", "mirror quality", "super copy", "仿品")
LOOKALIKE_KINDS = ("typo", "omission", "insertion", "transposition", "homoglyph", "leet", "spacing")


class VariantUnavailable(ValueError):
    """The brand is too short for this kind of variant."""


def typo(brand: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(brand) if ch in KEYBOARD_NEIGHBOURS and i > 0] or [0]
    i = rng.choice(positions)
    return brand[:i] + rng.choice(KEYBOARD_NEIGHBOURS.get(brand[i], "x")) + brand[i + 1:]


def omission(brand: str, rng: random.Random) -> str:
    if len(brand) < 4:
        raise VariantUnavailable(brand)
    i = rng.randrange(1, len(brand) - 1)
    return brand[:i] + brand[i + 1:]


def insertion(brand: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(brand))
    return brand[:i] + brand[i] + brand[i:] if rng.random() < 0.6 else brand[:i] + rng.choice("aeinr") + brand[i:]


def transposition(brand: str, rng: random.Random) -> str:
    candidates = [i for i in range(1, len(brand) - 1) if brand[i] != brand[i + 1]]
    if not candidates:
        raise VariantUnavailable(brand)
    i = rng.choice(candidates)
    return brand[:i] + brand[i + 1] + brand[i] + brand[i + 2:]


def homoglyph(brand: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(brand.lower()) if ch in HOMOGLYPHS]
    if not positions:
        raise VariantUnavailable(brand)
    chosen = set(rng.sample(positions, k=min(len(positions), rng.choice((1, 1, 2)))))
    return "".join(HOMOGLYPHS[ch.lower()] if i in chosen else ch for i, ch in enumerate(brand))


def leet(brand: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(brand.lower()) if ch in LEET]
    if not positions:
        raise VariantUnavailable(brand)
    chosen = set(rng.sample(positions, k=min(len(positions), rng.choice((1, 2)))))
    return "".join(LEET[ch.lower()] if i in chosen else ch for i, ch in enumerate(brand))


def spacing(brand: str, rng: random.Random) -> str:
    style = rng.choice(("letters", "split", "dot", "zwsp"))
    if style == "letters" or len(brand) < 3:
        return " ".join(brand)
    i = rng.randrange(1, len(brand))
    sep = {"split": " ", "dot": ".", "zwsp": "\u200b"}[style]
    return brand[:i] + sep + brand[i:]


GENERATORS = {
    "typo": typo, "omission": omission, "insertion": insertion, "transposition": transposition,
    "homoglyph": homoglyph, "leet": leet, "spacing": spacing,
}


def lookalike(kind: str, brand: str, rng: random.Random) -> str:
    """A look-alike of ``brand`` of the given kind, different from the brand itself."""
    for _ in range(10):
        variant = GENERATORS[kind](brand, rng)
        if variant.lower() != brand.lower():
            return variant
    raise VariantUnavailable(f"no {kind} variant of {brand!r}")


def replace_brand(title: str, brand: str, replacement: str) -> str:
    """Replace the brand word in ``title`` (case-insensitive), or prefix it when absent."""
    lowered = title.lower()
    at = lowered.find(brand.lower())
    if at < 0:
        return f"{replacement} {title}"
    return title[:at] + replacement + title[at + len(brand):]
