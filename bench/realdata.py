"""A large real register, genuine texts and look-alikes for benchmarks, from sources the matcher was not tuned on.

**Register** (:func:`build_register`): every Simple Icons brand (``brand_list_simple_icons``, CC0:
``title`` plus its ``aliases_aka``/``aliases_dup``/``aliases_localized`` entries, split on " | ",
localized ones without their ``xx-YY:`` prefix) and every distinct ``brand`` of the Walmart–Amazon
offers (``tableA.csv`` + ``tableB.csv``; a legal form or ``.com`` at the end removed: "apricorn inc."
is Apricorn), merged by their :func:`detection.normalise.normalise` form
(a Simple Icons spelling wins over the offers' lower-case one). An offers brand is registered as a
rights holder would write it: single words of up to 3 letters/digits upper-case (``hp`` → HP),
others with each word capitalised (``da-lite`` → Da-Lite). An alias whose normalised form is
another mark's is dropped (that mark covers it). Each mark's id is its normalised form with
spaces as hyphens (stable, readable); its *half* (dev/test, by hash of the id) says which
positives it feeds. Its *class* is computed here, from the registered text only, in this order:

- ``punctuated``: characters other than letters, digits and single spaces (@HOME, Live!, .NET, Da-Lite);
- ``multi-word``: several words (Griffin Technology);
- ``ordinary-word``: one word of 3+ letters whose lower-case form is a lower-case entry of an
  English dictionary (Debian's ``wamerican-large``, SCOWL, vendored as ``bench/data/dictionary_words_en.txt``)
  with a wordfreq Zipf frequency >= 3.0 (Less, Wire, Line, Black, Mini, Meta, Power, Quick; also
  Apple, Canon, Amazon). Frequency alone cannot separate them: Meta is 3.74, Sony 4.19, Samsung
  4.12; the dictionary's lower-case entries exclude proper names (it spells them Sony, Nikon);
- ``short``: up to 4 letters/digits (HP, 3M, BTI, Sony);
- ``other``: the rest (Nikon, Adidas, Belkin).

(``ordinary-word`` is tested before ``short`` so that four-letter words — Less, Wire, Line — are ordinary.)

**Texts** (:func:`build_titles`): Walmart–Amazon titles and WDC-PAVE (``wdc_pave_offers``) titles
and description sentences, each with its offer's brand field (Walmart–Amazon ``brand``; WDC-PAVE's
annotated ``Brand`` and ``Manufacturer`` values). Offers split by the hash of their normalised
title (identical titles share a split): half ``learn`` (every text, for vocabulary learning),
a quarter ``dev``, a quarter ``test``; dev and test keep only the negatives.

**A negative** is a genuine text that contains no registered mark *as written*, except the marks its
own brand field names (its *own* marks): a match to any other mark is a false positive. ``strict``
negatives have no own mark (their brand field names no registered mark). "As written":

- a distinctive mark (every class but ``ordinary-word``) when its normalised form is a word or a run
  of up to 4 neighbouring words of the normalised text, also with the spaces between them removed
  (the marks COOLERMASTER and "Cooler Master" are both in "cooler master" and in "coolermaster");
- an ``ordinary-word`` mark only case-sensitively as registered, as a whole word of the original
  text: "black" in a title is the colour, "Black" is the mark;
- a brand field names a mark when the mark is in it as a distinctive mark would be (case-insensitively).

**Positives** (:func:`build_positives`): look-alikes of the marks of one half placed in that split's
genuine negative titles, at the start (the brand position) or after the middle word. Kinds: every
dnstwist fuzzer that makes a one-label look-alike of ``<mark>.com`` (the normalised mark, spaces as
hyphens, label only, hyphens back to spaces for multi-word marks; Cyrillic ones decoded from
punycode), and own kinds on the mark's longest word: ``typo`` (keyboard neighbour), ``homoglyph``
(one Cyrillic/Greek/Armenian look-alike, or full-width), ``leet`` and ``spacing:dots|spaces|hyphen``
(N.I.K.E, n i k e, ni-ke). Variants keep the registered case (NIKE → NIKF, Nike → Nіke). A variant
that is another mark's normalised form, or the mark itself, is not a look-alike and is skipped.

    .venv/bin/python bench/realdata.py --summary

Needs wordfreq (the test extra).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from detection.marks import MarkSpec
from detection.normalise import normalise

DATA = Path(os.environ.get("MARKWATCH_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
DICTIONARY = Path(__file__).resolve().parent / "data" / "dictionary_words_en.txt"
NSI_BRANDS = Path(__file__).resolve().parent / "data" / "nsi_brands" / "brands.tsv"
ORDINARY_ZIPF = 3.0
MAX_JOINED = 4
SEED = 14
CLASSES = ("punctuated", "multi-word", "ordinary-word", "short", "other")
SPLITS = ("learn", "dev", "test")
DNSTWIST_FUZZERS = ("addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion", "omission",
                    "plural", "repetition", "replacement", "transposition", "vowel-swap")
OWN_KINDS = ("typo", "homoglyph", "leet", "spacing:dots", "spacing:spaces", "spacing:hyphen")
KINDS = tuple(f"dnstwist:{name}" for name in DNSTWIST_FUZZERS) + OWN_KINDS
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
HOMOGLYPHS = {"a": ["а", "ɑ"], "c": ["с"], "e": ["е"], "i": ["і", "ı"], "o": ["о", "ο"], "p": ["р"],
              "s": ["ѕ"], "x": ["х"], "y": ["у"], "k": ["κ"], "n": ["ո"], "h": ["һ"],
              "A": ["А", "Α"], "B": ["В", "Β"], "C": ["С"], "E": ["Е", "Ε"], "H": ["Н", "Η"], "I": ["І", "Ι"],
              "K": ["К", "Κ"], "M": ["М", "Μ"], "O": ["О", "Ο"], "P": ["Р", "Ρ"], "T": ["Т", "Τ"], "X": ["Х"]}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_WORD = re.compile(r"[^\W_]+")
_LEGAL_FORM = re.compile(r"(?:[\s,]+(?:inc|llc|l\.l\.c|llp|corp|corporation|co|company|ltd|limited|gmbh|ag|plc|usa)\.?"
                         r"|\.com)+\s*\.?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


class MissingDataError(RuntimeError):
    """A data file the benchmark needs is not there; the message says which and how to get it."""


@dataclass(frozen=True)
class Mark:
    """One registered mark of the benchmark register."""

    id: str
    text: str
    aliases: tuple[str, ...]
    mark_class: str
    half: str  # dev | test: which positives it feeds
    sources: tuple[str, ...]

    @property
    def spec(self) -> MarkSpec:
        """The mark as the matcher takes it."""
        return MarkSpec(id=self.id, text=self.text, aliases=self.aliases)


@dataclass(frozen=True)
class Text:
    """A genuine text (a title or a description sentence) with its offer's brand field."""

    text: str
    source: str  # walmart-amazon | wdc-pave
    field: str  # title | description
    offer: str
    brand: str
    own: frozenset[str] = frozenset()  # ids of the marks the brand field names
    category: str = ""

    @property
    def context(self) -> dict[str, str]:
        """The listing context the matcher gets with it: its brand field and category."""
        return {"brand": self.brand, "category": self.category}

    @property
    def strict(self) -> bool:
        """Its brand field names no registered mark."""
        return not self.own


