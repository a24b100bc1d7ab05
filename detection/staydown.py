"""Staydown: a new hit that brings back a listing removed after a notice is flagged, linked to that case, and
put on top of the queue with the reason.

Two kinds, both on the same mark and marketplace as the removed listing and first seen after its notice:

- a *re-listing* (the same item back) needs evidence about the item: an image within :data:`NEAR_BITS` bits of
  pHash of one of the removed listing's images, or a near-identical title (:data:`TITLE_SIMILARITY`), or the same
  seller with a similar title (:data:`SELLER_TITLE_SIMILARITY`) or with a price within :data:`PRICE_TOLERANCE`
  and a title at least :data:`SELLER_PRICED_TITLE` alike;
- a *repeat infringer* is the same seller with another item (no item evidence).

Titles are compared by rapidfuzz ``token_sort_ratio`` over lower-cased words (word order and punctuation ignored,
extra words count against). Two titles
that both name model numbers (words of letters and digits, or of three digits or more) and share none name
different items, however alike the rest reads ("rp-djs400-g 耳机" and "rp-hje180-r 耳机").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.imagehash import hamming
from shared_db.messages import enforcement as why
from shared_db.models import Hit, HitStatus, RelistingKind
from shared_db.repo.cases import removed_listings
from shared_db.repo.hits import staydown_boost

NEAR_BITS = 6
TITLE_SIMILARITY = 92.0
SELLER_TITLE_SIMILARITY = 80.0
SELLER_PRICED_TITLE = 60.0
PRICE_TOLERANCE = 0.10

Images = Callable[[str], list[str]]
_WORD = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*")


@dataclass(frozen=True)
class Staydown:
    """What a new hit is to a removed listing: its kind (:class:`RelistingKind`) and the stored reason."""

    kind: str
    reason: str


def _seller(hit: Hit) -> str | None:
    return hit.seller_id or hit.seller_name or None


def model_numbers(title: str) -> set[str]:
    """The words of ``title`` that read as model numbers: letters with digits, or three digits or more."""
    found = set()
    for word in _WORD.findall(title.casefold()):
        digits = sum(ch.isdigit() for ch in word)
        if digits >= 3 or (digits and any(ch.isascii() and ch.isalpha() for ch in word)):
            found.add(word)
    return found


def _other_model(new: str, old: str) -> bool:
    a, b = model_numbers(new), model_numbers(old)
    return bool(a and b and not a & b)


def _price_close(new: Hit, old: Hit) -> bool:
    if new.price is None or old.price is None or (new.currency or "") != (old.currency or "") or not old.price:
        return False
    return abs(Decimal(new.price) - Decimal(old.price)) <= abs(Decimal(old.price)) * Decimal(str(PRICE_TOLERANCE))


def staydown_of(new: Hit, old: Hit, new_images: list[str], old_images: list[str], *, case_id: int) -> Staydown | None:
    """Whether ``new`` re-lists the removed ``old`` or is its seller's other item (None: neither)."""
    if new.mark_id != old.mark_id or new.marketplace != old.marketplace or new.listing_id == old.listing_id:
        return None
    seller = _seller(new)
    same_seller = seller is not None and seller == _seller(old)
    evidence = [why.SAME_SELLER(seller=seller)] if same_seller else []
    item = []
    bits = min((hamming(a, b) for a in new_images for b in old_images), default=None)
    if bits is not None and bits <= NEAR_BITS:
        item.append(why.SAME_IMAGE() if bits == 0 else why.NEAR_IMAGE(bits=bits))
    similarity = fuzz.token_sort_ratio(new.listing_title, old.listing_title, processor=utils.default_process)
    if _other_model(new.listing_title, old.listing_title):
        similarity = 0.0  # another model number: another item, whatever the rest of the title says
    priced = same_seller and _price_close(new, old) and similarity >= SELLER_PRICED_TITLE
    if similarity >= TITLE_SIMILARITY or (same_seller and (similarity >= SELLER_TITLE_SIMILARITY or priced)):
        item.append(why.TITLE_LIKE(similarity=f"{similarity:.0f}"))
    if priced:
        item.append(why.PRICE_LIKE(percent=f"{PRICE_TOLERANCE * 100:.0f}"))
    listing = old.listing_url or old.listing_id
    if item:
        return Staydown(RelistingKind.RELISTING.value,
                        why.RELISTING(listing=listing, case=case_id, evidence=", ".join(evidence + item)))
    if same_seller:
        return Staydown(RelistingKind.REPEAT_INFRINGER.value, why.REPEAT_INFRINGER(
            seller=seller, listing=listing, case=case_id, evidence=why.TITLE_LIKE(similarity=f"{similarity:.0f}")))
    return None


def flag_relistings(*, session: Session, images: Images, since: datetime | None = None) -> list[int]:
    """Flag the open hits (created since ``since``) that re-list a removed listing or come from the seller of
    one; a re-listing wins over a repeat infringer, the latest case over earlier ones. Returns their ids."""
    query = select(Hit).where(Hit.status == HitStatus.NEW.value, Hit.relisting_of_case_id.is_(None))
    if since is not None:
        query = query.where(Hit.created_at >= since)
    candidates = list(session.scalars(query))
    removed_by_market: dict[str, list[Any]] = {}
    flagged = []
    for hit in candidates:
        if hit.marketplace not in removed_by_market:
            removed_by_market[hit.marketplace] = sorted(
                removed_listings(session=session, marketplace=hit.marketplace), key=lambda x: x.id, reverse=True)
        found = _best(hit, removed_by_market[hit.marketplace], images)
        if found is not None:
            staydown, case_id = found
            hit.relisting_of_case_id = case_id
            hit.relisting_kind = staydown.kind
            hit.relisting_reason = staydown.reason[:2000]
            hit.priority = (hit.priority or 0.0) + staydown_boost(staydown.kind)
            flagged.append(hit.id)
    session.flush()
    return flagged


def _best(hit: Hit, removed: list[Any], images: Images) -> tuple[Staydown, int] | None:
    if not removed:
        return None
    new_images = images(hit.listing_id)
    repeat = None
    for item in removed:
        sent = item.case.notice_sent_at
        if sent is not None and _aware(hit.first_seen_at) < _aware(sent):
            continue  # online before the notice: a listing of its own, not one that came back
        found = staydown_of(hit, item.hit, new_images, images(item.hit.listing_id), case_id=item.case_id)
        if found is None:
            continue
        if found.kind == RelistingKind.RELISTING.value:
            return found, item.case_id
        repeat = repeat or (found, item.case_id)
    return repeat


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def es_images(index: Any) -> Images:
    """pHashes of a listing document's images, read from Elasticsearch (cached per listing)."""
    cache: dict[str, list[str]] = {}

    def images(doc_id: str) -> list[str]:
        if doc_id not in cache:
            doc = index.get_by_doc_id(doc_id) or {}
            cache[doc_id] = [h for h in doc.get("image_hashes") or [] if isinstance(h, str)]
        return cache[doc_id]

    return images
