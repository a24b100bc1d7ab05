"""Perceptual hashes of untrusted images: a 64-bit pHash, Hamming distance and similarity.

pHash as in the standard algorithm: greyscale, 32×32, 2-D DCT-II, the 8×8 lowest frequencies
compared with their median, one bit each. Images are hostile input: only JPEG, PNG, GIF and WebP
are decoded, the byte size and the pixel count are checked *before* decoding (a decompression
bomb is refused from its header), and truncated or undecodable bytes raise :class:`ImageRejected`.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

HASH_BITS = 64
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class ImageRejected(ValueError):
    """The bytes are not a usable image (too big, a decompression bomb, truncated or not an image).

    ``reason`` is a short code for crawl stats (``too_big``, ``too_many_pixels``, ``not_an_image``,
    ``truncated``); the message says what was wrong.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ImageFingerprint:
    """What markwatch keeps of an image: its sha256, pHash (16 hex digits), size and media type."""

    sha256: str
    phash: str
    width: int
    height: int
    media_type: str


def sniff_media_type(data: bytes) -> str | None:
    """The media type of ``data`` from its header (an allowed image format), else None. Decodes nothing."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=tuple(MEDIA_TYPES)) as image:
            return MEDIA_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def fingerprint(data: bytes, *, max_bytes: int, max_pixels: int) -> ImageFingerprint:
    """Check and hash ``data``; raises :class:`ImageRejected` saying why it cannot be used."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > max_bytes:
        raise ImageRejected("too_big", f"the image has {len(data)} bytes, more than the limit of {max_bytes}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=tuple(MEDIA_TYPES)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRejected("too_many_pixels", f"the image is {width}×{height} pixels, more than "
                                        f"{max_pixels} (a decompression bomb?)")
                media_type = MEDIA_TYPES[image.format or ""]
                image.draft("L", (64, 64))  # JPEG: decode at reduced scale, much faster for big photos
                grey = image.convert("L")
    except ImageRejected:
        raise
    except UnidentifiedImageError as exc:
        raise ImageRejected("not_an_image", "the bytes are not a JPEG, PNG, GIF or WebP image") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageRejected("too_many_pixels", f"the image is a decompression bomb: {exc}") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRejected("truncated", f"the image cannot be decoded (truncated or corrupt): {exc}") from exc
    return ImageFingerprint(sha256=hashlib.sha256(data).hexdigest(), phash=phash(grey), width=width,
                            height=height, media_type=media_type)


def phash(image: Image) -> str:
    """The 64-bit pHash of a PIL image as 16 hex digits."""
    import numpy as np
    from PIL.Image import Resampling
    from scipy.fft import dct

    small = image.convert("L").resize((32, 32), Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.float64)
    low = dct(dct(pixels, axis=0), axis=1)[:8, :8]
    bits = (low > np.median(low)).flatten()
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def hamming(a: str, b: str) -> int:
    """Bits that differ between two hex hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def similarity(a: str, b: str) -> float:
    """1.0 for identical hashes, about 0.5 for unrelated images, 0.0 for complementary ones."""
    return 1 - hamming(a, b) / HASH_BITS


def best_match(hashes: Sequence[str], references: Iterable[str]) -> tuple[float, int] | None:
    """(best similarity, index in ``hashes`` of that image) against any reference; None if either is empty."""
    references = list(references)
    scored = [(similarity(h, r), -i) for i, h in enumerate(hashes) for r in references]
    if not scored:
        return None
    best, index = max(scored)
    return best, -index
