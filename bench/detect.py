"""Benchmark: Matcher throughput and candidate recall against brute-force rapidfuzz, in one run.

Data (deterministic, seed 7), built from ../shared/data/product_offers_walmart_amazon (CC-BY 4.0):
- marks: every distinct real brand, then distinctive real title words (alphabetic, 6+ letters,
  seen in at most 3 titles), then generated pronounceable names until there are --marks of them;
- listings: every real title, then real titles with their brand (or a random mark) swapped for a
  counterfeit variant of a mark (typo, omission, insertion, transposition, leet, homoglyph,
  spacing) until there are --listings of them.

Matcher = ``Matcher.match_many`` over every listing: every form of every title (base, leetspeak,
spacing, collapsed, Chinese), the index search, and the rules and explanations of each match.
Its index tables are built once per cutoff before timing (printed as ``build``).
Brute force = ``rapidfuzz.process.extract(title, all_mark_forms, scorer=partial_ratio,
score_cutoff=c)`` on the normalised title, on a sample. Recall = share of the brute-force
(title, form) pairs above the cutoff that the candidate index also returns.

Run: ``.venv/bin/python bench/detect.py [--marks 20000] [--listings 100000] [--sample 300]``
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

from detection.marks import MarkSpec
from detection.matcher import Matcher
from detection.normalise import normalise

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "product_offers_walmart_amazon"
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}


def load_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("tableA.csv", "tableB.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def variant(word: str, rng: random.Random) -> str:
    """One counterfeit spelling of ``word`` (documented in the module docstring)."""
    kind = rng.choice(["typo", "omission", "insertion", "transposition", "leet", "homoglyph", "spacing"])
    i = rng.randrange(len(word))
    if kind == "typo":
        return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1:]
    if kind == "omission" and len(word) > 3:
        return word[:i] + word[i + 1:]
    if kind == "insertion":
        return word[:i] + word[i] + word[i:]
    if kind == "transposition" and len(word) > 2:
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "leet":
        return "".join(LEET.get(c, c) if rng.random() < 0.5 else c for c in word)
    if kind == "homoglyph":
        return "".join(HOMOGLYPHS.get(c, c) if rng.random() < 0.5 else c for c in word)
    return rng.choice([".", " ", "-"]).join(word)


def pronounceable(rng: random.Random) -> str:
    syllables = [rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") + rng.choice(["", "n", "r", "x", "l"])
                 for _ in range(rng.randint(2, 4))]
    return "".join(syllables)


def build(n_marks: int, n_listings: int, seed: int = 7) -> tuple[list[MarkSpec], list[str]]:
    rng = random.Random(seed)
    rows = load_rows()
    names: dict[str, None] = {}
    for row in rows:
        brand = normalise(row["brand"])
        if len(brand) >= 2:
            names.setdefault(brand, None)
    words = Counter(w for row in rows for w in set(normalise(row["title"]).split()))
    for word, count in sorted(words.items()):
        if len(names) >= n_marks // 3:
            break
        if word.isalpha() and len(word) >= 6 and count <= 3:
            names.setdefault(word, None)
    while len(names) < n_marks:
        names.setdefault(pronounceable(rng), None)
    marks = [MarkSpec(id=i, text=name) for i, name in enumerate(list(names)[:n_marks])]
    titles = [row["title"] for row in rows]
    mark_names = list(names)
    while len(titles) < n_listings:
        row = rng.choice(rows)
        title, brand = row["title"], normalise(row["brand"])
        target = brand if brand and brand in normalise(title) and rng.random() < 0.5 else rng.choice(mark_names)
        fake = variant(target, rng)
        lowered = title.lower()
        titles.append(lowered.replace(brand, fake, 1) if brand and brand in lowered else f"{fake} {title}")
    return marks, titles[:n_listings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marks", type=int, default=20_000)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--index-sample", type=int, default=20_000)
    parser.add_argument("--cutoff", type=float, action="append")
    args = parser.parse_args()
    marks, titles = build(args.marks, args.listings)
    cutoffs = args.cutoff or [80.0]
    started = time.perf_counter()
    matcher = Matcher(marks)
    for cutoff in cutoffs:
        matcher.index.prepare(cutoff)  # the compiled tables: built once per cutoff, not per listing
    print(f"marks={len(marks)} mark forms={len(matcher.index)} listings={len(titles)} "
          f"build={time.perf_counter() - started:.1f}s (matcher and its index for each cutoff)")
    rng = random.Random(11)
    sample = rng.sample(titles, args.sample)
    normalised_sample = [normalise(t) for t in sample]
    forms = matcher.index.forms
    for cutoff in cutoffs:
        started = time.perf_counter()
        results = matcher.match_many(titles, score_cutoff=cutoff)
        elapsed = time.perf_counter() - started
        fast = len(titles) / elapsed
        started = time.perf_counter()
        brute = [process.extract(t, forms, scorer=fuzz.partial_ratio, score_cutoff=cutoff, limit=None)
                 for t in normalised_sample]
        slow = len(sample) / (time.perf_counter() - started)
        found = matcher.index.search_many(normalised_sample, score_cutoff=cutoff)
        subset = [normalise(t) for t in titles[:args.index_sample]]
        started = time.perf_counter()
        matcher.index.search_many(subset, score_cutoff=cutoff)
        index_only = len(subset) / (time.perf_counter() - started)
        expected = {(row, index) for row, hits in enumerate(brute) for _form, _score, index in hits}
        got = {(row, index) for row, hits in enumerate(found) for index, _score in hits}
        recall = len(expected & got) / len(expected) if expected else 1.0
        hits = sum(len(r) for r in results)
        print(f"cutoff={cutoff:g}: matcher {fast:,.0f} listings/s ({hits} matches in {elapsed:.1f}s, all forms, "
              f"context rules on) | brute force partial_ratio {slow:,.1f} listings/s on {len(sample)} | "
              f"ratio {fast / slow:,.1f}x (goal >= 50x) | candidate recall {recall:.4%} of "
              f"{len(expected)} brute-force pairs (goal >= 99.5%)")
        print(f"  candidate index alone on the base form (same work as brute force): {index_only:,.0f} listings/s "
              f"on {len(subset)} | ratio {index_only / slow:,.1f}x")
        stats = matcher.index.prepare(cutoff).stats()
        scored = {kind: stats[f"{kind}_scored"] / max(stats["texts"], 1) for kind in ("keyed", "counted", "whole")}
        print(f"  index tables: {stats['full_keys']:,} window keys, {stats['edge_keys']:,} edge keys; candidates scored "
              f"per text searched: {scored['keyed']:.1f} keyed, {scored['counted']:.1f} counted, "
              f"{scored['whole']:.1f} whole")


if __name__ == "__main__":
    main()