@dataclass
class TitleSets:
    """Texts by split: ``learn`` (all texts) and the genuine negatives of ``dev`` and ``test``."""

    learn: list[Text]
    dev: list[Text]
    test: list[Text]
    dropped: Counter[str] = field(default_factory=Counter)  # dev/test texts that contain a mark, by split

    def split(self, name: str) -> list[Text]:
        """The texts of ``name`` (learn, dev or test)."""
        return {"learn": self.learn, "dev": self.dev, "test": self.test}[name]

    def vocabulary_records(self) -> list[tuple[str, str]]:
        """``(text, brand)`` of the learn split, for :func:`detection.vocabulary.learn_vocabulary`."""
        return [(t.text, t.brand) for t in self.learn]


@dataclass(frozen=True)
class Positive:
    """A look-alike of a mark placed in a genuine negative title."""

    text: str
    mark_id: str
    kind: str
    mark_class: str
    position: str  # start | middle
    variant: str
    carrier: Text


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big")


def _require(path: Path, how: str) -> Path:
    if not path.exists():
        raise MissingDataError(f"{path} is missing: {how}")
    return path


@cache
def _dictionary_words() -> frozenset[str]:
    lines = _require(DICTIONARY, "it is vendored with the benchmarks").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_ordinary_word(text: str) -> bool:
    """One word of 3+ letters that English uses as a common word (see the module docstring)."""
    from wordfreq import zipf_frequency

    word = text.lower()
    return (len(word) >= 3 and word.isalpha() and word in _dictionary_words()
            and zipf_frequency(word, "en") >= ORDINARY_ZIPF)


