"""Search over the collected listings in Elasticsearch: full-text and fuzzy, with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import NotFoundError, TransportError

from shared_db.es.client import IndexUnavailable, make_client
from shared_db.settings import Settings

PAGE = 25


@dataclass
class ListingQuery:
    """What a user searches for; every field optional."""

    q: str = ""
    fuzzy: bool = False
    marketplace: str | None = None
    seller: str | None = None
    price_min: float | None = None
    price_max: float | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    def is_empty(self) -> bool:
        return not (self.q or self.marketplace or self.seller or self.price_min is not None
                    or self.price_max is not None or self.date_from or self.date_to)


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _price(value: Any) -> Decimal | None:
    """A finite price, or None for a missing or unusable one (the index keeps whatever the page said)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return price if price.is_finite() else None


def _iso_day(value: Any) -> str:
    """``YYYY-MM-DD`` of an ISO timestamp; empty for anything else (epoch numbers, junk)."""
    if not isinstance(value, str):
        return ""
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return ""


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One search result as the page shows it: every field but the id may be missing from the document."""

    id: str
    title: str
    description: str
    marketplace: str
    seller: str
    url: str | None
    price: Decimal | None
    currency: str | None
    crawled_on: str

    @classmethod
    def of(cls, doc: dict[str, Any]) -> ListingRow:
        return cls(id=_text(doc.get("_id")), title=_text(doc.get("title")) or _text(doc.get("_id")),
                   description=_text(doc.get("description"))[:200], marketplace=_text(doc.get("marketplace")),
                   seller=_text(doc.get("seller_name")) or _text(doc.get("seller_id")),
                   url=doc.get("url") if isinstance(doc.get("url"), str) else None, price=_price(doc.get("price")),
                   currency=_text(doc.get("currency"))[:3] or None, crawled_on=_iso_day(doc.get("crawled_at")))


def build_query(query: ListingQuery) -> dict[str, Any]:
    """The Elasticsearch request body (fields per shared_db.es.listings.MAPPINGS)."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if query.q:
        match: dict[str, Any] = {"query": query.q, "fields": ["title^3", "title.edge^2", "description", "brand"]}
        if query.fuzzy:
            match.update(fuzziness="AUTO", prefix_length=1)
        must.append({"multi_match": match})
        if query.fuzzy:
            must = [{"bool": {"should": [must[0], {"match": {"title.ngram": query.q}}], "minimum_should_match": 1}}]
    if query.marketplace:
        filters.append({"term": {"marketplace": query.marketplace}})
    if query.seller:
        filters.append({"bool": {"should": [{"term": {"seller_id": query.seller}},
                                            {"term": {"seller_name.raw": query.seller}}],
                                 "minimum_should_match": 1}})
    price: dict[str, float] = {}
    if query.price_min is not None:
        price["gte"] = query.price_min
    if query.price_max is not None:
        price["lte"] = query.price_max
    if price:
        filters.append({"range": {"price": price}})
    dates: dict[str, str] = {}
    if query.date_from:
        dates["gte"] = query.date_from.isoformat()
    if query.date_to:
        dates["lte"] = query.date_to.isoformat() + "T23:59:59"
    if dates:
        filters.append({"range": {"crawled_at": dates}})
    return {
        "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
        "from": (max(query.page, 1) - 1) * PAGE, "size": PAGE, "track_total_hits": True,
    }


def search_listings(settings: Settings, query: ListingQuery) -> tuple[int, list[dict[str, Any]]]:
    """(total, listings) for ``query``; raises IndexUnavailable when Elasticsearch cannot answer."""
    client = make_client(settings, timeout=5, retries=0)
    try:
        result = client.search(index=settings.listings_alias, body=build_query(query))
    except NotFoundError:
        return 0, []  # nothing crawled yet: the index does not exist
    except (EsConnectionError, TransportError) as exc:
        raise IndexUnavailable(f"listing search is unavailable ({type(exc).__name__})") from exc
    hits = result["hits"]
    total = hits["total"]["value"] if isinstance(hits["total"], dict) else int(hits["total"])
    return total, [{"_id": h["_id"], **h["_source"]} for h in hits["hits"]]
