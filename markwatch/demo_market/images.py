"""Deterministic product photos of the demo marketplace, drawn with Pillow at run time (nothing downloaded).

A photo is drawn from a name: background gradient, product body, label band and buttons, every
colour and position taken from ``sha256(name)``, so different names give unrelated pHashes.
Each demo mark has :data:`REFERENCE_PHOTOS` official photos (``<brand>-official-<k>``), which the
demo registers as the mark's reference images. Listings show (decided from the listing id):

- the official store's genuine listings: an official photo as is;
- other genuine listings of a marked brand: an official photo for 30 % (resellers reuse them), else their own;
- infringing listings: an official photo lightly altered (resized, small crop, recompressed) for 70 %, else their own;
- the counterfeiting ring's listings (:data:`~markwatch.demo_market.catalogue.RING_SELLERS`): one of the ring's
  own photos of the brand, lightly altered per listing, so its accounts share near-identical photos;
- everything else: its own photo.
"""

from __future__ import annotations

import hashlib
import io
import random
from functools import lru_cache
from typing import NamedTuple

from markwatch.demo_market.catalogue import RING_SELLERS, Listing
from markwatch.demo_market.rights import MARKS_BY_BRAND

REFERENCE_PHOTOS = 2
RING_IDS = frozenset(s.seller_id for s in RING_SELLERS)
SIZE = 256


def _jpeg(image: object, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)  # type: ignore[attr-defined]
    return buffer.getvalue()


def draw_photo(name: str) -> object:
    """The PIL image of the product photo called ``name``."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = random.Random(hashlib.sha256(name.encode()).digest())
    top, bottom = (np.array([rng.randrange(256) for _ in range(3)]) for _ in range(2))
    ramp = np.linspace(0, 1, SIZE)[:, None, None]
    gradient = (top + (bottom - top) * ramp) * np.ones((1, SIZE, 1))
    image = Image.fromarray(gradient.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(2, 4)):
        x0, y0 = rng.randrange(0, SIZE // 2), rng.randrange(0, SIZE // 2)
        x1, y1 = x0 + rng.randrange(SIZE // 4, SIZE // 2), y0 + rng.randrange(SIZE // 4, SIZE // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rounded_rectangle([x0, y0, x1, y1], radius=rng.randrange(4, 24), fill=colour)
    band = rng.randrange(SIZE // 4, 3 * SIZE // 4)
    draw.rectangle([0, band, SIZE, band + rng.randrange(12, 32)], fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


@lru_cache(maxsize=64)
def reference_photo(brand: str, k: int) -> bytes:
    """The ``k``-th official product photo of ``brand`` as JPEG bytes."""
    return _jpeg(draw_photo(f"{brand}-official-{k}"))


def altered(data: bytes, rng: random.Random) -> bytes:
    """A counterfeiter's copy of a photo: resized, cropped by up to 4 % a side, recompressed."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as original:
        image = original.convert("RGB")
    side = int(SIZE * rng.uniform(0.7, 1.3))
    cut = [int(SIZE * rng.uniform(0, 0.04)) for _ in range(4)]
    image = image.crop((cut[0], cut[1], SIZE - cut[2], SIZE - cut[3])).resize((side, side))
    return _jpeg(image, quality=rng.randint(55, 85))


class PhotoSource(NamedTuple):
    """Which photo a listing shows: an official one (number ``official``, maybe altered) or its own."""

    official: int | None = None
    altered: bool = False
    ring: int | None = None

    @property
    def label(self) -> str:
        """``official``, ``official-altered`` or ``own`` (the ground truth's ``photo``)."""
        if self.ring is not None:
            return "ring"
        if self.official is None:
            return "own"
        return "official-altered" if self.altered else "official"


def photo_source(listing: Listing) -> PhotoSource:
    """The listing's photo, decided from its id (see the module docstring)."""
    mark = MARKS_BY_BRAND.get(listing.true_brand) if listing.mark else None
    rng = random.Random(f"photo-{listing.listing_id}")
    if mark is None:
        return PhotoSource()
    k = rng.randrange(REFERENCE_PHOTOS)
    if listing.seller_id in RING_IDS:
        return PhotoSource(ring=k)
    if listing.infringing:
        return PhotoSource(k, altered=True) if rng.random() < 0.7 else PhotoSource()
    if listing.seller_id == mark.official_seller or rng.random() < 0.3:
        return PhotoSource(k)
    return PhotoSource()


def listing_photo(listing: Listing) -> bytes:
    """The JPEG bytes served at ``/img/<listing_id>.jpg``."""
    source = photo_source(listing)
    if source.ring is not None:
        ring_photo = _jpeg(draw_photo(f"ring-{listing.true_brand}"))  # the ring's one studio shot per brand
        return altered(ring_photo, random.Random(f"alter-{listing.listing_id}"))
    if source.official is None:
        return _jpeg(draw_photo(f"listing-{listing.listing_id}"))
    data = reference_photo(listing.true_brand, source.official)
    return altered(data, random.Random(f"alter-{listing.listing_id}")) if source.altered else data