def mark_class(text: str) -> str:
    """The benchmark's class of a registered text (see the module docstring)."""
    if not re.fullmatch(r"[^\W_]+( [^\W_]+)*", text):
        return "punctuated"
    if " " in text:
        return "multi-word"
    if is_ordinary_word(text):
        return "ordinary-word"
    return "short" if len(text) <= 4 else "other"


def _as_registered(brand: str) -> str:
    """An offers brand (lower-case in the data) as a rights holder writes it."""
    brand = " ".join(brand.split())
    if " " not in brand and len(brand) <= 3 and brand.isalnum():
        return brand.upper()
    return re.sub(r"(^|[\s\-/&.])([a-z])", lambda m: m.group(1) + m.group(2).upper(), brand)


def _without_legal_form(brand: str) -> str:
    """``apricorn inc.`` → ``apricorn``, ``startech.com`` → ``startech``: one rights holder, one mark."""
    stripped = _LEGAL_FORM.sub("", brand.strip())
    return stripped if normalise(stripped) else brand


def _simple_icons() -> Iterator[tuple[str, list[str]]]:
    path = _require(DATA / "brand_list_simple_icons" / "simple_icons_brands.csv", "see shared/data")
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases = []
            for column in ("aliases_aka", "aliases_dup", "aliases_localized"):
                for part in (row.get(column) or "").split(" | "):
                    part = part.strip()
                    if column == "aliases_localized":
                        part = part.partition(":")[2].strip()
                    if part:
                        aliases.append(part)
            yield row["title"].strip(), aliases


@cache
def offer_rows() -> tuple[dict[str, str], ...]:
    """The Walmart–Amazon offers (tableA then tableB), each with ``table`` A or B."""
    rows: list[dict[str, str]] = []
    for name in ("tableA.csv", "tableB.csv"):
        path = _require(DATA / "product_offers_walmart_amazon" / name, "see shared/data")
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend({**row, "table": name[5]} for row in csv.DictReader(handle))
    return tuple(rows)


@cache
def pave_rows() -> tuple[dict, ...]:
    """The WDC-PAVE offers (test then train_large)."""
    rows = []
    for name in ("test.jsonl", "train_large.jsonl"):
        path = _require(DATA / "wdc_pave_offers" / name, "see shared/data")
        rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return tuple(rows)


def build_register() -> list[Mark]:
    """Every Simple Icons brand and every Walmart–Amazon brand, merged by normalised form."""
    entries: dict[str, dict] = {}
    for text, aliases in _simple_icons():
        key = normalise(text)
        if key:
            entry = entries.setdefault(key, {"text": text, "aliases": [], "sources": set()})
            entry["aliases"].extend(aliases)
            entry["sources"].add("simple-icons")
    for row in offer_rows():
        brand = _without_legal_form(row["brand"])
        key = normalise(brand)
        if key:
            entry = entries.setdefault(key, {"text": _as_registered(brand), "aliases": [], "sources": set()})
            entry["sources"].add("walmart-amazon")
    marks = []
    for key, entry in sorted(entries.items()):
        aliases = tuple(dict.fromkeys(a for a in entry["aliases"] if normalise(a) and normalise(a) != key
                                      and normalise(a) not in entries))
        marks.append(_mark(key, entry["text"], aliases, tuple(sorted(entry["sources"]))))
    return marks


def build_nsi_register() -> list[Mark]:
    """The second register: every brand of OpenStreetMap's name-suggestion-index, merged by normalised form.

    Shops, restaurants, banks and fuel stations worldwide in their own scripts (``bench/data/nsi_brands``),
    a source no other benchmark input shares; classes and halves as in :func:`build_register`.
    """
    entries: dict[str, str] = {}
    with _require(NSI_BRANDS, "it is vendored with the benchmarks").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            key = normalise(row["brand"])
            if key:
                entries.setdefault(key, row["brand"].strip())
    return [_mark(key, text, (), ("nsi",)) for key, text in sorted(entries.items())]


