"""Reference product images of marks: checked, pHashed, stored in the evidence store, one row each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.evidence import EvidenceStore
from shared_db.imagehash import fingerprint
from shared_db.models import Mark, MarkReferenceImage
from shared_db.repo import audit
from shared_db.settings import Settings

MAX_REFERENCE_IMAGES = 20


class TooManyReferenceImages(ValueError):
    """The mark already has the most reference images allowed; remove one first."""


def add_reference_image(mark: Mark, data: bytes, *, session: Session, settings: Settings,
                        filename: str | None = None, actor_id: int | None = None) -> MarkReferenceImage:
    """Attach an image to ``mark`` (the same bytes twice give the same row).

    Raises ``shared_db.imagehash.ImageRejected`` for bytes that are not a usable image and
    :class:`TooManyReferenceImages` past :data:`MAX_REFERENCE_IMAGES`.
    """
    image = fingerprint(data, max_bytes=settings.image_max_bytes, max_pixels=settings.image_max_pixels)
    existing = session.scalar(select(MarkReferenceImage).where(MarkReferenceImage.mark_id == mark.id,
                                                               MarkReferenceImage.sha256 == image.sha256))
    if existing is not None:
        return existing
    if len(mark.reference_images) >= MAX_REFERENCE_IMAGES:
        raise TooManyReferenceImages(f"{mark.text} already has {MAX_REFERENCE_IMAGES} reference images; "
                                     f"remove one before adding another")
    EvidenceStore(settings.resolved_evidence_dir).put(data, url=f"upload:{filename or 'reference image'}",
                                                      status=200, headers={"Content-Type": image.media_type})
    row = MarkReferenceImage(mark_id=mark.id, sha256=image.sha256, phash=image.phash, width=image.width,
                             height=image.height, media_type=image.media_type,
                             filename=(filename or "")[:255] or None, uploaded_by=actor_id)
    mark.reference_images.append(row)
    session.flush()
    audit.record("mark.reference_image.add", session=session, actor_id=actor_id, object_type="mark",
                 object_id=mark.id, after={"sha256": image.sha256, "phash": image.phash})
    return row


def remove_reference_image(mark: Mark, image_id: int, *, session: Session, actor_id: int | None = None) -> bool:
    """Detach one of ``mark``'s reference images (its file stays in the evidence store); False if not found."""
    row = next((image for image in mark.reference_images if image.id == image_id), None)
    if row is None:
        return False
    mark.reference_images.remove(row)
    session.flush()
    audit.record("mark.reference_image.remove", session=session, actor_id=actor_id, object_type="mark",
                 object_id=mark.id, before={"sha256": row.sha256, "phash": row.phash})
    return True
