"""Synthetic-but-realistic labelled candidates derived from real product offers (tests, benchmarks).

Source: ``shared/data/product_offers_walmart_amazon`` (real Walmart and Amazon offers, CC-BY 4.0).
How the cases are made, from ``random.Random(seed)`` (and a second generator for images):

* Marks are the ``n_marks`` brands with the most priced offers; a mark's reference price is the
  median price of its brand's offers, its categories the brand's three commonest categories, and
  its authorised sellers ``<brand>-official``, ``walmart`` and ``amazon``.
* A case picks a real offer of a mark's brand and a time (cases are in time order) and is
  counterfeit with probability ``counterfeit_rate``.
* Genuine listings keep the real title and sell at 75–115% of the real price (10% "clearance" at
  40–60%), from an authorised seller (30%) or one of 400 legitimate resellers; 8% are third-party
  accessories ("compatible with <brand> ...", 15–40% of reference, reseller): hard negatives.
* Counterfeits inject a counterfeit term (55%; English or, 20% of those, Chinese) into the real
  title, obfuscate the brand (30%: leetspeak, homoglyph or spacing, match score 80–93), sell at
  8–50% of reference (75%) else 60–100%, mostly from one of 60 counterfeit sellers, 25% priced in CNY.
* Images: three marks in four have two reference photos (pHashes drawn from the brand name).
  A listing's 0–4 images are unrelated photos (random hashes) except that the main image is a
  copy of a reference photo, 0–6 bits changed (resized or recompressed), for 60% of
  counterfeits, 80% of the official store's listings and 25% of resellers' (they reuse official
  photos too). Image choices come from their own ``random.Random``, so the other draws are the
  same as without images.
* Seller history is replayed in time order (earlier hits and verdicts of the same seller), and
  3% of labels are flipped (reviewer noise).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from detection.classifier.features import SellerRecord

OFFER_FILES = ("tableA.csv", "tableB.csv")
EN_TERMS = ("replica", "1:1", "AAA", "mirror quality", "inspired by", "dupe", "OEM", "super clone",
            "knockoff", "high copy", "unbranded", "look alike")
ZH_TERMS = ("高仿", "复刻", "原单", "精仿", "A货", "1比1", "莆田", "高仿 複刻")
LEET = str.maketrans({"o": "0", "i": "1", "e": "3", "a": "4", "s": "5"})
HOMOGLYPH = str.maketrans({"o": "ο", "a": "а", "e": "е", "c": "с", "p": "р"})  # Greek/Cyrillic


@dataclass(frozen=True)
class Offer:
    title: str
    category: str
    brand: str
    price: float


@dataclass
class Case:
    """One labelled candidate, its (replayed) decision time and the listing id the hit would get."""

    candidate: dict[str, Any]
    infringing: bool
    decided_at: datetime
    listing_id: str


def load_offers(directory: Path) -> list[Offer]:
    """Offers with a brand and a positive price from both tables."""
    offers = []
    for name in OFFER_FILES:
        with open(Path(directory) / name, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                try:
                    price = float(row["price"])
                except (TypeError, ValueError):
                    continue
                if row["brand"].strip() and price > 0:
                    offers.append(Offer(row["title"].strip(), row["category"].strip(), row["brand"].strip(), price))
    return offers


def make_marks(offers: list[Offer], n_marks: int = 40) -> list[dict[str, Any]]:
    """Candidate marks (as detection passes them) for the brands with the most offers."""
    by_brand: dict[str, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_brand[offer.brand.casefold()].append(offer)
    brands = sorted(by_brand, key=lambda b: (-len(by_brand[b]), b))[:n_marks]
    marks = []
    for i, brand in enumerate(brands, 1):
        items = by_brand[brand]
        categories = [c for c, _n in Counter(o.category for o in items).most_common(3)]
        references = [_photo_hash(f"{brand}-official-{k}") for k in range(2)] if i % 4 else []
        marks.append({"id": i, "text": brand.upper(), "reference_price": round(statistics.median(o.price for o in items), 2),
                      "currency": "USD", "authorised_sellers": [f"{brand}-official", "walmart", "amazon"],
                      "classes": [9], "categories": categories, "weight": 1.0 + (i % 3) * 0.5,
                      "reference_hashes": references, "_offers": items})
    return marks


def _photo_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def _image_hashes(count: int, references: list[str], copy_rate: float, rng: random.Random) -> list[str]:
    """``count`` unrelated image hashes, the first a lightly altered reference photo with ``copy_rate``."""
    hashes = [f"{rng.getrandbits(64):016x}" for _ in range(count)]
    if hashes and references and rng.random() < copy_rate:
        copied = int(rng.choice(references), 16)
        for bit in rng.sample(range(64), rng.randint(0, 6)):
            copied ^= 1 << bit
        hashes[0] = f"{copied:016x}"
    return hashes


def _inject(title: str, term: str, rng: random.Random) -> str:
    words = title.split()
    words.insert(rng.randrange(len(words) + 1), term)
    return " ".join(words)


def _obfuscate(brand: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("leet", "homoglyph", "spacing"))
    if kind == "leet":
        variant = brand.translate(LEET)
    elif kind == "homoglyph":
        variant = brand.translate(HOMOGLYPH)
    else:
        variant = " ".join(brand)
    return (variant, kind) if variant != brand else (brand, "exact")


def generate_cases(offers: list[Offer], *, n: int, seed: int = 0, counterfeit_rate: float = 0.3,
                   n_marks: int = 40, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> list[Case]:
    """``n`` labelled candidates in time order (see the module docstring for how)."""
    rng, image_rng = random.Random(seed), random.Random(f"images-{seed}")
    marks = make_marks(offers, n_marks)
    resellers = [f"reseller-{i}" for i in range(400)]
    fakers = [f"shop-{i}" for i in range(60)]
    history: dict[str, list[Any]] = defaultdict(lambda: [0, 0, 0, None])
    cases = []
    for i in range(n):
        at = start + timedelta(minutes=7 * i + rng.randrange(5))
        mark = rng.choice(marks)
        offer = rng.choice(mark["_offers"])
        reference = mark["reference_price"]
        fake = rng.random() < counterfeit_rate
        title, kind, score, currency, category = offer.title, "exact", rng.uniform(95, 100), "USD", offer.category
        copy_rate = 0.6
        if fake:
            if rng.random() < 0.55:
                term = rng.choice(ZH_TERMS) if rng.random() < 0.2 else rng.choice(EN_TERMS)
                title = _inject(title, term, rng)
            if rng.random() < 0.3:
                variant, kind = _obfuscate(offer.brand, rng)
                title = title.replace(offer.brand, variant, 1)
                score = rng.uniform(80, 93)
            price = reference * (rng.uniform(0.08, 0.5) if rng.random() < 0.75 else rng.uniform(0.6, 1.0))
            seller = rng.choice(fakers) if rng.random() < 0.85 else rng.choice(resellers)
            if rng.random() < 0.25:
                currency = "CNY"
        elif rng.random() < 0.08:
            title = f"compatible with {offer.brand} {rng.choice(('charger', 'case', 'cable', 'battery pack'))}"
            price, seller, category, kind = reference * rng.uniform(0.15, 0.4), rng.choice(resellers), "accessories", "fuzzy"
            score, copy_rate = rng.uniform(82, 95), 0.0
        else:
            price = offer.price * (rng.uniform(0.4, 0.6) if rng.random() < 0.1 else rng.uniform(0.75, 1.15))
            seller = mark["authorised_sellers"][0] if rng.random() < 0.3 else rng.choice(resellers)
            copy_rate = 0.8 if seller == mark["authorised_sellers"][0] else 0.25
        if currency == "CNY":
            price = price / 0.14
        marketplace = "synthmart"
        stats = history[seller]
        listing_id = f"{marketplace}:{i}"
        n_images = rng.randint(0, 4)
        candidate = {
            "listing": {"listing_id": str(i), "marketplace": marketplace, "title": title,
                        "description": f"{offer.category} by {offer.brand}", "price": round(price, 2),
                        "currency": currency, "seller_id": seller, "seller_name": seller, "category": category,
                        "crawled_at": at.isoformat(), "images": [f"https://img.example/{i}.jpg"] * n_images,
                        "image_hashes": _image_hashes(n_images, mark["reference_hashes"], copy_rate, image_rng),
                        "language": "en"},
            "mark": {k: v for k, v in mark.items() if not k.startswith("_")},
            "match": {"score": round(score, 1), "kind": kind, "reasons": [], "span": [0, len(offer.brand)],
                      "matched_text": offer.brand if kind == "exact" else title.split()[0]},
            "seller": SellerRecord(stats[0], stats[1], stats[2], stats[3]),
        }
        label = fake if rng.random() >= 0.03 else not fake
        stats[0] += 1
        stats[1 if label else 2] += 1
        stats[3] = stats[3] or at
        cases.append(Case(candidate, label, at + timedelta(hours=rng.randint(1, 48)), listing_id))
    return cases


def write_ground_truth(cases: list[Case], path: Path) -> Path:
    """A ``ground_truth.jsonl`` shaped like the demo marketplace's."""
    with open(path, "w", encoding="utf-8") as fh:
        for case in cases:
            listing = case.candidate["listing"]
            fh.write(json.dumps({
                "listing_id": listing["listing_id"], "marketplace": listing["marketplace"],
                "url": f"http://127.0.0.1/{listing['listing_id']}", "title": listing["title"],
                "infringing": case.infringing, "kind": "counterfeit" if case.infringing else "genuine",
                "brand": case.candidate["mark"]["text"], "mark": case.candidate["mark"]["text"],
                "seller_id": listing["seller_id"]}, ensure_ascii=False) + "\n")
    return path


def iter_candidates(cases: list[Case]) -> Iterator[dict[str, Any]]:
    for case in cases:
        yield case.candidate
