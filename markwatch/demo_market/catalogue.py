"""The demo marketplace's catalogue, generated deterministically from the real Walmart–Amazon offers.

Rows with a brand and a price are shuffled with ``random.Random(seed)``; about a quarter of the
catalogue is drawn from the brands of :data:`~markwatch.demo_market.rights.DEMO_MARKS`. Listings of
those brands are genuine (sold by an authorised seller) or, for ~45 %, turned into one of the
infringement kinds in round-robin order (see :mod:`markwatch.demo_market.variants`). Listings of
Chinese sellers get a Chinese title. Prices are the offer's USD price converted at fixed rates.
"""

from __future__ import annotations

import csv
import os
import random
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import median

from markwatch.demo_market import variants
from markwatch.demo_market.rights import MARKS_BY_BRAND, DemoMark

OFFERS_DIR = "product_offers_walmart_amazon"
INFRINGEMENT_KINDS = (
    "typo", "omission", "insertion", "transposition", "homoglyph", "leet", "spacing",
    "transliteration", "counterfeit_vocab", "price", "unauthorised_seller",
)
HOSTILE_KINDS = ("truncated", "slow", "gbk", "error", "huge", "bomb", "redirect-private", "redirect-metadata")
HOSTILE_WITH_LISTING = {"truncated", "slow", "gbk"}


class SharedDataMissing(FileNotFoundError):
    """The real offers data is not where MARKWATCH_SHARED_DATA (or ../shared/data) points."""


@dataclass(frozen=True)
class Seller:
    seller_id: str
    name: str
    currency: str
    language: str
    official: bool = False
    contact: str | None = None  # shown on the seller's listings (the ring's accounts share one)


FX = {"USD": Decimal("1"), "EUR": Decimal("0.93"), "CNY": Decimal("7.20"), "PLN": Decimal("4.00"),
      "GBP": Decimal("0.79")}
GENERAL_SELLERS = (
    Seller("megamart", "MegaMart Electronics", "USD", "en"),
    Seller("elektro-haus", "Elektro Haus GmbH", "EUR", "de"),
    Seller("tmall-digital", "天猫数码旗舰店", "CNY", "zh"),
    Seller("bestdeals-outlet", "BestDeals Outlet", "USD", "en"),
    Seller("shenzhen-huaqiang", "深圳华强电子商行", "CNY", "zh"),
    Seller("polmarket", "PolMarket", "PLN", "pl"),
    Seller("britbuy", "BritBuy Ltd", "GBP", "en"),
)
# A counterfeiting ring: three accounts run together, listing the same photos (see images.photo_source).
RING_SELLERS = (
    Seller("gadget-outlet-hk", "Gadget Outlet HK", "USD", "en", contact="WhatsApp +852 5550 0188"),
    Seller("bestprice-store-88", "BestPrice Store 88", "USD", "en", contact="WhatsApp +852 5550 0188"),
    Seller("digital-zone-sz", "Digital Zone SZ", "USD", "en"),
)
RING_SHARE = 0.35
ZH_CATEGORY_WORDS = {
    "camera": "数码相机", "printer": "打印机", "ink": "墨盒", "mouse": "鼠标", "mice": "鼠标",
    "keyboard": "键盘", "headphone": "耳机", "laptop": "笔记本电脑", "tv": "电视配件", "memory": "内存",
    "cable": "数据线", "speaker": "音箱", "monitor": "显示器", "projector": "投影仪", "battery": "电池",
}


@dataclass
class Listing:
    """One product page of the demo marketplace and its ground truth."""

    listing_id: str
    title: str
    description: str
    brand: str | None
    price: Decimal
    currency: str
    seller_id: str
    category: str
    category_slug: str
    modelno: str
    gtin: str
    markup: str  # jsonld | microdata | plain
    language: str
    kind: str = "genuine"
    true_brand: str = ""
    mark: str | None = None
    availability: str = "InStock"
    hostile: str | None = None
    offer_price_usd: Decimal | None = None  # the real offer's price before any tampering

    @property
    def infringing(self) -> bool:
        return self.kind != "genuine"


