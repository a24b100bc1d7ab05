"""Text normalisation for matching, with a map from every normalised character back to the original.

One pass over the text folds each character: Unicode NFKC (full-width Latin, ligatures, circled
digits), casefold, diacritics removed (also strokes and hooks NFD keeps: ``ł`` → ``l``), TR39
confusables folded to their Latin skeleton (Cyrillic ``а`` → ``a``). Anything that is not a letter or digit becomes a separator, and runs of
separators collapse to one space. From that *base* form come the variant forms a counterfeiter's
tricks need: leetspeak (``N1ke``), separator tricks (``N.I.K.E``, ``ni-ke``), repeated letters
collapsed (``niiike``), Chinese traditional → simplified, and pinyin of Chinese characters.

Each :class:`Form` keeps ``offsets``: ``offsets[i]`` is the index in the original text of the
character that produced normalised character ``i``, so a match span maps back to the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from detection import lexicon
from detection._forms import ascii_title_forms

LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a", "!": "i", "|": "l"}
SOFT_SEPARATORS = frozenset(".-_*·•/\\~+,'’")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@dataclass(frozen=True)
class Form:
    """A normalised rendering of a text: ``text`` plus, per character, its original index and flags."""

    kind: str  # base | leet | leet_l | spacing | collapsed | glyphs | simplified | pinyin
    text: str
    offsets: tuple[int, ...]
    homoglyph: tuple[bool, ...]  # the original character was folded from another script/width/accent

    def span(self, start: int, end: int, original_length: int) -> tuple[int, int]:
        """The span in the original text covering normalised characters ``[start, end)``."""
        if not self.offsets or start >= end:
            return (0, 0)
        first = self.offsets[min(start, len(self.offsets) - 1)]
        last = self.offsets[min(end, len(self.offsets)) - 1]
        return (first, min(last + 1, original_length))


def spacing_joins(text: str, form: Form) -> list[int]:
    """Positions ``i`` where the spacing form joins characters ``i`` and ``i + 1`` across a removed separator."""
    offsets, joined = form.offsets, form.text
    return [i for i in range(len(joined) - 1)
            if offsets[i + 1] > offsets[i] + 1 and joined[i] != " " and joined[i + 1] != " "
            and not text[offsets[i] + 1:offsets[i + 1]].isalnum()]


@cache
def _confusables() -> dict[str, str]:
    """Non-ASCII character → ASCII skeleton letter, from the vendored TR39 data."""
    table: dict[str, str] = {}
    text = resources.files("detection").joinpath("data/confusables_latin.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _char, target = line.split("\t")
        char = chr(int(code, 16))
        table[char] = target
        folded = char.casefold()
        if len(folded) == 1 and not folded.isascii():
            table.setdefault(folded, target)
    return table


# Letters drawn like Latin ones that TR39 does not list as confusable but homoglyph tools use (dnstwist's
# glyph table): schwa for a, kra for k, eng for n, wynn for p, u bar for u, and the ligatures æ and œ.
_DRAWN_AS = {"ə": "a", "ĸ": "k", "ŋ": "n", "ƿ": "p", "ʉ": "u", "æ": "ae", "œ": "oe"}
_DECORATED = re.compile(r"LATIN (?:SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL )?([A-Z]) WITH [A-Z ]+|LATIN LETTER SMALL CAPITAL ([A-Z])")


def _decorated_letter(char: str) -> str:
    """The ASCII letter a Latin letter with a stroke, hook or tail draws ("ł", "ø", "ʂ", "Ɱ"), or a small
    capital ("ɢ"): diacritics Unicode does not decompose, so NFD leaves them on."""
    if char.isascii() or not char.isalpha():
        return ""
    found = _DECORATED.fullmatch(unicodedata.name(char, ""))
    return (found.group(1) or found.group(2)).lower() if found else ""


@cache
def fold_char(char: str) -> tuple[str, bool]:
    """Fold one character to its normalised letters/digits (``" "`` for a separator, nothing for an invisible
    one) and a homoglyph flag."""
    text = unicodedata.normalize("NFKC", char).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    confusables = _confusables()
    out = []
    for c in text:
        if unicodedata.category(c) == "Cf":
            continue  # invisible (zero-width space, soft hyphen): "s\u200bony" is "sony"
        c = confusables.get(c) or _DRAWN_AS.get(c) or _decorated_letter(c) or c
        out.append(c if c.isalnum() else " ")
    folded = "".join(out)
    homoglyph = not char.isascii() and folded.isascii() and folded.strip() != ""
    return folded, homoglyph


def is_han(text: str) -> bool:
    """True if ``text`` contains a Chinese (Han) character."""
    return _HAN.search(text) is not None


@cache
def _t2s_char(char: str) -> str:
    converted = _opencc()(char)
    return converted if len(converted) == 1 else char


@cache
def _opencc():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # imported lazily: building the converter reads its dictionaries

    return OpenCC("t2s").convert


@cache
def _pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(char)
    return syllables[0] if syllables and syllables[0].isascii() else char


class _Builder:
    """Accumulates normalised characters with their origins, collapsing separators."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []
        self.flags: list[bool] = []

    def add(self, char: str, origin: int, flag: bool) -> None:
        if char == " " and (not self.chars or self.chars[-1] == " "):
            return
        self.chars.append(char)
        self.offsets.append(origin)
        self.flags.append(flag)

    def form(self, kind: str) -> Form:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.offsets.pop()
            self.flags.pop()
        return Form(kind, "".join(self.chars), tuple(self.offsets), tuple(self.flags))


