"""Benchmark: marks in host names — recall on real phishing hosts, false positives on genuine hosts.

Data (all real, from ../shared/data; nothing generated):
- positives: PhishTank's verified phishing URLs of 2021-03-14 with the brand they impersonate
  (``target``; "Other" and "Special" dropped), one per distinct (host, target). Most of them hide the
  brand nowhere in the host (``bit.ly/…``, ``crackaworld.com``); the *labelled* hosts are those in
  which a form of the target's mark is visible by brute force over every slice of the host's labels
  (see :func:`visible`): exactly, or one edit away for forms of five letters or more; forms of three
  letters or fewer only as a whole hyphen-separated part or label. Recall = share of labelled hosts
  where :class:`detection.domains.DomainMatcher` reports the target's mark;
- register: the PhishTank targets as their owners register them (:data:`TARGETS`: the word marks,
  e.g. HMRC for "Her Majesty's Revenue and Customs"), plus half of the 3,463 Simple Icons brands
  (CC0) with their aliases as distractors: thousands of real marks, many of them ordinary words;
- negatives: genuine hosts. (1) The official hosts of the *other* half of Simple Icons — their
  ``source_url`` and ``guidelines_url`` hosts, less hosts on a registrable domain that brands of the
  registered half also use (``github.com``, ``google.com``)
  and less hosts whose registrable label is a registered mark (``twitter.com``, ``mozilla.design``:
  the mark's own site, which a matcher must report) — matched against a register that does not hold their own marks: any match
  is a false positive. Brands are split by the first word of their name (a family: "Google",
  "Google Cloud") and PhishTank targets' families are always registered. Both halves take their
  turn as negatives (two folds). (2) The shop hosts of WDC-PAVE's offers (``url``), against the
  register with *all* Simple Icons brands.

Every host set is split into dev and test halves by a hash of the host with its digits removed
(so ``verify123.x.com`` and ``verify456.x.com`` fall on one side); rules were tuned on dev only,
test is the headline. Walmart–Amazon offers carry no hosts and are not used.

Run: ``.venv/bin/python bench/domains.py [--examples 20]``
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from detection import lexicon
from detection.domains import FUZZY_MIN_LENGTH, SHORT_MAX_LENGTH, DomainMatcher, one_edit
from detection.hosts import split_host
from detection.marks import MarkSpec
from detection.normalise import normalise

DATA = Path(os.environ.get("MARKWATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
PHISHTANK = DATA / "phishtank_brand_impersonation_urls" / "verified_online_2021-03-14.csv"
SIMPLE_ICONS = DATA / "brand_list_simple_icons" / "simple_icons_brands.csv"
WDC_PAVE = DATA / "wdc_pave_offers"

# PhishTank target → (word mark, aliases): the marks the owner registers, not the company name.
TARGETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Facebook": ("Facebook", ()), "PayPal": ("PayPal", ()), "eBay, Inc.": ("eBay", ()),
    "Microsoft": ("Microsoft", ("Office 365", "OneDrive", "Outlook")),
    "Lloyds Bank": ("Lloyds Bank", ("Lloyds",)), "Instagram": ("Instagram", ()),
    "Her Majesty's Revenue and Customs": ("HMRC", ()), "Google": ("Google", ("Gmail",)),
    "Amazon.com": ("Amazon", ()), "Internal Revenue Service": ("IRS", ()), "Orange": ("Orange", ()),
    "ABSA Bank": ("ABSA", ()), "RuneScape": ("RuneScape", ()), "ING Direct": ("ING", ()),
    "PKO Polish Bank": ("PKO BP", ("PKO", "iPKO")), "Caixa": ("Caixa", ()), "Mastercard": ("Mastercard", ()),
    "Halifax": ("Halifax", ()), "HSBC Group": ("HSBC", ()), "Adobe": ("Adobe", ()),
    "JPMorgan Chase and Co.": ("Chase", ("JPMorgan",)), "Allegro": ("Allegro", ()),
    "Capitec Bank": ("Capitec", ()), "DHL": ("DHL", ()), "Netflix": ("Netflix", ()), "Twitter": ("Twitter", ()),
    "Development Bank of Singapore": ("DBS", ("POSB",)), "Virustotal": ("VirusTotal", ()),
    "Wells Fargo": ("Wells Fargo", ()), "Sumitomo Mitsui Banking Corporation": ("SMBC", ("Sumitomo Mitsui",)),
    "Telefónica UK": ("O2", ()), "EE": ("EE", ()), "Steam": ("Steam", ()), "Vodafone": ("Vodafone", ()),
    "Intesa Sanpaolo": ("Intesa Sanpaolo", ()), "Bank of America Corporation": ("Bank of America", ("BofA",)),
    "VKontakte": ("VK", ("VKontakte",)), "Sulake Corporation": ("Habbo", ("Sulake",)), "Itau": ("Itaú", ()),
    "WeTransfer": ("WeTransfer", ()), "Apple": ("Apple", ("iCloud",)), "Dropbox": ("Dropbox", ()),
    "Banco Santander, S.A.": ("Santander", ()), "Blockchain": ("Blockchain.com", ("Blockchain",)),
    "American Express": ("American Express", ("Amex",)), "MyEtherWallet": ("MyEtherWallet", ()),
    "Cox Communications": ("Cox", ()), "TSB": ("TSB", ()), "Rakuten": ("Rakuten", ()), "Visa": ("Visa", ()),
    "Yahoo": ("Yahoo", ()), "LinkedIn": ("LinkedIn", ()), "Comcast": ("Comcast", ("Xfinity",)),
    "Binance": ("Binance", ()), "Accurint": ("Accurint", ()), "Barclays Bank PLC": ("Barclays", ()),
    "DocuSign": ("DocuSign", ()), "UniCredit": ("UniCredit", ()), "NatWest Bank": ("NatWest", ()),
    "Rabobank": ("Rabobank", ()), "Poste Italiane": ("Poste Italiane", ()), "Banco De Brasil": ("Banco do Brasil", ()),
    "AOL": ("AOL", ()), "Hotmail": ("Hotmail", ()), "British Telecom": ("BT", ()), "Scotiabank": ("Scotiabank", ()),
    "First National Bank (South Africa)": ("FNB", ()), "Nationwide Building Society": ("Nationwide", ()),
    "ASB Bank Limited": ("ASB", ()), "Royal Bank of Canada": ("RBC", ("Royal Bank",)), "Rackspace": ("Rackspace", ()),
    "Coinbase": ("Coinbase", ()), "ABN AMRO Bank": ("ABN AMRO", ()), "Allied Bank Limited": ("Allied Bank", ()),
    "United Services Automobile Association": ("USAA", ()), "Raiffeisen Bank": ("Raiffeisen", ()),
    "GitHub": ("GitHub", ()), "Three": ("Three", ()), "First Direct": ("First Direct", ()),
    "Volksbanken Raiffeisenbanken": ("Volksbank", ("Raiffeisen",)), "Das kann Bank": ("Das kann Bank", ()),
    "AT&amp;T": ("AT&T", ()), "ArenaNet": ("ArenaNet", ("Guild Wars",)), "Alliance Bank": ("Alliance Bank", ()),
    "Bradesco": ("Bradesco", ()), "Centurylink": ("CenturyLink", ()), "Salesforce": ("Salesforce", ()),
    "Banco Real": ("Banco Real", ()), "WhatsApp": ("WhatsApp", ()), "Delta Air Lines": ("Delta", ()),
    "Branch Banking and Trust Company": ("BB&T", ()),
}
DROPPED_TARGETS = ("Other", "Special")


def half(key: str) -> str:
    """"dev" or "test", by a hash of ``key`` with its digits removed."""
    digest = hashlib.sha256(re.sub(r"\d+", "", key).encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def joined_forms(mark: MarkSpec) -> list[str]:
    forms = [normalise(text).replace(" ", "") for text in (mark.text, *mark.aliases)]
    return [f for f in dict.fromkeys(forms) if f]


def visible(host_text: str, forms: Iterable[str], *, known_typos: bool = False) -> bool:
    """Whether a form shows in the host's labels: the brute-force reference of a labelled host.

    Every slice of every hyphen-separated part of every label (public suffix left out), and every
    run of whole parts joined (as a whole), is compared with every form: equal, or one edit away
    (:func:`detection.domains.one_edit`) for forms of FUZZY_MIN_LENGTH letters or more, unless the
    slice is a spelling the web uses (the issue's definition of a typo; ``known_typos`` counts them
    too). Short forms count only as a whole part or run of parts.
    """
    host = split_host(host_text)
    if host is None:
        return False
    for label in host.labels:
        parts = normalise(label.text).split(" ")
        runs = ["".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]
        for form in forms:
            if form in runs:
                return True
            if len(form) <= SHORT_MAX_LENGTH:
                continue
            if any(form in part for part in parts):
                return True
            if len(form) < FUZZY_MIN_LENGTH:
                continue
            slices = {text[i:i + length] for text in parts for length in (len(form) - 1, len(form), len(form) + 1)
                      for i in range(len(text) - length + 1)} | set(runs)  # a run of parts only as a whole
            if any(one_edit(piece, form) and (known_typos or not lexicon.is_known_spelling(piece)) for piece in slices):
                return True
    return False


def load_phishtank() -> list[tuple[str, str]]:
    """Distinct (host, target) pairs of PhishTank's rows with a named target."""
    pairs = {}
    with PHISHTANK.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["target"] in DROPPED_TARGETS:
                continue
            host = split_host(row["url"])
            if host is not None:
                pairs[(host.name, row["target"])] = None
    return list(pairs)


