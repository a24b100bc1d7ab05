"""Seller networks: the connected sellers of one marketplace, from the stored :class:`SellerLink` rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared_db.models import SellerLink

MAX_NETWORK = 200


@dataclass
class Network:
    marketplace: str
    seller: str
    sellers: list[str] = field(default_factory=list)
    links: list[SellerLink] = field(default_factory=list)

    @property
    def reasons(self) -> dict[tuple[str, str], list[SellerLink]]:
        pairs: dict[tuple[str, str], list[SellerLink]] = {}
        for link in self.links:
            pairs.setdefault((link.seller_a, link.seller_b), []).append(link)
        return pairs


def seller_network(marketplace: str, seller: str, *, session: Session) -> Network:
    """Every seller linked to ``seller`` directly or through others (at most :data:`MAX_NETWORK`)."""
    seen, frontier, found = {seller}, [seller], {}
    while frontier and len(seen) < MAX_NETWORK:
        rows = session.scalars(select(SellerLink).where(
            SellerLink.marketplace == marketplace,
            or_(SellerLink.seller_a.in_(frontier), SellerLink.seller_b.in_(frontier))))
        frontier = []
        for link in rows:
            found[link.id] = link
            for other in (link.seller_a, link.seller_b):
                if other not in seen and len(seen) < MAX_NETWORK:
                    seen.add(other)
                    frontier.append(other)
    links = sorted(found.values(), key=lambda x: (x.seller_a, x.seller_b, x.reason))
    return Network(marketplace, seller, sorted(seen) if links else [seller], links)
