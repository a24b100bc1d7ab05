"""Benchmark: `markwatch match` end to end on a real register against naive rapidfuzz, and candidate recall.

**Real register** (headline; ``bench/realdata.py``): the 5,000+ real marks with their aliases,
written to a marks CSV. Listings: every real text — Walmart–Amazon titles, WDC-PAVE titles and
description sentences, of every split — and, since they are fewer than ``--listings``, further
rounds of them, each text perturbed deterministically (seed 7): two neighbouring words swapped,
and in one text of three a look-alike of a random mark (``realdata.look_alike``, any kind) put
first, so the run has hits to explain. Each listing carries its offer's brand and category.

- **markwatch match**: ``markwatch match --marks … --listings … --vocabulary … --out …`` as a
  subprocess pinned to one core, timed from its start to its exit: CLI start-up, reading the marks,
  building the matcher and its index, matching every listing with every form and rule, writing hits.
- **naive**: ``rapidfuzz.process.extract(title, forms, scorer=fuzz.partial_ratio, score_cutoff=90,
  limit=None)`` over every registered form (normalised mark texts and aliases) on the normalised
  title, timed on ``--sample`` listings and extrapolated per listing.
- **candidate recall**: on the same sample, the share of the brute-force (title, form) pairs at the
  CLI's cutoff (partial_ratio over the index's forms) that the candidate index also returns.

**Old run** (second section, ``--skip-old`` to leave it out): the previous benchmark's synthetic
register (every Walmart–Amazon brand, rare title words, generated names: ``--old-marks``) and
``--old-listings`` titles, matched in process.

Run: ``.venv/bin/python bench/detect.py [--register simple-icons|nsi] [--listings 74520] [--sample 300] [--skip-old]
[--profile 20000]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process
from realdata import KINDS, REGISTERS, build_titles, look_alike, offer_rows, pave_rows
from realdata import Text as RealText

from detection.index import brute_force
from detection.marks import MarkSpec, read_marks_csv
from detection.matcher import Matcher
from detection.normalise import normalise
from detection.vocabulary import learn_vocabulary, write_vocabulary

CLI_CUTOFF = 80.0
NAIVE_CUTOFF = 90.0
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "i": "і"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}


def _one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def real_texts() -> list[RealText]:
    """Every real text of the sources, once (titles and description sentences, every split)."""
    sets = build_titles([])  # an empty register: nothing is dropped as containing a mark
    return sets.learn + sets.dev + sets.test


def real_listings(n_listings: int, register: list, seed: int = 7) -> tuple[list[dict], int]:
    """``n_listings`` listings: the real texts, then perturbed rounds of them; also how many are real."""
    texts = real_texts()
    rng = random.Random(seed)
    listings = [{"id": i, "title": t.text, **_context(t)} for i, t in enumerate(texts)]
    round_ = 0
    while len(listings) < n_listings:
        round_ += 1
        for text in texts:
            if len(listings) >= n_listings:
                break
            words = text.text.split(" ")
            if len(words) > 2:
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
            if rng.random() < 1 / 3:
                mark = rng.choice(register)
                fake = look_alike(mark, rng.choice(KINDS), rng)
                if fake:
                    words.insert(0, fake)
            listings.append({"id": len(listings), "title": " ".join(words), **_context(text)})
    return listings[:n_listings], min(len(texts), n_listings)


def _context(text: RealText) -> dict[str, str]:
    return {key: value for key, value in text.context.items() if value}


def write_inputs(folder: Path, register: list, listings: list[dict], vocabulary: set[str]) -> tuple[Path, Path, Path]:
    marks_csv, listings_jsonl, vocabulary_txt = folder / "marks.csv", folder / "listings.jsonl", folder / "vocab.txt"
    with marks_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "mark", "aliases"])
        for mark in register:
            writer.writerow([mark.id, mark.text, ";".join(a.replace(";", ",") for a in mark.aliases)])
    with listings_jsonl.open("w", encoding="utf-8") as handle:
        for listing in listings:
            handle.write(json.dumps(listing, ensure_ascii=False) + "\n")
    write_vocabulary(vocabulary, vocabulary_txt)
    return marks_csv, listings_jsonl, vocabulary_txt


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(marks_csv: Path, listings_jsonl: Path, vocabulary_txt: Path, out: Path) -> tuple[float, float, str]:
    """Wall and CPU time of one ``markwatch match`` run on one core, and its summary line."""
    cli = Path(sys.executable).with_name("markwatch")
    command = [str(cli), "match", "--marks", str(marks_csv), "--listings", str(listings_jsonl),
               "--vocabulary", str(vocabulary_txt), "--out", str(out), "--threshold", f"{CLI_CUTOFF:g}"]
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=_one_core, check=False)
    elapsed, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"markwatch match failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, cpu, done.stderr.strip().splitlines()[-1]


def startup_seconds() -> float:
    cli = Path(sys.executable).with_name("markwatch")
    started = time.perf_counter()
    subprocess.run([str(cli), "match", "--help"], capture_output=True, check=True, preexec_fn=_one_core)
    return time.perf_counter() - started


def profile(matcher: Matcher, listings: list[dict], n: int) -> None:
    """Where the matcher's time goes on the first ``n`` listings (cProfile, by own time)."""
    import cProfile
    import pstats

    titles = [listing["title"] for listing in listings[:n]]
    contexts = [{k: v for k, v in listing.items() if k in ("brand", "category")} for listing in listings[:n]]
    profiler = cProfile.Profile()
    profiler.runcall(matcher.match_many, titles, score_cutoff=CLI_CUTOFF, contexts=contexts)
    print(f"\nprofile of Matcher.match_many on {len(titles):,} listings (by own time):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def real_register(name: str, n_listings: int, n_sample: int, n_profile: int = 0) -> None:
    """The headline section (see the module docstring) on the register ``name`` of ``realdata.REGISTERS``."""
    started = time.perf_counter()
    label, build = REGISTERS[name]
    register = build()
    titles = build_titles(register)
    vocabulary = learn_vocabulary(titles.vocabulary_records())
    listings, n_real = real_listings(n_listings, register)
    with tempfile.TemporaryDirectory(prefix="markwatch-bench-") as folder:
        marks_csv, listings_jsonl, vocabulary_txt = write_inputs(Path(folder), register, listings, vocabulary)
        print(f"{label}: {len(register):,} marks ({sum(len(m.aliases) for m in register):,} aliases), "
              f"{len(listings):,} listings ({n_real:,} real texts: {len(offer_rows()):,} Walmart–Amazon titles, "
              f"WDC-PAVE {len(pave_rows()):,} titles and their description sentences; the rest perturbed copies), "
              f"vocabulary {len(vocabulary):,} words [data {time.perf_counter() - started:.0f}s]")
        startup = startup_seconds()
        elapsed, cpu, summary = run_cli(marks_csv, listings_jsonl, vocabulary_txt, Path(folder) / "hits.jsonl")
        specs = read_marks_csv(marks_csv)
    fast = len(listings) / elapsed
    build_started = time.perf_counter()
    matcher = Matcher(specs, vocabulary=vocabulary)
    matcher.index.prepare(CLI_CUTOFF)
    build = time.perf_counter() - build_started

    _one_core()
    sample = random.Random(11).sample(listings, n_sample)
    normalised = [normalise(listing["title"]) for listing in sample]
    forms = sorted({normalise(text) for spec in specs for text in (spec.text, *spec.aliases)} - {""})
    naive_started, naive_cpu = time.perf_counter(), time.process_time()
    for title in normalised:
        process.extract(title, forms, scorer=fuzz.partial_ratio, score_cutoff=NAIVE_CUTOFF, limit=None)
    naive = len(sample) / (time.perf_counter() - naive_started)
    naive_cpu = len(sample) / (time.process_time() - naive_cpu)
    recall, pairs = candidate_recall(matcher, normalised, CLI_CUTOFF)
    print(f"markwatch match: {fast:,.0f} listings/s ({len(listings):,} in {elapsed:.1f}s end to end on one core, "
          f"{len(listings) / cpu:,.0f}/s of CPU time; start-up {startup:.1f}s, matcher and index build "
          f"{build:.1f}s in process; {summary})")
    print(f"naive partial_ratio >= {NAIVE_CUTOFF:g} over {len(forms):,} forms: {naive:,.1f} listings/s "
          f"({naive_cpu:,.1f}/s of CPU time, on {len(sample)}) | ratio {fast / naive:,.1f}x (goal >= 50x; "
          f"{len(listings) / cpu / naive_cpu:,.1f}x in CPU time) | candidate recall at {CLI_CUTOFF:g}: "
          f"{recall:.4%} of {pairs:,} brute-force pairs (goal >= 99.5%)")
    stats = matcher.index.prepare(CLI_CUTOFF).stats()
    scored = {kind: stats[f"{kind}_scored"] / max(stats["texts"], 1) for kind in ("keyed", "counted", "whole")}
    print(f"  index: {len(matcher.index):,} forms, {stats['full_keys']:,} window keys, {stats['edge_keys']:,} edge "
          f"keys; candidates scored per text: {scored['keyed']:.1f} keyed, {scored['counted']:.1f} counted, "
          f"{scored['whole']:.1f} whole")
    if n_profile:
        profile(matcher, listings, n_profile)


def candidate_recall(matcher: Matcher, normalised: list[str], cutoff: float) -> tuple[float, int]:
    """Share of the brute-force (text, form) pairs at ``cutoff`` that the candidate index returns."""
    forms = matcher.index.forms
    found = matcher.index.search_many(normalised, score_cutoff=cutoff)
    expected = {(row, index) for row, text in enumerate(normalised)
                for index, _ in brute_force(text, forms, score_cutoff=cutoff)}
    got = {(row, index) for row, hits in enumerate(found) for index, _score in hits}
    return (len(expected & got) / len(expected) if expected else 1.0), len(expected)


def _variant(word: str, rng: random.Random) -> str:
    """One counterfeit spelling of ``word`` for the old run."""
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


def _pronounceable(rng: random.Random) -> str:
    syllables = [rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") + rng.choice(["", "n", "r", "x", "l"])
                 for _ in range(rng.randint(2, 4))]
    return "".join(syllables)


def old_build(n_marks: int, n_listings: int, seed: int = 7) -> tuple[list[MarkSpec], list[str]]:
    """The old run's synthetic register and listings (see the module docstring)."""
    rng = random.Random(seed)
    rows = list(offer_rows())
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
        names.setdefault(_pronounceable(rng), None)
    marks = [MarkSpec(id=i, text=name) for i, name in enumerate(list(names)[:n_marks])]
    titles = [row["title"] for row in rows]
    mark_names = list(names)
    while len(titles) < n_listings:
        row = rng.choice(rows)
        title, brand = row["title"], normalise(row["brand"])
        target = brand if brand and brand in normalise(title) and rng.random() < 0.5 else rng.choice(mark_names)
        fake = _variant(target, rng)
        lowered = title.lower()
        titles.append(lowered.replace(brand, fake, 1) if brand and brand in lowered else f"{fake} {title}")
    return marks, titles[:n_listings]


def old_run(n_marks: int, n_listings: int, n_sample: int) -> None:
    """The second section: the previous benchmark, in process."""
    _one_core()
    marks, titles = old_build(n_marks, n_listings)
    started = time.perf_counter()
    matcher = Matcher(marks)
    matcher.index.prepare(CLI_CUTOFF)
    build = time.perf_counter() - started
    started = time.perf_counter()
    matcher.match_many(titles, score_cutoff=CLI_CUTOFF)
    fast = len(titles) / (time.perf_counter() - started)
    sample = [normalise(t) for t in random.Random(11).sample(titles, n_sample)]
    started = time.perf_counter()
    for title in sample:
        process.extract(title, matcher.index.forms, scorer=fuzz.partial_ratio, score_cutoff=CLI_CUTOFF, limit=None)
    slow = len(sample) / (time.perf_counter() - started)
    recall, pairs = candidate_recall(matcher, sample, CLI_CUTOFF)
    print(f"\nold run (synthetic register: {len(marks):,} marks, {len(titles):,} titles, in process, build "
          f"{build:.1f}s not timed): {fast:,.0f} listings/s | brute force partial_ratio >= {CLI_CUTOFF:g} "
          f"{slow:,.1f}/s | ratio {fast / slow:,.1f}x | candidate recall {recall:.4%} of {pairs:,} pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=74_520)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--old-marks", type=int, default=20_000)
    parser.add_argument("--old-listings", type=int, default=100_000)
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile the matcher in process on N listings of the real register")
    parser.add_argument("--register", choices=sorted(REGISTERS), default="simple-icons",
                        help="the real register (nsi: the 15,000+ trading names of bench/quality.py's second register)")
    args = parser.parse_args()
    real_register(args.register, args.listings, args.sample, args.profile)
    if not args.skip_old:
        old_run(args.old_marks, args.old_listings, args.sample)


if __name__ == "__main__":
    main()
