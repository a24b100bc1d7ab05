"""The demo's rights database: registered marks of real brands found in the offers data.

Each mark carries its Chinese mark and pinyin transliteration as aliases, its Nice classes, a
reference price (the median price of the brand's offers in the data, computed by the catalogue)
and its authorised sellers (seller ids of the demo marketplace). The demo's injected
infringements target exactly these marks.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

MARKS_CSV_COLUMNS = (
    "mark", "owner", "aliases", "classes", "jurisdictions", "registration_number", "office",
    "reference_price", "currency", "authorised_sellers",
)


@dataclass(frozen=True)
class DemoMark:
    """One registered word mark of the demo (``brand`` is the lowercase brand in the offers data)."""

    mark: str
    brand: str
    owner: str
    chinese: str
    pinyin: str
    registration_number: str
    office: str = "CNIPA"
    classes: tuple[int, ...] = (9,)
    jurisdictions: tuple[str, ...] = ("CN", "US", "EU")
    official_seller: str = ""
    resellers: tuple[str, ...] = field(default=("megamart",))

    @property
    def authorised_sellers(self) -> tuple[str, ...]:
        return (self.official_seller, *self.resellers) if self.official_seller else self.resellers


DEMO_MARKS: tuple[DemoMark, ...] = (
    DemoMark("SONY", "sony", "Sony Group Corporation", "索尼", "suoni", "G1234567",
             official_seller="sony-official", resellers=("megamart", "tmall-digital")),
    DemoMark("CANON", "canon", "Canon Inc.", "佳能", "jianeng", "G2234567",
             official_seller="canon-official"),
    DemoMark("LOGITECH", "logitech", "Logitech International S.A.", "罗技", "luoji", "G3234567",
             official_seller="logitech-official", resellers=("megamart", "elektro-haus")),
    DemoMark("SAMSUNG", "samsung", "Samsung Electronics Co., Ltd.", "三星", "sanxing", "G4234567",
             classes=(9, 11), official_seller="samsung-official", resellers=("megamart", "tmall-digital")),
    DemoMark("HP", "hp", "HP Inc.", "惠普", "huipu", "G5234567", classes=(2, 9, 16),
             official_seller="hp-official"),
    DemoMark("APPLE", "apple", "Apple Inc.", "苹果", "pingguo", "G6234567",
             official_seller="apple-official", resellers=()),
    DemoMark("PANASONIC", "panasonic", "Panasonic Holdings Corporation", "松下", "songxia", "G7234567",
             classes=(7, 9, 11), official_seller="panasonic-official", resellers=("megamart", "elektro-haus")),
    DemoMark("EPSON", "epson", "Seiko Epson Corporation", "爱普生", "aipusheng", "G8234567",
             classes=(2, 9), official_seller="epson-official"),
)

MARKS_BY_BRAND = {m.brand: m for m in DEMO_MARKS}


def write_marks_csv(path: Path, reference_prices: dict[str, Decimal] | None = None,
                    *, marks: tuple[DemoMark, ...] = DEMO_MARKS) -> Path:
    """Write the demo marks in the marks CSV import format (lists separated by ``;``).

    ``reference_prices`` maps brand → USD price; without it the brand medians of the offers data
    are computed (needs the shared data, see :func:`markwatch.demo_market.catalogue.shared_data_dir`).
    """
    if reference_prices is None:
        from markwatch.demo_market.catalogue import brand_reference_prices, load_offers

        reference_prices = brand_reference_prices(load_offers())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MARKS_CSV_COLUMNS)
        for mark in marks:
            price = reference_prices.get(mark.brand)
            writer.writerow([
                mark.mark, mark.owner, ";".join((mark.chinese, mark.pinyin)),
                ";".join(str(c) for c in mark.classes), ";".join(mark.jurisdictions),
                mark.registration_number, mark.office, "" if price is None else f"{price:.2f}", "USD",
                ";".join(mark.authorised_sellers),
            ])
    return path
