"""Bytes that can be read as a product page, or a clear reason why not (an image, an archive, binary data,
a page or a gzip bomb past the size limit), so a bad file is reported by name instead of read as garbage."""

from __future__ import annotations

import re
import zlib

DEFAULT_MAX_BYTES = 10_000_000
_MAGIC = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"), (b"RIFF", "a RIFF file (WebP, WAV, AVI)"),
          (b"\x7fELF", "an executable"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ", "an xz archive"),
          (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x00\x00\x00", "binary data"))
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")


class UnusablePage(ValueError):
    """The bytes are not an HTML page that extraction can read; the message says what they are."""


def page_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The HTML bytes of a file or response named ``name`` (gzip unpacked, at most ``max_bytes``), else
    :class:`UnusablePage`."""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name, max_bytes)
    if len(data) > max_bytes:
        raise UnusablePage(f"{name}: {len(data)} bytes is more than the page limit of {max_bytes} bytes "
                           "(MARKWATCH_CRAWL_MAX_RESPONSE_BYTES); save the product page alone")
    what = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if what:
        raise UnusablePage(f"{name} is {what}, not an HTML page")
    if not data.startswith(_BOMS[:2]) and b"\x00" in data[:4096]:
        raise UnusablePage(f"{name} is binary data (NUL bytes), not an HTML page")
    if not re.search(rb"<\s*[A-Za-z!?/]", data[:200_000]) and not re.search(rb"<\x00[A-Za-z!]", data[:200_000]):
        raise UnusablePage(f"{name} holds no HTML markup")
    return data


def _gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise UnusablePage(f"{name} is a damaged gzip file ({exc})") from exc
    if len(out) <= max_bytes and not inflater.eof:
        raise UnusablePage(f"{name} is a damaged or truncated gzip file")
    if len(out) > max_bytes:
        raise UnusablePage(f"{name} unpacks to more than the page limit of {max_bytes} bytes "
                           "(MARKWATCH_CRAWL_MAX_RESPONSE_BYTES)")
    return out
