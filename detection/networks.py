"""Seller networks: seller accounts of one marketplace linked by what they share.

Two sellers with hits are linked when they list the same photo (equal pHash: ``image``) or a near copy
(within :data:`NEAR_BITS` bits: ``image_near``), give the same contact details (``contact``) or shop URL
(``shop_url``), or list near-identical titles (rapidfuzz ``ratio`` ≥ :data:`TITLE_SIMILARITY`, whole titles, not one inside another) at prices
within :data:`PRICE_TOLERANCE` of each other (``title_price``). Photos near a mark's registered reference
photo are left out: authorised resellers use the brand's own photos too. Near pHashes are found by bands
(16 bands of 4 bits: two hashes at most 15 bits apart share one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared_db.imagehash import hamming
from shared_db.models import Hit, HitStatus, MarkReferenceImage, SellerLink, utcnow

# Stricter than a copy of a reference photo (10 bits): across the demo's 1,503 listing photos, copies of one shot
# were 0-8 bits apart (most <= 4), while 1 pair of unrelated photos was 6 and 8 pairs 8 bits apart.
NEAR_BITS = 5
REFERENCE_BITS = 10
TITLE_SIMILARITY = 95.0
PRICE_TOLERANCE = 0.05
BANDS = 16  # one hex digit each: two hashes at most 15 bits apart share one


@dataclass
class SellerListings:
    """What one seller's listings show."""

    images: set[str] = field(default_factory=set)
    contacts: set[str] = field(default_factory=set)
    shop_urls: set[str] = field(default_factory=set)
    offers: list[tuple[str, float, str]] = field(default_factory=list)  # (title, price, currency)


def seller_of(doc: dict[str, Any]) -> str | None:
    value = doc.get("seller_id") or doc.get("seller_name")
    return str(value) if value else None


def collect(docs: Iterable[dict[str, Any]], sellers: set[tuple[str, str]],
            references: list[str]) -> dict[str, dict[str, SellerListings]]:
    """marketplace → seller → what their listings show, for the ``(marketplace, seller)`` pairs wanted."""
    out: dict[str, dict[str, SellerListings]] = defaultdict(dict)
    for doc in docs:
        seller, market = seller_of(doc), str(doc.get("marketplace") or "")
        if seller is None or (market, seller) not in sellers:
            continue
        entry = out[market].setdefault(seller, SellerListings())
        entry.images.update(h for h in doc.get("image_hashes") or []
                            if isinstance(h, str) and not any(hamming(h, r) <= REFERENCE_BITS for r in references))
        for key in ("seller_contact", "seller_email", "seller_phone"):
            if doc.get(key):
                entry.contacts.add(" ".join(str(doc[key]).split()).casefold())
        if doc.get("seller_url"):
            entry.shop_urls.add(str(doc["seller_url"]).split("#", 1)[0].rstrip("/").casefold())
        try:
            price = float(doc.get("price"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            price = 0.0
        if doc.get("title") and price > 0:
            entry.offers.append((" ".join(str(doc["title"]).split()).casefold(), price, str(doc.get("currency") or "")))
    return out


def _bands(phash: str) -> Iterator[tuple[int, str]]:
    return ((i, phash[i]) for i in range(min(BANDS, len(phash))))


def links(sellers: dict[str, SellerListings]) -> dict[tuple[str, str, str], str]:
    """(seller_a, seller_b, reason) → detail, with seller_a < seller_b."""
    found: dict[tuple[str, str, str], str] = {}

    def add(a: str, b: str, reason: str, detail: str) -> None:
        if a != b:
            first, second = sorted((a, b))
            found.setdefault((first, second, reason), detail)

    buckets: dict[tuple[int, str], set[tuple[str, str]]] = defaultdict(set)
    for seller, entry in sellers.items():
        for phash in entry.images:
            for band in _bands(phash):
                buckets[band].add((seller, phash))
    for members in buckets.values():
        for (sa, ha), (sb, hb) in combinations(sorted(members), 2):
            if sa != sb and (bits := hamming(ha, hb)) <= NEAR_BITS:
                add(sa, sb, "image" if bits == 0 else "image_near",
                    f"photo {ha}" if bits == 0 else f"photos {ha} and {hb}, {bits} of 64 bits apart")
    for attribute, reason in (("contacts", "contact"), ("shop_urls", "shop_url")):
        owners: dict[str, set[str]] = defaultdict(set)
        for seller, entry in sellers.items():
            for value in getattr(entry, attribute):
                owners[value].add(seller)
        for value, group in owners.items():
            for a, b in combinations(sorted(group), 2):
                add(a, b, reason, value)
    offers = sorted((price, currency, title, seller) for seller, entry in sellers.items()
                    for title, price, currency in entry.offers)
    for i, (price, currency, title, seller) in enumerate(offers):
        for other_price, other_currency, other_title, other in offers[i + 1:]:
            if other_price > price * (1 + PRICE_TOLERANCE):
                break
            if other != seller and other_currency == currency \
                    and fuzz.ratio(title, other_title) >= TITLE_SIMILARITY:
                add(seller, other, "title_price", f"{title[:120]!r} at {price:g} and {other_price:g} {currency}")
    return found


def suspect_sellers(*, session: Session) -> set[tuple[str, str]]:
    """(marketplace, seller) of every seller with a hit that no reviewer dismissed."""
    rows = session.execute(select(Hit.marketplace, Hit.seller_id, Hit.seller_name)
                           .where(Hit.status != HitStatus.DISMISSED.value).distinct())
    return {(m, s or n) for m, s, n in rows if s or n}


def link_sellers(*, session: Session, docs: Iterable[dict[str, Any]]) -> int:
    """Recompute every seller link from the listings ``docs``; returns how many links are stored."""
    references = list(session.scalars(select(MarkReferenceImage.phash)))
    wanted = suspect_sellers(session=session)
    collected = collect(docs, wanted, references)
    session.execute(delete(SellerLink))
    now = utcnow()
    count = 0
    for marketplace, sellers in collected.items():
        for (a, b, reason), detail in sorted(links(sellers).items()):
            session.add(SellerLink(marketplace=marketplace, seller_a=a[:200], seller_b=b[:200], reason=reason,
                                   detail=detail[:2000], computed_at=now))
            count += 1
    session.flush()
    return count