def load_simple_icons() -> list[dict[str, object]]:
    brands = []
    with SIMPLE_ICONS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            aliases = [a.strip() for column in ("aliases_aka", "aliases_dup") for a in row[column].split("|")]
            aliases += [a.split(":", 1)[-1].strip() for a in row["aliases_localized"].split("|")]
            hosts = {h for u in (row["source_url"], row["guidelines_url"]) if u and (h := urlsplit(u).hostname)}
            brands.append({"title": row["title"], "aliases": tuple(a for a in aliases if a), "hosts": hosts})
    return brands


def registrable(host: str) -> str:
    split = split_host(host)
    return split.registrable if split is not None else host


def own_label(host: str) -> str:
    """The registrable label, normalised: a host whose label *is* a registered mark is that mark's own."""
    split = split_host(host)
    return normalise(split.labels[0].text).replace(" ", "") if split is not None else host


def family(title: str) -> str:
    words = normalise(title).split()
    return words[0] if words else title


def load_wdc_hosts() -> list[str]:
    hosts = set()
    for path in sorted(WDC_PAVE.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                url = json.loads(line).get("url")
                if url and (host := split_host(url)) is not None:
                    hosts.add(host.name)
    return sorted(hosts)


def report_recall(matcher: DomainMatcher, pairs: list[tuple[str, str]], target_ids: dict[str, str],
                  marks: dict[str, MarkSpec], examples: int) -> None:
    labelled = [(h, t) for h, t in pairs if visible(h, joined_forms(marks[target_ids[t]]))]
    print(f"PhishTank: {len(pairs)} distinct (host, target) pairs with a named target; "
          f"{len(labelled)} show the target's mark in the host (labelled)")
    started = time.perf_counter()
    found = {pair: target_ids[pair[1]] in {m.mark_id for m in matcher.match(pair[0])} for pair in labelled}
    elapsed = time.perf_counter() - started
    print(f"  matched {len(labelled)} hosts in {elapsed:.2f} s ({len(labelled) / elapsed:.0f} hosts/s)")
    for side in ("dev", "test"):
        chosen = [p for p in labelled if half(p[0]) == side]
        hit = sum(found[p] for p in chosen)
        print(f"  recall {side}: {hit}/{len(chosen)} = {hit / max(1, len(chosen)):.3f}")
    per_target: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pair, ok in found.items():
        per_target[pair[1]][0] += ok
        per_target[pair[1]][1] += 1
    print("  per target (found/labelled, dev+test): " + ", ".join(
        f"{t} {ok}/{n}" for t, (ok, n) in sorted(per_target.items(), key=lambda item: -item[1][1])))
    loose = [(h, t) for h, t in pairs if (h, t) not in found and visible(h, joined_forms(marks[target_ids[t]]),
                                                                        known_typos=True)]
    extra = sum(target_ids[t] in {m.mark_id for m in matcher.match(h)} for h, t in loose)
    print(f"  counting typos that are words of their own ('lloyd' for LLOYDS) too: {len(loose)} more labelled "
          f"hosts, {extra} found; recall {(sum(found.values()) + extra) / max(1, len(found) + len(loose)):.3f}")
    misses = [p for p, ok in found.items() if not ok]
    print(f"  misses ({len(misses)}; {min(examples, len(misses))} shown):")
    for host, target in misses[:examples]:
        print(f"    {host}  [{target}: {', '.join(joined_forms(marks[target_ids[target]]))}]")


def report_false_positives(name: str, matcher: DomainMatcher, hosts: list[str], marks: dict[str, MarkSpec],
                           examples: int) -> Counter[str]:
    """Share of ``hosts`` with any match, dev and test; returns the false positives per side."""
    totals: Counter[str] = Counter()
    shown: list[str] = []
    for host in hosts:
        side = half(host)
        totals[side] += 1
        matches = matcher.match(host)
        if matches:
            totals[side + "_fp"] += 1
            shown.append(f"    {host}: " + "; ".join(f"{marks[m.mark_id].text} ({m.reasons[0]})" for m in matches[:2]))
    for side in ("dev", "test"):
        print(f"  {name} false positives {side}: {totals[side + '_fp']}/{totals[side]} = "
              f"{totals[side + '_fp'] / max(1, totals[side]):.2%}")
    print(f"  {name} false positives ({len(shown)}; {min(examples, len(shown))} shown):")
    for line in shown[:examples]:
        print(line)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=20, help="misses and false positives to print")
    args = parser.parse_args()

    pairs = load_phishtank()
    target_marks = {f"pt:{target}": MarkSpec(f"pt:{target}", text, aliases=aliases)
                    for target, (text, aliases) in TARGETS.items()}
    target_ids = {target: f"pt:{target}" for target in TARGETS}
    missing = {t for _, t in pairs} - set(TARGETS)
    if missing:
        raise SystemExit(f"PhishTank targets without a mark in TARGETS: {sorted(missing)}")
    target_forms = {f for mark in target_marks.values() for f in joined_forms(mark)}
    target_families = {family(mark.text) for mark in target_marks.values()}

    brands = load_simple_icons()
    si_marks: list[MarkSpec] = []
    folds: dict[str, int] = {}
    for number, brand in enumerate(brands):
        mark = MarkSpec(f"si:{number}", str(brand["title"]), aliases=tuple(brand["aliases"]))  # type: ignore[arg-type]
        if set(joined_forms(mark)) & target_forms:
            continue  # the PhishTank target's own mark is registered already
        si_marks.append(mark)
        fam = family(mark.text)
        forced = fam in target_families
        folds[mark.id] = -1 if forced else hashlib.sha256(fam.encode()).digest()[0] % 2
    hosts_of = {f"si:{n}": brand["hosts"] for n, brand in enumerate(brands)}
    print(f"register: {len(target_marks)} PhishTank target marks + Simple Icons brands "
          f"({len(si_marks)}: {sum(f == -1 for f in folds.values())} of the targets' families, always registered; "
          f"{sum(f == 0 for f in folds.values())} in fold 0, {sum(f == 1 for f in folds.values())} in fold 1)")

    all_marks = {**target_marks, **{m.id: m for m in si_marks}}
    totals: Counter[str] = Counter()
    for held_out in (1, 0):
        registered = [m for m in si_marks if folds[m.id] != held_out]
        started = time.perf_counter()
        matcher = DomainMatcher([*target_marks.values(), *registered])
        print(f"\nfold: register = targets + {len(registered)} Simple Icons marks "
              f"(built in {time.perf_counter() - started:.2f} s); negatives = the other fold's official hosts")
        if held_out == 1:
            report_recall(matcher, pairs, target_ids, all_marks, args.examples)
        used_by_registered = {registrable(h) for m in registered for h in hosts_of[m.id]}
        registered_forms = {f for m in [*target_marks.values(), *registered] for f in joined_forms(m)}
        genuine = sorted(h for h in {h for m in si_marks if folds[m.id] == held_out for h in hosts_of[m.id]}
                         if registrable(h) not in used_by_registered and own_label(h) not in registered_forms)
        totals += report_false_positives("Simple Icons hosts", matcher, genuine, all_marks, args.examples)

    print("\nSimple Icons hosts, both folds: " + ", ".join(
        f"{side} {totals[side + '_fp']}/{totals[side]} = {totals[side + '_fp'] / max(1, totals[side]):.2%}"
        for side in ("dev", "test")))
    matcher = DomainMatcher([*target_marks.values(), *si_marks])
    print(f"\nWDC-PAVE shop hosts against targets + all {len(si_marks)} Simple Icons marks:")
    report_false_positives("WDC-PAVE hosts", matcher, load_wdc_hosts(), all_marks, args.examples)


if __name__ == "__main__":
    main()