def _mark(key: str, text: str, aliases: tuple[str, ...], sources: tuple[str, ...]) -> Mark:
    mark_id = key.replace(" ", "-")
    return Mark(id=mark_id, text=text, aliases=aliases, mark_class=mark_class(text),
                half="dev" if _hash(mark_id) % 2 == 0 else "test", sources=sources)


REGISTERS = {"simple-icons": ("Simple Icons + Walmart–Amazon register", build_register),
             "nsi": ("name-suggestion-index register", build_nsi_register)}


class WrittenMarks:
    """Finds the registered marks a text contains as written (the module docstring's rule)."""

    def __init__(self, register: Iterable[Mark]) -> None:
        self.spaced: dict[str, set[str]] = defaultdict(set)
        self.compact: dict[str, set[str]] = defaultdict(set)
        self.cased: dict[str, set[str]] = defaultdict(set)  # ordinary words, as registered
        for mark in register:
            for text in (mark.text, *mark.aliases):
                key = normalise(text)
                if " " not in text and is_ordinary_word(text):
                    self.cased[text].add(mark.id)
                    self.spaced[key].add(mark.id)  # for brand fields only (case-insensitive there)
                    continue
                self.spaced[key].add(mark.id)
                self.compact[key.replace(" ", "")].add(mark.id)
        self.ordinary = {mark_id for ids in self.cased.values() for mark_id in ids}

    def in_text(self, text: str, *, case_sensitive_ordinary: bool = True) -> set[str]:
        """Ids of the marks ``text`` contains as written."""
        words = normalise(text).split()
        found: set[str] = set()
        for n in range(1, MAX_JOINED + 1):
            for i in range(len(words) - n + 1):
                chunk = words[i:i + n]
                found |= self.spaced.get(" ".join(chunk), set())
                found |= self.compact.get("".join(chunk), set())
        if case_sensitive_ordinary:
            found -= self.ordinary
            for word in _WORD.findall(text):
                found |= self.cased.get(word, set())
        return found

    def in_brand(self, brand: str) -> set[str]:
        """Ids of the marks a brand field names (case-insensitively)."""
        return self.in_text(brand, case_sensitive_ordinary=False) if brand.strip() else set()


def _sentences(description: str) -> list[str]:
    parts = (" ".join(s.split()) for s in _SENTENCE_END.split(description or ""))
    return [s for s in parts if 3 <= len(s.split()) and len(s) <= 400]


def _pave_brand(row: dict) -> str:
    scores = row.get("target_scores") or {}
    values = [v for attr in ("Brand", "Manufacturer") for v in (scores.get(attr) or {}) if v != "n/a"]
    return " ; ".join(dict.fromkeys(values))


def _offers() -> Iterator[tuple[str, str, str, str, list[tuple[str, str]]]]:
    """(source, offer id, brand, category, [(field, text)]) of every offer."""
    for row in offer_rows():
        yield "walmart-amazon", f"{row['table']}{row['id']}", row["brand"], row["category"], [("title", row["title"])]
    for row in pave_rows():
        texts = [("title", row["input_title"])] + [("description", s) for s in _sentences(row["input_description"])]
        yield "wdc-pave", str(row["id"]), _pave_brand(row), row.get("category") or "", texts


def _split_of(title: str) -> str:
    bucket = _hash(f"{SEED}:{normalise(title)}") % 4
    return "learn" if bucket < 2 else SPLITS[bucket - 1]


def build_titles(register: list[Mark] | None = None) -> TitleSets:
    """The learn split and the genuine negatives of dev and test (see the module docstring)."""
    written = WrittenMarks(register if register is not None else build_register())
    sets = TitleSets(learn=[], dev=[], test=[])
    seen: set[tuple[str, str]] = set()
    for source, offer, brand, category, texts in _offers():
        split = _split_of(texts[0][1])
        own = frozenset(written.in_brand(brand))
        for kind, text in texts:
            text = " ".join(text.split())
            if not text or (split, text) in seen:
                continue
            seen.add((split, text))
            item = Text(text=text, source=source, field=kind, offer=offer, brand=brand, own=own, category=category)
            if split == "learn":
                sets.learn.append(item)
            elif written.in_text(text) - own:
                sets.dropped[split] += 1
            else:
                sets.split(split).append(item)
    return sets