def base_form(text: str) -> Form:
    """The base normalised form: folded letters and digits separated by single spaces."""
    return _folded_form(text, "base", {})


def _folded_form(text: str, kind: str, replaced: dict[int, str]) -> Form:
    """``text`` folded character by character (``replaced`` positions taken as given), separators collapsed."""
    if text.isascii():
        return _ascii_form(text, kind, replaced)
    return _built_form(text, kind, replaced)


def _built_form(text: str, kind: str, replaced: dict[int, str]) -> Form:
    builder = _Builder()
    for i, char in enumerate(text):
        if i in replaced:
            builder.add(replaced[i], i, False)
            continue
        folded, flag = fold_char(char)
        for c in folded:
            builder.add(c, i, flag)
    return builder.form(kind)


# fold_char on ASCII as one table: letters lowercased, digits kept, anything else a separator.
_ASCII_FOLD = {code: (chr(code).lower() if chr(code).isalnum() else " ") for code in range(128)}


def _ascii_form(text: str, kind: str, replaced: dict[int, str]) -> Form:
    """_built_form for ASCII, where every character folds to one: a table lookup and a list comprehension."""
    folded = text.translate(_ASCII_FOLD)
    if replaced:
        chars = list(folded)
        for i, char in replaced.items():
            chars[i] = char
        folded = "".join(chars)
    kept = [i for i, c in enumerate(folded) if c != " " or (i and folded[i - 1] != " ")]
    if kept and folded[kept[-1]] == " ":
        kept.pop()
    return Form(kind, "".join(map(folded.__getitem__, kept)), tuple(kept), (False,) * len(kept))


def normalise(text: str) -> str:
    """The base normalised text (what marks are stored and compared as)."""
    return base_form(text).text


def _leet_forms(text: str) -> list[Form]:
    """Leetspeak read as letters, inside tokens that contain at least one letter."""
    tokens = re.finditer(r"[^\s]+", text)
    leet_positions: dict[int, str] = {}
    for token in tokens:
        chunk = token.group()
        if any(c in LEET for c in chunk) and any(fold_char(c)[0].isalpha() for c in chunk if c not in LEET):
            for j, c in enumerate(chunk):
                if c in LEET:
                    leet_positions[token.start() + j] = LEET[c]
    if not leet_positions:
        return []
    forms = []
    variants = [("leet", {})]
    if any(text[i] in "1|" for i in leet_positions):
        variants.append(("leet_l", {"1": "l", "|": "i"}))
    for kind, override in variants:
        forms.append(_folded_form(text, kind, {i: override.get(text[i], letter) for i, letter in leet_positions.items()}))
    return forms


def _spacing_form(text: str, base: Form) -> Form | None:
    """Separators removed between letters where they split a word (N.I.K.E, n i k e, ni-ke)."""
    tokens = base.text.split(" ")
    if len(tokens) < 2:
        return None
    # Letters as written: a Cyrillic б folds to the digit 6 but still spells a word letter by letter.
    letters = [c.isalpha() or text[origin].isalpha() for c, origin in zip(base.text, base.offsets, strict=True)]
    joins = set()
    position = -1  # the space before tokens[n]
    for n in range(len(tokens) - 1):
        token, following = tokens[n], tokens[n + 1]
        start = position + 1
        position += len(token) + 1
        if not (token and following and all(letters[start:position])
                and all(letters[position + 1:position + 1 + len(following)])):
            continue
        if max(len(token), len(following)) > 2:
            gap = text[base.offsets[position - 1] + 1: base.offsets[position + 1]]
            if not gap or any(c not in SOFT_SEPARATORS for c in gap):
                continue
        joins.add(position)
    if not joins:
        return None
    keep = [i for i in range(len(base.text)) if i not in joins]
    return _subform(base, "spacing", keep)


def _subform(base: Form, kind: str, keep: list[int]) -> Form:
    """The characters ``keep`` of ``base``, with their origins."""
    return Form(kind, "".join(map(base.text.__getitem__, keep)), tuple(map(base.offsets.__getitem__, keep)),
                tuple(map(base.homoglyph.__getitem__, keep)))


