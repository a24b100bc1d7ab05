"""pHash: near copies are close, different photos far; hostile bytes are rejected with a reason, never crash."""

from __future__ import annotations

import io

import pytest

from shared_db.imagehash import ImageRejected, best_match, fingerprint, hamming, similarity, sniff_media_type

LIMITS = {"max_bytes": 2_000_000, "max_pixels": 10_000_000}


def _hash(data: bytes) -> str:
    return fingerprint(data, **LIMITS).phash


def test_identical_resized_and_recompressed_copies_are_close(images) -> None:  # type: ignore[no-untyped-def]
    original = _hash(images.photo("product-1"))
    assert hamming(original, _hash(images.photo("product-1"))) == 0
    assert similarity(original, original) == 1.0
    for copy in (images.photo("product-1", side=180, quality=60), images.photo("product-1", side=400),
                 images.photo("product-1", "PNG"), images.photo("product-1", "WEBP")):
        assert hamming(original, _hash(copy)) <= 6


def test_a_slightly_cropped_copy_is_close_and_other_photos_are_far(images) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    original = images.photo("product-1")
    with Image.open(io.BytesIO(original)) as image:
        cropped = image.crop((6, 4, 250, 251))
        buffer = io.BytesIO()
        cropped.save(buffer, format="JPEG", quality=75)
    assert hamming(_hash(original), _hash(buffer.getvalue())) <= 10
    others = [hamming(_hash(original), _hash(images.photo(f"other-{i}"))) for i in range(20)]
    assert min(others) >= 14 and sum(others) / len(others) > 24


def test_fingerprint_reports_what_it_keeps(images) -> None:  # type: ignore[no-untyped-def]
    data = images.photo("product-1", "PNG")
    image = fingerprint(data, **LIMITS)
    assert (image.width, image.height, image.media_type) == (256, 256, "image/png")
    assert len(image.phash) == 16 and len(image.sha256) == 64
    assert sniff_media_type(data) == "image/png" and sniff_media_type(b"<svg onload=alert(1)>") is None


@pytest.mark.parametrize(("make", "reason"), [
    (lambda images: images.bomb(), "too_many_pixels"),
    (lambda images: images.photo("product-1")[:700], "truncated"),
    (lambda images: b"<html><script>alert(1)</script></html>", "not_an_image"),
    (lambda images: b"", "not_an_image"),
    (lambda images: b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not_an_image"),
    (lambda images: images.photo("big") + b"\0" * 1_000_000, "too_big"),
])
def test_hostile_bytes_are_rejected_with_a_reason(images, make, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageRejected) as caught:
        fingerprint(make(images), max_bytes=1_000_000, max_pixels=10_000_000)
    assert caught.value.reason == reason and str(caught.value)


def test_pixel_limit_is_checked_before_decoding(images) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageRejected, match="pixels"):
        fingerprint(images.photo("product-1"), max_bytes=1_000_000, max_pixels=256 * 255)


def test_best_match_names_the_closest_image() -> None:
    reference = "ffff0000ffff0000"
    assert best_match([], [reference]) is None and best_match([reference], []) is None
    score, index = best_match(["0000ffff0000ffff", "ffff0000ffff0003"], [reference, "1234567812345678"])
    assert index == 1 and score == 1 - 2 / 64
