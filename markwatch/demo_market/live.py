"""The marketplace's "live deals" section: pages whose listings are filled in by scripts from JSON.

``/live/`` lists the deals and ``/live/product/<id>`` shows one, but both are empty shells as served:
a script fetches ``/api/live/listings.json`` or ``/api/live/product/<id>.json`` and writes the
listings into the page (text only, never markup), as single-page shops do. A crawler that does not
run scripts finds no listing here; a ``render = true`` profile (``demo_market_live``) does.
"""

from __future__ import annotations

from typing import Any

from markwatch.demo_market.catalogue import Catalogue, Listing

LIVE_SIZE = 8


def live_listings(catalogue: Catalogue) -> list[Listing]:
    """The listings of the live section: the first ordinary (not hostile) ones of the catalogue."""
    return [x for x in catalogue.listings if x.hostile is None][:LIVE_SIZE]


def listings_json(catalogue: Catalogue) -> dict[str, Any]:
    return {"listings": [{"id": x.listing_id, "title": x.title, "url": f"/live/product/{x.listing_id}"}
                         for x in live_listings(catalogue)]}


def product_json(listing: Listing, catalogue: Catalogue, price_text: str) -> dict[str, Any]:
    seller = catalogue.sellers[listing.seller_id]
    return {"id": listing.listing_id, "title": listing.title, "brand": listing.brand, "price": price_text,
            "availability": listing.availability, "sku": listing.modelno, "gtin": listing.gtin,
            "description": listing.description, "category": listing.category,
            "category_url": f"/category/{listing.category_slug}", "image": f"/img/{listing.listing_id}.jpg",
            "seller": {"id": seller.seller_id, "name": seller.name, "url": f"/seller/{seller.seller_id}"}}
