"""Detection end to end: a listing photo copied from the mark's reference photo becomes an explained signal."""

from __future__ import annotations

import io

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from detection.batch import run_detection
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.imagehash import fingerprint
from shared_db.models import Hit, Mark
from shared_db.repo.marks import upsert_mark
from shared_db.repo.reference_images import add_reference_image
from shared_db.schemas import MarkCreate
from shared_db.settings import Settings


def _recompressed(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.resize((200, 200)).save(buffer, format="JPEG", quality=60)
    return buffer.getvalue()


def test_copied_reference_photo_is_a_feature_and_an_explanation(settings: Settings, sqlite_engine: Engine,
                                                                images) -> None:  # type: ignore[no-untyped-def]
    official = images.photo("nike-official")
    with Session(sqlite_engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc.", authorised_sellers=["nike-store"]),
                              session=session)
        add_reference_image(mark, official, session=session, settings=settings, filename="air.jpg")
        add_reference_image(mark, official, session=session, settings=settings)  # the same bytes: one row
        assert len(mark.reference_images) == 1
    limits = {"max_bytes": settings.image_max_bytes, "max_pixels": settings.image_max_pixels}
    copy, other = (fingerprint(data, **limits) for data in (_recompressed(official), images.photo("own-photo")))
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([
        {"marketplace": "m", "listing_id": "copy", "title": "Nike Air Max 90", "seller_id": "s1",
         "image_hashes": [copy.phash], "image_sha256": [copy.sha256]},
        {"marketplace": "m", "listing_id": "copy-2", "title": "Nike Air Max 90 sale", "seller_id": "s4",
         "image_hashes": [copy.phash], "image_sha256": [copy.sha256]},
        {"marketplace": "m", "listing_id": "own", "title": "Nike Air Max 95", "seller_id": "s2",
         "image_hashes": [other.phash], "image_sha256": [other.sha256]},
        {"marketplace": "m", "listing_id": "none", "title": "Nike Air Max 97", "seller_id": "s3"},
    ], refresh=True)

    run_detection(settings=settings, engine=sqlite_engine)

    with Session(sqlite_engine) as session:
        hits = {h.listing_id: h for h in session.scalars(select(Hit))}
        assert session.scalar(select(Mark)).reference_images[0].filename == "air.jpg"
    assert hits["m:copy"].features["image_similarity"] >= 0.84
    assert hits["m:copy"].features["image_sha256"] == [copy.sha256]
    assert "main image" in " ".join(hits["m:copy"].explanations)
    assert hits["m:copy"].features["image_other_sellers"] == hits["m:copy-2"].features["image_other_sellers"] == 1
    assert hits["m:own"].features["image_other_sellers"] == 0
    assert hits["m:none"].features["image_other_sellers"] is None
    assert hits["m:own"].features["image_similarity"] < 0.84
    assert hits["m:none"].features["image_similarity"] is None
    assert hits["m:copy"].probability > hits["m:own"].probability
    assert hits["m:own"].probability == hits["m:none"].probability  # an unrelated photo is neutral
