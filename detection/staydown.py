"""Staydown: a new hit that re-lists a listing removed after a notice is flagged, linked to that case, and put on
top of the queue with the reason.

A re-listing is a new hit on the same mark and marketplace as a removed listing with the same seller, or an
image within :data:`NEAR_BITS` bits of pHash of one of the removed listing's images, or a near-identical title
(rapidfuzz ``token_set_ratio`` at least :data:`TITLE_SIMILARITY`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.imagehash import hamming
from shared_db.models import Hit, HitStatus
from shared_db.repo.cases import removed_listings
from shared_db.repo.hits import RELISTING_BOOST

NEAR_BITS = 6
TITLE_SIMILARITY = 92.0

Images = Callable[[str], list[str]]


def relisting_reason(new: Hit, old: Hit, new_images: list[str], old_images: list[str]) -> str | None:
    """Why ``new`` re-lists the removed ``old`` (None when it does not)."""
    if new.mark_id != old.mark_id or new.marketplace != old.marketplace or new.listing_id == old.listing_id:
        return None
    reasons = []
    seller = new.seller_id or new.seller_name
    if seller and seller == (old.seller_id or old.seller_name):
        reasons.append(f"same seller {seller}")
    bits = min((hamming(a, b) for a in new_images for b in old_images), default=None)
    if bits is not None and bits <= NEAR_BITS:
        reasons.append("same image" if bits == 0 else f"same image ({bits} of 64 pHash bits differ)")
    similarity = fuzz.token_set_ratio(new.listing_title.casefold(), old.listing_title.casefold())
    if similarity >= TITLE_SIMILARITY:
        reasons.append(f"title {similarity:.0f}% like the removed one")
    if not reasons:
        return None
    return f"re-listing of {old.listing_url or old.listing_id}, removed after case {{case}}: " + "; ".join(reasons)


def flag_relistings(*, session: Session, images: Images, since: datetime | None = None) -> list[int]:
    """Flag the open hits (created since ``since``) that re-list a removed listing; returns their ids."""
    query = select(Hit).where(Hit.status == HitStatus.NEW.value, Hit.relisting_of_case_id.is_(None))
    if since is not None:
        query = query.where(Hit.created_at >= since)
    candidates = list(session.scalars(query))
    removed_by_market: dict[str, list[Any]] = {}
    flagged = []
    for hit in candidates:
        if hit.marketplace not in removed_by_market:
            removed_by_market[hit.marketplace] = removed_listings(session=session, marketplace=hit.marketplace)
        removed = removed_by_market[hit.marketplace]
        if not removed:
            continue
        new_images = images(hit.listing_id)
        for item in sorted(removed, key=lambda x: x.id, reverse=True):
            sent = item.case.notice_sent_at
            if sent is not None and _aware(hit.first_seen_at) < _aware(sent):
                continue  # online before the notice: a listing of its own, not one that came back
            reason = relisting_reason(hit, item.hit, new_images, images(item.hit.listing_id))
            if reason is not None:
                hit.relisting_of_case_id = item.case_id
                hit.relisting_reason = reason.replace("{case}", str(item.case_id))[:2000]
                hit.priority = (hit.priority or 0.0) + RELISTING_BOOST
                flagged.append(hit.id)
                break
    session.flush()
    return flagged


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