@dataclass
class Catalogue:
    listings: list[Listing]
    sellers: dict[str, Seller]
    reference_prices: dict[str, Decimal]
    categories: dict[str, str] = field(default_factory=dict)  # slug → name
    by_id: dict[str, Listing] = field(default_factory=dict)
    by_category: dict[str, list[Listing]] = field(default_factory=dict)
    by_seller: dict[str, list[Listing]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for listing in self.listings:
            self.by_id[listing.listing_id] = listing
            if listing.hostile is None or listing.hostile in HOSTILE_WITH_LISTING:
                self.by_seller.setdefault(listing.seller_id, []).append(listing)
            self.categories.setdefault(listing.category_slug, listing.category)
            self.by_category.setdefault(listing.category_slug, []).append(listing)

    @property
    def products(self) -> list[Listing]:
        """Listings that are real product pages (hostile pages without a listing excluded)."""
        return [x for x in self.listings if x.hostile is None or x.hostile in HOSTILE_WITH_LISTING]


def shared_data_dir() -> Path:
    """``MARKWATCH_SHARED_DATA``, else ``../shared/data`` from the working directory (the checkout)."""
    env = os.environ.get("MARKWATCH_SHARED_DATA")
    if env:
        return Path(env)
    candidates = [Path.cwd().parent / "shared" / "data", Path.cwd() / "shared" / "data",
                  Path(__file__).resolve().parents[2].parent / "shared" / "data"]
    return next((path for path in candidates if path.is_dir()), candidates[0])


def load_offers(data_dir: Path | None = None) -> list[dict[str, str]]:
    """The offer rows (tableA then tableB) that have a brand and a positive price."""
    folder = (data_dir or shared_data_dir()) / OFFERS_DIR
    if not folder.exists():
        raise SharedDataMissing(f"{folder} not found: set MARKWATCH_SHARED_DATA to the shared data directory")
    rows = []
    for name in ("tableA.csv", "tableB.csv"):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                row["brand"] = row["brand"].strip().lower()
                try:
                    price = Decimal(row["price"])
                except ArithmeticError:
                    continue
                if row["brand"] and price > 0 and row["title"].strip():
                    row["source"] = f"{name[5]}{row['id']}"
                    rows.append(row)
    return rows


def brand_reference_prices(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    """Median USD offer price per marked brand."""
    prices: dict[str, list[Decimal]] = {}
    for row in rows:
        if row["brand"] in MARKS_BY_BRAND:
            prices.setdefault(row["brand"], []).append(Decimal(row["price"]))
    return {b: Decimal(median(p)).quantize(Decimal("0.01")) for b, p in prices.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def _gtin13(number: int) -> str:
    body = f"200{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _convert(usd: Decimal, currency: str) -> Decimal:
    return (usd * FX[currency]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _zh_title(row: dict[str, str], brand_text: str) -> str:
    words = [w for key, w in ZH_CATEGORY_WORDS.items() if key in row["category"] or key in row["title"]]
    return f"{brand_text} {row['modelno'] or ''} {words[0] if words else '电子产品'} 正品行货".replace("  ", " ")


def build_catalogue(*, seed: int = 7, size: int = 1000, data_dir: Path | None = None) -> Catalogue:
    """A deterministic catalogue of ``size`` product listings plus the hostile pages."""
    rows = load_offers(data_dir)
    rng = random.Random(seed)
    marked = [r for r in rows if r["brand"] in MARKS_BY_BRAND]
    other = [r for r in rows if r["brand"] not in MARKS_BY_BRAND]
    rng.shuffle(marked)
    rng.shuffle(other)
    n_marked = min(len(marked), max(1, size // 4))
    chosen = marked[:n_marked] + other[: size - n_marked]
    rng.shuffle(chosen)
    sellers = {s.seller_id: s for s in (*GENERAL_SELLERS, *RING_SELLERS)}
    for mark in MARKS_BY_BRAND.values():
        sellers[mark.official_seller] = Seller(mark.official_seller, f"{mark.mark.title()} Official Store",
                                               "USD", "en", official=True)
    reference = brand_reference_prices(rows)
    listings: list[Listing] = []
    kind_cycle = 0
    for index, row in enumerate(chosen):
        mark = MARKS_BY_BRAND.get(row["brand"])
        kind = "genuine"
        if mark is not None and rng.random() < 0.45:
            kind = INFRINGEMENT_KINDS[kind_cycle % len(INFRINGEMENT_KINDS)]
            kind_cycle += 1
        listings.append(_make_listing(index, row, mark, kind, rng, sellers))
    hostile_rows = other[size: size + len(HOSTILE_KINDS)] or other[: len(HOSTILE_KINDS)]
    for name, row in zip(HOSTILE_KINDS, hostile_rows, strict=False):
        listing = _make_listing(len(listings), row, None, "genuine", rng, sellers,
                                seller=sellers["tmall-digital" if name == "gbk" else "megamart"])
        listing.listing_id, listing.hostile, listing.markup = f"x-{name}", name, "jsonld"
        listings.append(listing)
    return Catalogue(listings=listings, sellers=sellers, reference_prices=reference)


def _make_listing(index: int, row: dict[str, str], mark: DemoMark | None, kind: str, rng: random.Random,
                  sellers: dict[str, Seller], seller: Seller | None = None) -> Listing:
    brand = row["brand"]
    if seller is None:
        if kind == "genuine" and mark is not None:
            seller = sellers[rng.choice(mark.authorised_sellers)]
        elif kind == "transliteration":
            seller = sellers["shenzhen-huaqiang"]
        elif mark is not None:
            seller = sellers[rng.choice(("bestdeals-outlet", "shenzhen-huaqiang", "polmarket", "britbuy"))]
            ring = random.Random(f"ring-{index}")  # its own draw: the catalogue's sequence stays as it was
            if ring.random() < RING_SHARE:
                seller = RING_SELLERS[index % len(RING_SELLERS)]
        else:
            seller = rng.choice(GENERAL_SELLERS)
    title, stated_brand = row["title"].strip(), brand
    usd = Decimal(row["price"])
    if kind in variants.LOOKALIKE_KINDS:
        kind, look = _lookalike(kind, brand, rng)
        title, stated_brand = variants.replace_brand(title, brand, look), look
    elif kind == "transliteration":
        stated_brand = rng.choice((mark.chinese, mark.pinyin)) if mark else brand
    elif kind == "counterfeit_vocab":
        term = rng.choice(variants.COUNTERFEIT_TERMS)
        title = f"{title} {term}" if rng.random() < 0.5 else f"{term} {title}"
    elif kind == "price":
        usd = (usd * Decimal(rng.choice(("0.05", "0.08", "0.1", "0.12")))).quantize(Decimal("0.01"))
    language = seller.language if seller.language in ("zh", "en") else "en"
    if language == "zh" or kind == "transliteration":
        language = "zh"
        shown = stated_brand if kind != "genuine" or mark is None else f"{mark.chinese} ({mark.mark})"
        title = _zh_title(row, shown)
        if kind == "counterfeit_vocab":
            title = f"高仿 {title}"
        description = f"{title}。品牌：{stated_brand}。型号：{row['modelno']}。"
    else:
        description = f"{title}. Brand: {stated_brand}. Model: {row['modelno']}. Category: {row['category']}."
        if kind == "counterfeit_vocab":
            description += " Same as original, 1:1 quality, comes without box."
    markup = ("jsonld",) * 12 + ("microdata",) * 5 + ("plain",) * 3
    return Listing(
        listing_id=f"p{index:06d}", title=title, description=description, brand=stated_brand,
        price=_convert(usd, seller.currency), currency=seller.currency, seller_id=seller.seller_id,
        category=row["category"] or "other", category_slug=_slug(row["category"]), modelno=row["modelno"],
        gtin=_gtin13(index), markup=markup[index % len(markup)], language=language, kind=kind,
        true_brand=brand, mark=mark.mark if mark is not None else None,
        availability="OutOfStock" if index % 17 == 0 else "InStock", offer_price_usd=Decimal(row["price"]),
    )


def _lookalike(kind: str, brand: str, rng: random.Random) -> tuple[str, str]:
    try:
        return kind, variants.lookalike(kind, brand, rng)
    except variants.VariantUnavailable:  # e.g. "hp" is too short to drop a letter: use a typo
        return "typo", variants.lookalike("typo", brand, rng)
