"""Benchmark: recall of look-alikes and false positives on genuine texts, on a register detection was not tuned on.

**Real register** (headline; data from ``bench/realdata.py``, which documents every rule): 5,000+
real marks (Simple Icons + every Walmart–Amazon brand, with aliases), genuine Walmart–Amazon and
WDC-PAVE titles and description sentences, look-alikes from dnstwist's fuzzers and own kinds.
The domain vocabulary is learned on the ``learn`` split only; ``test`` is scored (headline) and
``dev`` — the split the detection rules are tuned on — is printed as a second line. Marks are
split in halves too: the look-alikes of dev and test come from disjoint marks.

**Second real register** (``--register nsi``): the 15,000+ brands of OpenStreetMap's
name-suggestion-index (shops, restaurants, banks, fuel, fashion; many scripts), a source none of
the texts or the rules came from, with the same texts, splits and look-alike kinds. It is the
closest stand-in for a rights register of real trading names: its test half is what to quote.

Recall = share of look-alikes where the matcher reports the look-alike's mark. A false positive
is a match on a genuine text to a mark other than those its own brand field names; the FP rate
is the share of genuine texts with at least one. Printed per look-alike kind, per mark class
(recall, and which classes the false matches hit), with 10 example false matches per class.

**Old benchmark** (second section, as before this register existed): marks are the real brands of
the Walmart–Amazon offers spelled with letters only that appear as a word in at least 3 of their
titles (with their titles' categories; the ten best known also get their registered Chinese
names), positives their own titles with the brand replaced by a look-alike, vocabulary learned on
a random half of the offers, negatives the other half's titles that contain no mark.

Run: ``.venv/bin/python bench/quality.py [--per-kind 150] [--negatives 0] [--cutoff 80] [--skip-old]
[--register simple-icons|nsi|all]`` (about four minutes on one core with the defaults; ``--dev-only
--misses 40`` while tuning: the dev split alone, with the look-alikes it misses).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from opencc import OpenCC
from realdata import (
    CLASSES,
    REGISTERS,
    Mark,
    Positive,
    Text,
    TitleSets,
    WrittenMarks,
    build_positives,
    build_titles,
    dnstwist_labels,
    mark_class,
    offer_rows,
    own_variant,
)

from detection.marks import MarkSpec
from detection.matcher import Match, Matcher
from detection.normalise import normalise
from detection.vocabulary import learn_vocabulary

EXAMPLES = 10
CHINESE = {"sony": "索尼", "canon": "佳能", "samsung": "三星", "panasonic": "松下", "philips": "飞利浦",
           "logitech": "罗技", "lenovo": "联想", "toshiba": "东芝", "nikon": "尼康", "epson": "爱普生"}
PINYIN = {"sony": "suoni", "canon": "jianeng", "samsung": "sanxing", "panasonic": "songxia",
          "philips": "feilipu", "logitech": "luoji", "lenovo": "lianxiang", "toshiba": "dongzhi",
          "nikon": "nikang", "epson": "aipusheng"}
OLD_KINDS = ("typo", "omission", "insertion", "transposition", "homoglyph", "leet", "spacing:dots",
             "spacing:spaces", "spacing:hyphen", "transliteration", "dnstwist:addition", "dnstwist:bitsquatting",
             "dnstwist:homoglyph", "dnstwist:hyphenation", "dnstwist:insertion", "dnstwist:omission",
             "dnstwist:repetition", "dnstwist:replacement", "dnstwist:transposition", "dnstwist:vowel-swap")


@dataclass
class Tally:
    """Hits out of a total."""

    hit: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hit += hit
        self.total += 1

    def __str__(self) -> str:
        return f"{self.hit / self.total:.3f} ({self.hit:,}/{self.total:,})" if self.total else "-"


@dataclass
class Result:
    """What one matcher did on one split's positives and negatives."""

    recall: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_class: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_position: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fp: Tally = field(default_factory=Tally)
    fp_by_group: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fp_texts_by_class: Counter[str] = field(default_factory=Counter)  # texts with a false match onto the class
    fp_matches_by_class: Counter[str] = field(default_factory=Counter)
    fp_by_match_kind: Counter[str] = field(default_factory=Counter)
    misses: dict[str, list[Positive]] = field(default_factory=lambda: defaultdict(list))  # by mark class
    examples: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0


