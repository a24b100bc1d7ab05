"""Seller networks: recompute the links between seller accounts from the collected listings (housekeeping)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shared_db.settings import Settings

FIELDS = ("marketplace", "seller_id", "seller_name", "seller_url", "seller_contact", "title", "price", "currency",
          "image_hashes")


def link_sellers(*, settings: Settings, engine: Engine) -> int:
    """Store the seller links found over every listing; returns how many."""
    from detection.networks import link_sellers as compute
    from shared_db.es.client import make_client
    from shared_db.es.listings import ListingsIndex

    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.refresh()
    with Session(engine) as session, session.begin():
        return compute(session=session, docs=index.iterate(fields=FIELDS))
