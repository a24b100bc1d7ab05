"""Benchmark: recall per counterfeit-variant kind and false positives on genuine titles of other brands.

Data (deterministic, seed 5), from ../shared/data/product_offers_walmart_amazon (CC-BY 4.0):
- marks: the real brands spelled with letters only that appear as a word in at least 3 real titles,
  registered with the categories of their real titles; the ten best known also get their
  registered Chinese names as transliterations;
- positives: a real title of the brand with the brand word replaced by a generated variant:
  typo (keyboard neighbour), omission, insertion, transposition, homoglyph (Cyrillic/Greek/
  full-width), leet, spacing (N.I.K.E, n i k e, ni-ke), transliteration (registered Chinese name
  in traditional characters, or its pinyin), plus every dnstwist fuzzer's look-alikes of
  ``<brand>.com`` (label only);
- vocabulary: the domain words (:mod:`detection.vocabulary`) learned from a random half of the real
  titles; the other half provides the negatives;
- negatives: real titles whose brand is not a mark and that do not contain any mark as a word, also
  counting words without their separators and neighbouring words joined ("Cooler Master", "i-Sound").

Recall = share of positives where the matcher reports the brand's mark; FP rate = share of
negatives with any match. Printed for each cutoff, for marks of 5+ letters (headline) and 4.

Run: ``.venv/bin/python bench/quality.py [--per-kind 400]``
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

import dnstwist
from detect import load_rows  # bench/detect.py, beside this script
from opencc import OpenCC

from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.normalise import normalise
from detection.vocabulary import learn_vocabulary

CHINESE = {"sony": "索尼", "canon": "佳能", "samsung": "三星", "panasonic": "松下", "philips": "飞利浦",
           "logitech": "罗技", "lenovo": "联想", "toshiba": "东芝", "nikon": "尼康", "epson": "爱普生"}
PINYIN = {"sony": "suoni", "canon": "jianeng", "samsung": "sanxing", "panasonic": "songxia",
          "philips": "feilipu", "logitech": "luoji", "lenovo": "lianxiang", "toshiba": "dongzhi",
          "nikon": "nikang", "epson": "aipusheng"}
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
HOMOGLYPHS = {"a": ["а", "ɑ"], "c": ["с"], "e": ["е"], "i": ["і", "ı"], "o": ["о", "ο", "0"], "p": ["р"],
              "s": ["ѕ"], "x": ["х"], "y": ["у"], "k": ["κ"], "n": ["ո"], "h": ["һ"]}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def neighbour(char: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        if char in row:
            i = row.index(char)
            return rng.choice([row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)])
    return char


def own_variant(kind: str, word: str, rng: random.Random) -> str | None:
    """One variant of ``word`` of ``kind`` (see the module docstring), or None if it does not apply."""
    i = rng.randrange(len(word))
    if kind == "typo":
        return word[:i] + neighbour(word[i], rng) + word[i + 1:]
    if kind == "omission":
        return word[:i] + word[i + 1:]
    if kind == "insertion":
        return word[:i] + rng.choice([word[i], neighbour(word[i], rng)]) + word[i:]
    if kind == "transposition":
        i = min(i, len(word) - 2)
        return None if word[i] == word[i + 1] else word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "homoglyph":
        spots = [j for j, c in enumerate(word) if c in HOMOGLYPHS]
        if not spots:
            return "".join(chr(ord(c) + 0xFEE0) for c in word)  # full-width
        j = rng.choice(spots)
        return word[:j] + rng.choice(HOMOGLYPHS[word[j]]) + word[j + 1:]
    if kind == "leet":
        spots = [j for j, c in enumerate(word) if c in LEET]
        if not spots:
            return None
        chosen = set(rng.sample(spots, k=max(1, len(spots) // 2)))
        return "".join(LEET[c] if j in chosen else c for j, c in enumerate(word))
    if kind == "spacing":
        style = rng.choice(["dots", "spaces", "hyphen"])
        if style == "hyphen":
            middle = len(word) // 2
            return word[:middle] + "-" + word[middle:]
        return ("." if style == "dots" else " ").join(word.upper() if style == "dots" else word)
    return None


def spellings(text: str) -> set[str]:
    """The words of ``text``, each also without its separators, and each pair of neighbours joined.

    "Cooler Master" and "i-Sound" are the marks COOLERMASTER and ISOUND, not another brand.
    """
    words = normalise(text).split()
    compact = ["".join(c for c in word if c.isalnum()) for word in words]
    return set(words) | set(compact) | {a + b for a, b in zip(compact, compact[1:], strict=False)}


def dnstwist_variants(word: str) -> dict[str, set[str]]:
    fuzzer = dnstwist.Fuzzer(f"{word}.com")
    fuzzer.generate()
    found: dict[str, set[str]] = defaultdict(set)
    for permutation in fuzzer.permutations():
        label, _, tld = permutation["domain"].rpartition(".")
        if label.startswith("xn--"):
            label = label.encode("ascii").decode("idna")  # a title shows the Cyrillic letters, not punycode
        if tld == "com" and "." not in label and label != word:
            found[f"dnstwist:{permutation['fuzzer']}"].add(label)
    return found


def build(per_kind: int, seed: int = 5) -> tuple[list[MarkSpec], list[tuple[str, int, str, str]],
                                                 list[tuple[str, str]], set[str]]:
    rng = random.Random(seed)
    rows = load_rows()
    titles_by_brand: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        brand = normalise(row["brand"])
        if brand.isalpha() and len(brand) >= 4 and brand in normalise(row["title"]).split():
            titles_by_brand[brand].append(row)
    brands = sorted(b for b, found in titles_by_brand.items() if len(found) >= 3)
    # Rights holders register the categories they sell in: here, the categories of the brand's real titles.
    marks = [MarkSpec(id=i, text=b, transliterations=(CHINESE[b], PINYIN[b]) if b in CHINESE else (),
                      categories=tuple(sorted({r["category"] for r in titles_by_brand[b]})))
             for i, b in enumerate(brands)]
    ids = {mark.text: mark.id for mark in marks}
    to_traditional = OpenCC("s2t").convert
    positives: list[tuple[str, int, str, str]] = []  # (kind, mark id, title, category)
    generators = ["typo", "omission", "insertion", "transposition", "homoglyph", "leet", "spacing"]
    fuzzed = {b: dnstwist_variants(b) for b in brands}
    kinds = generators + ["transliteration"] + sorted({k for v in fuzzed.values() for k in v})
    for kind in kinds:
        pool = [b for b in brands if kind != "transliteration" or b in CHINESE]
        pool = [b for b in pool if not kind.startswith("dnstwist") or fuzzed[b].get(kind)]
        for _ in range(per_kind if pool else 0):
            brand = rng.choice(pool)
            row = rng.choice(titles_by_brand[brand])
            if kind == "transliteration":
                fake = rng.choice([to_traditional(CHINESE[brand]), PINYIN[brand]])
            elif kind.startswith("dnstwist"):
                fake = rng.choice(sorted(fuzzed[brand][kind]))
            else:
                fake = own_variant(kind, brand, rng)
            if fake is None:
                continue
            words = normalise(row["title"]).split()
            title = " ".join(fake if w == brand else w for w in words)
            positives.append((kind, ids[brand], title, row["category"]))
    marked = set(brands)
    # Half the real rows teach the domain vocabulary; the genuine titles of the other half are the negatives.
    split = random.Random(seed).choices([True, False], k=len(rows))
    vocabulary = learn_vocabulary((row["title"], row["brand"]) for row, learn in zip(rows, split, strict=True)
                                  if learn)
    negatives = [(row["title"], row["category"]) for row, learn in zip(rows, split, strict=True) if not learn
                 and not marked & spellings(row["brand"]) and not marked & spellings(row["title"])]
    return marks, positives, negatives, vocabulary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=400)
    parser.add_argument("--cutoff", type=float, action="append")
    args = parser.parse_args()
    marks, positives, negative_rows, vocabulary = build(args.per_kind)
    negatives = [title for title, _ in negative_rows]
    negative_categories = [category for _, category in negative_rows]
    matcher = Matcher(marks, vocabulary=vocabulary)
    english = Matcher(marks)  # the vendored English words only, nothing learned from listings
    lengths = {mark.id: len(mark.text) for mark in marks}
    print(f"marks={len(marks)} positives={len(positives)} negatives={len(negatives)} "
          f"vocabulary={len(vocabulary)} words learned from the other half of the titles")
    for cutoff in args.cutoff or [80.0, 85.0, 90.0]:
        found = matcher.match_many([p[2] for p in positives], score_cutoff=cutoff,
                                   contexts=[{"category": p[3]} for p in positives])
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_length: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (kind, mark_id, _title, _cat), matches in zip(positives, found, strict=True):
            hit = any(m.mark_id == mark_id for m in matches)
            group = "5+ letters" if lengths[mark_id] >= 5 else "4 letters"
            for table, key in ((per_kind, kind), (per_length, group)):
                table[key][0] += hit
                table[key][1] += 1
        negative_hits = matcher.match_many(negatives, score_cutoff=cutoff,
                                           contexts=[{"category": c} for c in negative_categories])
        fp = sum(bool(m) for m in negative_hits) / len(negatives)
        unlearned = english.match_many(negatives, score_cutoff=cutoff,
                                       contexts=[{"category": c} for c in negative_categories])
        fp_unlearned = sum(bool(m) for m in unlearned) / len(negatives)
        headline = [hit for (kind, mark_id, *_), matches in zip(positives, found, strict=True)
                    if lengths[mark_id] >= 5 and not kind.startswith("dnstwist")
                    for hit in [any(m.mark_id == mark_id for m in matches)]]
        print(f"\ncutoff={cutoff:g}: false-positive rate {fp:.2%} of {len(negatives)} genuine titles of other brands "
              f"(goal <= 1%); {fp_unlearned:.2%} without the learned vocabulary")
        print(f"  own variants, marks of 5+ letters: recall {sum(headline) / len(headline):.3f} (goal >= 0.98)")
        for key, (hit, total) in sorted(per_length.items()):
            print(f"  all variants, marks of {key}: recall {hit / total:.3f} ({hit}/{total})")
        for key, (hit, total) in sorted(per_kind.items()):
            print(f"  {key:28s} recall {hit / total:.3f} ({hit}/{total})")


if __name__ == "__main__":
    main()