def evaluate(matcher: Matcher, marks: dict[str | int, Mark], positives: Sequence[Positive],
             negatives: Sequence[Text], *, cutoff: float) -> Result:
    """Recall on ``positives`` and false positives on ``negatives``, broken down (see :class:`Result`)."""
    result = Result()
    started = time.perf_counter()
    found = matcher.match_many([p.text for p in positives], score_cutoff=cutoff,
                               contexts=[p.carrier.context for p in positives])
    for positive, matches in zip(positives, found, strict=True):
        hit = any(m.mark_id == positive.mark_id for m in matches)
        for tally in (result.recall, result.by_kind[positive.kind], result.by_class[positive.mark_class],
                      result.by_position[positive.position]):
            tally.add(hit)
        if not hit:
            result.misses[positive.mark_class].append(positive)
    found = matcher.match_many([t.text for t in negatives], score_cutoff=cutoff,
                               contexts=[t.context for t in negatives])
    for text, matches in zip(negatives, found, strict=True):
        false = [m for m in matches if m.mark_id not in text.own]
        result.fp.add(bool(false))
        result.fp_by_group[f"{text.source} {text.field}{'' if text.strict else ' (branded)'}"].add(bool(false))
        for name in {marks[m.mark_id].mark_class for m in false}:
            result.fp_texts_by_class[name] += 1
        for match in false:
            name = marks[match.mark_id].mark_class
            result.fp_matches_by_class[name] += 1
            result.fp_by_match_kind[match.kind] += 1
            if len(result.examples[name]) < EXAMPLES:
                result.examples[name].append(_example(text.text, marks[match.mark_id], match))
    result.seconds = time.perf_counter() - started
    return result


def _example(text: str, mark: Mark, match: Match) -> tuple[str, str, str, str]:
    start, end = match.span
    return text, mark.text, text[start:end], f"{match.kind} {match.score:.0f}"


def headline(label: str, result: Result, *, unlearned: Result | None = None) -> str:
    """One line: recall and false-positive rate, with the goals."""
    line = (f"{label}: recall {result.recall} (goal >= 0.98) | false positives {result.fp.hit / result.fp.total:.2%} "
            f"({result.fp.hit:,}/{result.fp.total:,} genuine texts with a false match; goal <= 1%)")
    if unlearned is not None:
        line += f" | {unlearned.fp.hit / unlearned.fp.total:.2%} without the learned vocabulary"
    return line + f" [{result.seconds:.0f}s]"


def details(test: Result, dev: Result, marks: Sequence[Mark], *, examples: str = "test") -> None:
    """The tables: recall per kind, class and position; false positives per class, source and kind; examples
    of false matches from the ``examples`` split."""
    print(f"\n  {'look-alike kind':26s} {'test recall':>22s} {'dev recall':>22s}")
    for kind in sorted(set(test.by_kind) | set(dev.by_kind)):
        print(f"  {kind:26s} {test.by_kind[kind]!s:>22s} {dev.by_kind[kind]!s:>22s}")
    for name, table in (("position", "by_position"),):
        for key in sorted(getattr(test, table)):
            print(f"  {name + ' ' + key:26s} {getattr(test, table)[key]!s:>22s} {getattr(dev, table)[key]!s:>22s}")
    registered = Counter(m.mark_class for m in marks)
    print(f"\n  {'mark class':14s} {'marks':>6s} {'test recall':>20s} {'dev recall':>20s} "
          f"{'test FP texts':>18s} {'false matches':>13s} {'dev FP texts':>18s}")
    for name in CLASSES:
        share = test.fp_texts_by_class[name] / max(test.fp.total, 1)
        dev_share = dev.fp_texts_by_class[name] / max(dev.fp.total, 1)
        print(f"  {name:14s} {registered[name]:6,} {test.by_class[name]!s:>20s} {dev.by_class[name]!s:>20s} "
              f"{share:7.2%} ({test.fp_texts_by_class[name]:5,}) {test.fp_matches_by_class[name]:13,} "
              f"{dev_share:7.2%} ({dev.fp_texts_by_class[name]:5,})")
    shown = test if examples == "test" else dev
    print(f"\n  false positives by text ({examples}): "
          + "; ".join(f"{group} {t.hit / t.total:.2%} ({t.hit:,}/{t.total:,})"
                      for group, t in sorted(shown.fp_by_group.items())))
    print(f"  false matches by match kind ({examples}): "
          + ", ".join(f"{kind} {n:,}" for kind, n in shown.fp_by_match_kind.most_common()))
    for name in CLASSES:
        if shown.examples[name]:
            print(f"\n  examples of false matches onto {name} marks ({examples}): title | mark | matched text | kind")
            for text, mark, matched, kind in shown.examples[name]:
                print(f"    {text[:90]!r} | {mark} | {matched!r} | {kind}")