def _collapsed_form(base: Form, *, min_run: int = 2) -> Form | None:
    """Runs of a repeated letter collapsed to one (niiike → nike), if some run is ``min_run`` long."""
    if not re.search(r"([^\W\d_])\1{" + str(min_run - 1) + "}", base.text):
        return None
    keep = [i for i, c in enumerate(base.text) if i == 0 or c != base.text[i - 1] or not c.isalpha()]
    if len(keep) == len(base.text):
        return None
    return _subform(base, "collapsed", keep)


def _chinese_forms(base: Form) -> list[Form]:
    """Traditional → simplified (when it changes anything) and pinyin of the Han characters."""
    simplified = "".join(_t2s_char(c) if is_han(c) else c for c in base.text)
    forms = []
    if simplified != base.text:
        forms.append(Form("simplified", simplified, base.offsets, base.homoglyph))
    chars: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(simplified):
        syllable = _pinyin(c) if is_han(c) else c
        chars.extend(syllable)
        offsets.extend([base.offsets[i]] * len(syllable))
    pinyin = "".join(chars)
    forms.append(Form("pinyin", pinyin, tuple(offsets), (False,) * len(pinyin)))
    return forms


def title_forms(text: str) -> list[Form]:
    """Every form of a listing text to search marks in, the base form first, without duplicates."""
    if text.isascii():  # most titles: the same forms, compiled (tests compare it with _title_forms)
        forms = [Form(kind, form, offsets, (False,) * len(offsets)) for kind, form, offsets in ascii_title_forms(text)]
        glyphs = _glyphs_form(forms[0])
        return [*forms, glyphs] if glyphs is not None and glyphs.text not in {f.text for f in forms} else forms
    return _title_forms(text)


def _glyphs_form(base: Form) -> Form | None:
    """Letter pairs drawn like one letter read as it ("Sarnsung", "Tvvitter", "Clell": rn, rr, nn → m, vv → w,
    cl → d), in words no language spells: "modern" and "clean" are words. Replaced letters are flagged as
    look-alikes, so a match must include one (see Matcher._locate)."""
    if not _GLYPH_PAIRS.search(base.text):
        return None
    chars: list[str] = []
    offsets: list[int] = []
    flags: list[bool] = []

    def keep(start: int, end: int) -> None:
        chars.extend(base.text[start:end])
        offsets.extend(base.offsets[start:end])
        flags.extend(base.homoglyph[start:end])

    changed, kept = False, 0
    for word in re.finditer(r"[^ ]+", base.text):
        if lexicon.is_known_spelling(word.group()):
            continue
        for pair in _GLYPH_PAIRS.finditer(base.text, word.start(), word.end()):
            keep(kept, pair.start())
            chars.append(_GLYPHS[pair.group()])
            offsets.append(base.offsets[pair.start()])
            flags.append(True)
            kept, changed = pair.end(), True
    keep(kept, len(base.text))
    return Form("glyphs", "".join(chars), tuple(offsets), tuple(flags)) if changed else None


_GLYPHS = {"rn": "m", "rr": "m", "nn": "m", "vv": "w", "cl": "d"}
_GLYPH_PAIRS = re.compile("|".join(_GLYPHS))


def _title_forms(text: str) -> list[Form]:
    base = base_form(text)
    forms = [base]
    forms.extend(_leet_forms(text))
    # Titles are collapsed only around a letter tripled or more (genuine words double letters);
    # marks are indexed collapsed too, so "guccci" → "guci" meets "gucci" → "guci".
    for extra in (_spacing_form(text, base), _collapsed_form(base, min_run=3)):
        if extra is not None:
            forms.append(extra)
    if is_han(base.text):
        forms.extend(_chinese_forms(base))
    glyphs = _glyphs_form(base)
    if glyphs is not None:
        forms.append(glyphs)
    seen: set[str] = set()
    unique = []
    for form in forms:
        if form.text and form.text not in seen:
            seen.add(form.text)
            unique.append(form)
    return unique or [base]


def mark_forms(text: str) -> list[tuple[str, str]]:
    """The normalised forms a mark is indexed under: (variant, text) for base, joined (a mark of several
    words without its spaces), collapsed, simplified, pinyin."""
    base = base_form(text)
    forms = [("base", base.text)]
    if " " in base.text and base.text.isascii():
        forms.append(("joined", base.text.replace(" ", "")))  # "Sam's Club" written samsclub
    collapsed = _collapsed_form(base)
    if collapsed is not None:
        forms.append(("collapsed", collapsed.text))
    if is_han(base.text):
        forms.extend((form.kind, form.text) for form in _chinese_forms(base))
    return [(kind, value) for kind, value in forms if value]
