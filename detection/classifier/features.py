"""Features of one (listing, mark, match) candidate, as a flat JSON-safe dict.

Detection stores this dict on the hit (``Hit.features``). Together with the listing fields the hit
keeps in columns (title, marketplace, seller id, price, currency) it is everything the classifier
needs, so a model can be trained from hit rows alone, without Elasticsearch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from detection.classifier.vocabulary import Vocabulary, load_vocabulary
from shared_db.imagehash import best_match

FEATURE_SCHEMA = 1
DESCRIPTION_CHARS = 300
OBFUSCATED_KINDS = frozenset({"homoglyph", "leet", "spacing", "transliteration", "phonetic"})


@dataclass(frozen=True)
class SellerRecord:
    """What the hits table knows about a seller before this candidate."""

    hits: int = 0
    confirmed: int = 0
    dismissed: int = 0
    first_seen: datetime | None = None


def to_usd(amount: Any, currency: str | None, fx_rates: Mapping[str, Any]) -> float | None:
    """``amount`` in USD using the configured rates; None when missing, not positive or unknown currency."""
    if amount is None or currency is None:
        return None
    try:
        value = float(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        return None
    rate = fx_rates.get(currency.upper())
    if rate is None or not math.isfinite(value) or value <= 0:
        return None
    return value * float(rate)


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def category_compatible(listing_category: str | None, mark_categories: list[str] | None) -> bool | None:
    """True when the listing's category overlaps one of the mark's; None when either is unknown."""
    if not listing_category or not mark_categories:
        return None
    listing = listing_category.casefold()
    listing_words = set(listing.replace("-", " ").replace("&", " ").split())
    for category in mark_categories:
        wanted = category.casefold()
        if wanted in listing or listing in wanted or listing_words & set(wanted.replace("-", " ").split()):
            return True
    return False


def _price_features(listing: Mapping[str, Any], mark: Mapping[str, Any],
                    fx_rates: Mapping[str, Any]) -> dict[str, Any]:
    reference_currency = mark.get("currency") or listing.get("currency") or "USD"
    # A listing without a currency is taken to be in the mark's currency (same market).
    listing_currency = listing.get("currency") or reference_currency
    price_usd = to_usd(listing.get("price"), listing_currency, fx_rates)
    reference_usd = to_usd(mark.get("reference_price"), reference_currency, fx_rates)
    ratio = price_usd / reference_usd if price_usd is not None and reference_usd else None
    return {"price_usd": price_usd, "reference_price_usd": reference_usd,
            "price_ratio": None if ratio is None else round(ratio, 6)}


def _seller_features(listing: Mapping[str, Any], mark: Mapping[str, Any],
                     seller: SellerRecord | None) -> dict[str, Any]:
    authorised = [s.casefold() for s in mark.get("authorised_sellers") or []]
    ids = {str(v).casefold() for v in (listing.get("seller_id"), listing.get("seller_name")) if v}
    seller = seller or SellerRecord()
    seen_at = _parse_time(listing.get("crawled_at")) or datetime.now(UTC)
    age = (seen_at - seller.first_seen).total_seconds() / 86400 if seller.first_seen else None
    return {
        "seller_authorised": bool(ids & set(authorised)) if authorised and ids else None,
        "seller_hits": seller.hits, "seller_confirmed": seller.confirmed, "seller_dismissed": seller.dismissed,
        "seller_age_days": None if age is None else round(max(age, 0.0), 3),
    }


def _image_features(listing: Mapping[str, Any], mark: Mapping[str, Any]) -> dict[str, Any]:
    """Best pHash similarity of the listing's images to the mark's reference photos (None: nothing to compare)."""
    references = mark.get("reference_hashes") or []
    match = best_match(listing.get("image_hashes") or [], references)
    return {"image_reference": bool(references), "image_similarity": None if match is None else round(match[0], 4),
            "image_best_index": None if match is None else match[1],
            "image_other_sellers": listing.get("image_other_sellers"),
            "image_sha256": list(listing.get("image_sha256") or [])}


def extract_features(candidate: Mapping[str, Any], *, fx_rates: Mapping[str, Any],
                     seller: SellerRecord | None = None, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The stored features of one candidate (see the module docstring)."""
    listing, mark, match = candidate["listing"], candidate["mark"], candidate["match"]
    vocabulary = vocabulary or load_vocabulary()
    description = str(listing.get("description") or "")[:DESCRIPTION_CHARS]
    terms = [[m.term, m.group, "title"] for m in vocabulary.find(listing.get("title"))]
    terms += [[m.term, m.group, "description"] for m in vocabulary.find(description)]
    features: dict[str, Any] = {
        "schema": FEATURE_SCHEMA,
        "mark_id": mark.get("id"), "mark_text": mark.get("text"),
        "match_score": float(match.get("score") or 0.0), "match_kind": str(match.get("kind") or "fuzzy"),
        "matched_text": match.get("matched_text"),
        "terms": terms,
        "vocab_copy": sum(t[1] == "copy" for t in terms),
        "vocab_lookalike": sum(t[1] == "lookalike" for t in terms),
        "vocab_grey": sum(t[1] == "grey" for t in terms),
        "vocab_title": sum(t[2] == "title" for t in terms),
        "category": listing.get("category"),
        "category_compatible": category_compatible(listing.get("category"), mark.get("categories")),
        "n_images": len(listing.get("images") or []),
        "language": listing.get("language"),
        "description": description,
    }
    features.update(_price_features(listing, mark, fx_rates))
    features.update(_seller_features(listing, mark, seller))
    features.update(_image_features(listing, mark))
    return features


def candidate_record(candidate: Mapping[str, Any], features: Mapping[str, Any]) -> dict[str, Any]:
    """What the classifier reads: the features plus the listing fields a hit keeps in columns."""
    listing = candidate["listing"]
    return {**features, "title": str(listing.get("title") or ""),
            "marketplace": str(listing.get("marketplace") or ""), "seller_id": listing.get("seller_id")}


def hit_record(hit: Any, *, fx_rates: Mapping[str, Any], mark: Any = None) -> dict[str, Any]:
    """The classifier's record for a stored hit (its ``features`` JSON plus its listing columns).

    Hits scored before features existed (empty JSON) are re-featurised from their columns and mark.
    """
    features = dict(hit.features or {})
    if features.get("schema") != FEATURE_SCHEMA:
        mark_fields = {} if mark is None else {
            "id": mark.id, "text": mark.text, "reference_price": mark.reference_price,
            "currency": mark.currency, "authorised_sellers": mark.authorised_sellers,
            "categories": mark.categories, "weight": mark.weight}
        candidate = {"listing": {"title": hit.listing_title, "price": hit.price, "currency": hit.currency,
                                 "seller_id": hit.seller_id, "seller_name": hit.seller_name,
                                 "marketplace": hit.marketplace},
                     "mark": mark_fields,
                     "match": {"score": hit.score, "kind": hit.kind, "matched_text": hit.matched_text}}
        features = extract_features(candidate, fx_rates=fx_rates)
    return {**features, "title": hit.listing_title or "", "marketplace": hit.marketplace or "",
            "seller_id": hit.seller_id}