def print_misses(result: Result, marks: dict[str | int, Mark], limit: int) -> None:
    """Up to ``limit`` look-alikes per mark class that the matcher missed (dev: the split rules are tuned on)."""
    for name in CLASSES:
        missed = result.misses[name]
        print(f"\n  dev misses of {name} marks ({len(missed):,}): kind | mark | look-alike | position | title")
        for positive in missed[:limit]:
            print(f"    {positive.kind} | {marks[positive.mark_id].text} | {positive.variant} | {positive.position} | "
                  f"{positive.text[:80]!r}")


def real_register(name: str, per_kind: int, n_negatives: int, cutoff: float, *, dev_only: bool = False,
                  misses: int = 0) -> None:
    """A headline section (see the module docstring) on the register ``name`` of ``realdata.REGISTERS``;
    ``dev_only`` scores the dev split alone (for tuning)."""
    started = time.perf_counter()
    label, build = REGISTERS[name]
    register = build()
    titles = build_titles(register)
    vocabulary = learn_vocabulary(titles.vocabulary_records())
    marks: dict[str | int, Mark] = {m.id: m for m in register}
    matcher = Matcher([m.spec for m in register], vocabulary=vocabulary)
    english = Matcher([m.spec for m in register])  # vendored English words only, nothing learned from listings
    splits = {split: (build_positives(register, titles, split, per_kind=per_kind),
                      _sample(titles.split(split), n_negatives)) for split in ("test", "dev")}
    if dev_only:
        del splits["test"]
    print(f"\n{label}: {len(register):,} marks ({', '.join(f'{c} {n:,}' for c, n in _classes(register))}); "
          f"vocabulary {len(vocabulary):,} words learned on {len(titles.learn):,} learn texts; "
          + "".join(f"{split} {len(positives):,} look-alikes / {len(negatives):,} genuine texts, "
                    for split, (positives, negatives) in splits.items()) + f"cutoff {cutoff:g} "
          f"[data {time.perf_counter() - started:.0f}s]")
    results = {split: evaluate(matcher, marks, positives, negatives, cutoff=cutoff)
               for split, (positives, negatives) in splits.items()}
    if not dev_only:
        unlearned = evaluate(english, marks, [], splits["test"][1], cutoff=cutoff)
        print(headline("test", results["test"], unlearned=unlearned))
    print(headline("dev: tuned on", results["dev"]))
    details(results.get("test", Result()), results["dev"], register, examples="dev" if dev_only else "test")
    if misses:
        print_misses(results["dev"], marks, misses)


def _classes(marks: Sequence[Mark]) -> list[tuple[str, int]]:
    counts = Counter(m.mark_class for m in marks)
    return [(name, counts[name]) for name in CLASSES]


def _sample(items: list[Text], n: int) -> list[Text]:
    return items if not n or n >= len(items) else random.Random(n).sample(items, n)