def _neighbour(char: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        if char.lower() in row:
            i = row.index(char.lower())
            new = rng.choice([row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)])
            return new.upper() if char.isupper() else new
    return char


def own_variant(kind: str, word: str, rng: random.Random) -> str | None:
    """One look-alike of ``word`` of an own kind (:data:`OWN_KINDS`; also omission, insertion, transposition),
    or None if none applies."""
    letters = [j for j, c in enumerate(word) if c.isalnum()]
    if not letters:
        return None
    i = rng.choice(letters)
    if kind == "typo":
        return word[:i] + _neighbour(word[i], rng) + word[i + 1:] if word[i].isalpha() else None
    if kind == "omission":  # omission, insertion, transposition: the old benchmark's own kinds
        return word[:i] + word[i + 1:] if len(letters) > 1 else None
    if kind == "insertion":
        return word[:i] + rng.choice([word[i], _neighbour(word[i], rng)]) + word[i:]
    if kind == "transposition":
        j = next((j for j in letters if j > i), None)
        return None if j is None or word[i] == word[j] else word[:i] + word[j] + word[i + 1:j] + word[i] + word[j + 1:]
    if kind == "homoglyph":
        spots = [j for j in letters if word[j] in HOMOGLYPHS]
        if not spots:
            return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)  # full-width
        j = rng.choice(spots)
        return word[:j] + rng.choice(HOMOGLYPHS[word[j]]) + word[j + 1:]
    if kind == "leet":
        spots = [j for j in letters if word[j].lower() in LEET]
        if not spots:
            return None
        chosen = set(rng.sample(spots, k=max(1, len(spots) // 2)))
        return "".join(LEET[c.lower()] if j in chosen else c for j, c in enumerate(word))
    if kind.startswith("spacing:"):
        chars = [c for c in word if c.isalnum()]
        if len(chars) < 2:
            return None
        style = kind.partition(":")[2]
        if style == "hyphen":
            middle = len(chars) // 2
            return "".join(chars[:middle]) + "-" + "".join(chars[middle:])
        return ".".join(c.upper() for c in chars) if style == "dots" else " ".join(chars)
    return None


@cache
def dnstwist_labels(label: str, fuzzer: str) -> tuple[str, ...]:
    """The one-label look-alikes dnstwist's ``fuzzer`` makes of ``<label>.com`` (Unicode, not punycode)."""
    import dnstwist

    # The fuzzer's own method: Fuzzer.generate() round-trips every label through IDNA, which
    # costs ~0.2 s a mark for the thousands of homoglyph labels of a long mark.
    labels = getattr(dnstwist.Fuzzer(f"{label}.com"), "_" + fuzzer.replace("-", "_"))()
    return tuple(sorted({name for name in labels if name and name != label and "." not in name}))


def _recase(variant: str, registered: str) -> str:
    """``variant`` (lower-case) in the registered text's case: upper, capitalised or lower, word by word."""
    pairs = zip(variant.split(), registered.split(), strict=False) if len(variant.split()) == len(registered.split()) \
        else [(variant, registered)]
    words = []
    for word, model in pairs:
        letters = [c for c in model if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            word = word.upper()
        elif model[:1].isupper():
            word = word[:1].upper() + word[1:]
        words.append(word)
    return " ".join(words)


def look_alike(mark: Mark, kind: str, rng: random.Random) -> str | None:
    """One look-alike of ``mark`` of ``kind`` (see the module docstring), or None if the kind does not apply."""
    if kind.startswith("dnstwist:"):
        key = normalise(mark.text)
        label = key.replace(" ", "-")
        if not label.isascii() or not label.replace("-", "").isalnum():
            return None
        labels = dnstwist_labels(label, kind.partition(":")[2])
        if not labels:
            return None
        fake = rng.choice(labels)
        return _recase(" ".join(fake.replace("-", " ").split()) if " " in key else fake, mark.text)
    words = mark.text.split(" ")
    longest = max(range(len(words)), key=lambda j: len(words[j]))
    fake = own_variant(kind, words[longest], rng)
    if fake is None:
        return None
    return " ".join(words[:longest] + [fake] + words[longest + 1:])


def build_positives(register: list[Mark], titles: TitleSets, split: str, *, per_kind: int | None = 200,
                    seed: int = SEED) -> list[Positive]:
    """Look-alikes of the marks of half ``split`` (dev or test) in that split's genuine negative titles.

    Per kind, up to ``per_kind`` positives (None: one per mark), marks taken in turn from each
    class (each class in hash order), so every class gets its share.
    """
    carriers = [t for t in titles.split(split) if t.field == "title"]
    taken = {normalise(m.text) for m in register} | {normalise(a) for m in register for a in m.aliases}
    by_class: dict[str, list[Mark]] = defaultdict(list)
    for mark in sorted((m for m in register if m.half == split), key=lambda m: _hash(f"{seed}:{m.id}")):
        by_class[mark.mark_class].append(mark)
    order = [m for group in _round_robin([by_class[c] for c in CLASSES]) for m in group]
    positives = []
    for kind in KINDS:
        made = 0
        for mark in order:
            if per_kind is not None and made >= per_kind:
                break
            rng = random.Random(f"{seed}:{kind}:{mark.id}")
            fake = look_alike(mark, kind, rng)
            key = normalise(fake or "")
            # The mark itself (spelt with other separators or case) is no look-alike; a homoglyph one
            # normalises to the mark by design, and is one.
            if not key or (key == normalise(mark.text) and fake.isascii()) or key in taken - {normalise(mark.text)}:
                continue
            carrier = rng.choice(carriers)
            position = rng.choice(["start", "middle"])
            words = carrier.text.split(" ")
            middle = max(1, len(words) // 2)
            text = f"{fake} {carrier.text}" if position == "start" else " ".join(words[:middle] + [fake] + words[middle:])
            positives.append(Positive(text=text, mark_id=mark.id, kind=kind, mark_class=mark.mark_class,
                                      position=position, variant=fake, carrier=carrier))
            made += 1
    return positives


def _round_robin(groups: list[list[Mark]]) -> Iterator[list[Mark]]:
    for i in range(max(map(len, groups), default=0)):
        yield [group[i] for group in groups if i < len(group)]


def summary(per_kind: int) -> None:
    """Print the register's classes, the splits' sizes and the positives per kind and class."""
    register = build_register()
    classes = Counter(m.mark_class for m in register)
    print(f"register: {len(register):,} marks ({sum(len(m.aliases) for m in register):,} aliases); "
          f"simple-icons {sum('simple-icons' in m.sources for m in register):,}, "
          f"walmart-amazon {sum('walmart-amazon' in m.sources for m in register):,}")
    for name in CLASSES:
        halves = Counter(m.half for m in register if m.mark_class == name)
        examples = ", ".join(m.text for m in register if m.mark_class == name)[:100]
        print(f"  {name:14s} {classes[name]:5,} ({classes[name] / len(register):.1%}; dev {halves['dev']:,}, "
              f"test {halves['test']:,})  e.g. {examples}")
    titles = build_titles(register)
    print(f"texts: learn {len(titles.learn):,}")
    for split in ("dev", "test"):
        texts = titles.split(split)
        by = Counter((t.source, t.field) for t in texts)
        print(f"  {split} negatives {len(texts):,} ({sum(t.strict for t in texts):,} strict; dropped "
              f"{titles.dropped[split]:,} that contain a mark) — "
              + ", ".join(f"{s} {f} {n:,}" for (s, f), n in sorted(by.items())))
    for split in ("dev", "test"):
        positives = build_positives(register, titles, split, per_kind=per_kind)
        kinds = Counter(p.kind for p in positives)
        per_class = Counter(p.mark_class for p in positives)
        print(f"{split} positives ({per_kind} per kind): {len(positives):,} — "
              + ", ".join(f"{c} {per_class[c]}" for c in CLASSES))
        print("  " + ", ".join(f"{k} {n}" for k, n in kinds.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print counts per class and split")
    parser.add_argument("--per-kind", type=int, default=200)
    args = parser.parse_args()
    if args.summary:
        summary(args.per_kind)
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