def old_benchmark(per_kind: int, cutoff: float, seed: int = 5) -> None:
    """The second section: the register taken from the offers themselves, the old way."""
    rng = random.Random(seed)
    rows = list(offer_rows())
    titles_by_brand: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        brand = normalise(row["brand"])
        if brand.isalpha() and len(brand) >= 4 and brand in normalise(row["title"]).split():
            titles_by_brand[brand].append(row)
    brands = sorted(b for b, found in titles_by_brand.items() if len(found) >= 3)
    marks = [Mark(id=b, text=b, aliases=(), mark_class=mark_class(b), half="test", sources=("walmart-amazon",))
             for b in brands]
    # Rights holders register the categories they sell in: here, the categories of the brand's real titles.
    specs = [MarkSpec(id=b, text=b, transliterations=(CHINESE[b], PINYIN[b]) if b in CHINESE else (),
                      categories=tuple(sorted({r["category"] for r in titles_by_brand[b]}))) for b in brands]
    to_traditional = OpenCC("s2t").convert
    positives: list[Positive] = []
    for kind in OLD_KINDS:
        pool = [b for b in brands if kind != "transliteration" or b in CHINESE]
        pool = [b for b in pool if not kind.startswith("dnstwist") or dnstwist_labels(b, kind.partition(":")[2])]
        for _ in range(per_kind if pool else 0):
            brand = rng.choice(pool)
            row = rng.choice(titles_by_brand[brand])
            if kind == "transliteration":
                fake = rng.choice([to_traditional(CHINESE[brand]), PINYIN[brand]])
            elif kind.startswith("dnstwist"):
                fake = rng.choice(dnstwist_labels(brand, kind.partition(":")[2]))
            else:
                fake = own_variant(kind, brand, rng)
            if fake is None:
                continue
            title = " ".join(fake if w == brand else w for w in normalise(row["title"]).split())
            carrier = _offer_text(row)
            positives.append(Positive(text=title, mark_id=brand, kind=kind, mark_class=mark_class(brand),
                                      position="in place", variant=fake, carrier=carrier))
    written = WrittenMarks(marks)
    split = random.Random(seed).choices([True, False], k=len(rows))
    learn = TitleSets(learn=[_offer_text(r) for r, s in zip(rows, split, strict=True) if s], dev=[], test=[])
    vocabulary = learn_vocabulary(learn.vocabulary_records())
    negatives = [_offer_text(r) for r, s in zip(rows, split, strict=True)
                 if not s and not written.in_brand(r["brand"]) and not written.in_text(r["title"],
                                                                                      case_sensitive_ordinary=False)]
    matcher = Matcher(specs, vocabulary=vocabulary)
    by_id: dict[str | int, Mark] = {m.id: m for m in marks}
    result = evaluate(matcher, by_id, positives, negatives, cutoff=cutoff)
    unlearned = evaluate(Matcher(specs), by_id, [], negatives, cutoff=cutoff)
    print(f"\nold benchmark (register from the same offers as the titles): {len(marks)} marks "
          f"({', '.join(f'{c} {n:,}' for c, n in _classes(marks))}), {len(positives):,} look-alikes, "
          f"{len(negatives):,} genuine titles of other brands, vocabulary {len(vocabulary):,}; cutoff {cutoff:g}")
    print(headline("old", result, unlearned=unlearned))
    print("  " + "; ".join(f"{kind} {tally}" for kind, tally in sorted(result.by_kind.items())))


def _offer_text(row: dict[str, str]) -> Text:
    return Text(text=row["title"], source="walmart-amazon", field="title", offer=f"{row['table']}{row['id']}",
                brand=row["brand"], category=row["category"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=150, help="look-alikes per kind and split")
    parser.add_argument("--negatives", type=int, default=0, help="genuine texts per split (0: all, ~5,000)")
    parser.add_argument("--cutoff", type=float, default=80.0)
    parser.add_argument("--old-per-kind", type=int, default=200)
    parser.add_argument("--skip-old", action="store_true", help="only the real-register sections")
    parser.add_argument("--register", choices=[*REGISTERS, "all"], default="all",
                        help="which real register to score (default: all)")
    parser.add_argument("--dev-only", action="store_true", help="score the dev split only (for tuning rules)")
    parser.add_argument("--misses", type=int, default=0, help="print this many dev misses per mark class")
    args = parser.parse_args()
    for name in REGISTERS if args.register == "all" else [args.register]:
        real_register(name, args.per_kind, args.negatives, args.cutoff, dev_only=args.dev_only, misses=args.misses)
    if not args.skip_old:
        old_benchmark(args.old_per_kind, args.cutoff)


if __name__ == "__main__":
    main()
