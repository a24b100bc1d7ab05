"""Reading evidence snapshots through the shared evidence store, and serving them inert."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import Response

from shared_db.settings import Settings

SHA256 = re.compile(r"^[0-9a-f]{64}$")
SANDBOX_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
               "form-action 'none'; base-uri 'none'")
# Attributes that would send the viewer somewhere when the snapshot is clicked or loaded.
_NAVIGATING = {"a": ("href", "ping", "target"), "area": ("href", "ping", "target"), "form": ("action", "target"),
               "button": ("formaction", "formtarget"), "input": ("formaction", "formtarget")}


class EvidenceUnavailable(LookupError):
    """The snapshot cannot be shown (no store yet, unknown hash, or unreadable file)."""


def _store(settings: Settings) -> Any:
    try:
        from shared_db.evidence import EvidenceStore
    except ImportError as exc:
        raise EvidenceUnavailable("the evidence store is not installed in this build") from exc
    return EvidenceStore(settings.resolved_evidence_dir)


def load_evidence_meta(settings: Settings, sha256: str | None) -> dict[str, Any] | None:
    """The snapshot's metadata (url, captured_at, status, headers) plus its sha256, or None."""
    if not sha256:
        return None
    if not SHA256.match(sha256):
        raise EvidenceUnavailable(f"{sha256!r} is not a sha256 hash")
    try:
        meta = dict(_store(settings).meta(sha256) or {})
    except (OSError, KeyError, LookupError, ValueError) as exc:
        raise EvidenceUnavailable(f"evidence {sha256} is not in the store: {exc}") from exc
    meta["sha256"] = sha256
    return meta


def _body(settings: Settings, sha256: str) -> bytes:
    if not SHA256.match(sha256):
        raise EvidenceUnavailable(f"{sha256!r} is not a sha256 hash")
    try:
        return _store(settings).get(sha256)
    except (OSError, KeyError, LookupError, ValueError) as exc:
        raise EvidenceUnavailable(f"evidence {sha256} is not in the store: {exc}") from exc


def _inert(body: bytes, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "Content-Security-Policy": SANDBOX_CSP, "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN", "Content-Disposition": "inline", "Cache-Control": "no-store",
    })


def inert_html(body: bytes) -> bytes:
    """The snapshot as UTF-8 HTML whose links, forms, ``<base>`` and refreshes lead nowhere.

    Inside the review UI a snapshot's relative link would open a page of the review UI itself (and
    an absolute one the infringer's site); each link keeps its target only as ``data-href`` and a
    tooltip. Scripts are kept as text (the CSP sandbox never runs them).
    """
    import lxml.html
    from lxml.etree import ParserError

    try:
        document = lxml.html.document_fromstring(body)
    except (ParserError, ValueError):
        return b""
    for element in list(document.iter("base", "meta")):
        if element.tag == "base" or (element.get("http-equiv") or "").lower() == "refresh":
            element.drop_tree()
    for tag, attributes in _NAVIGATING.items():
        for element in document.iter(tag):
            target = element.attrib.pop(attributes[0], None)
            for name in attributes[1:]:
                element.attrib.pop(name, None)
            if target is not None and tag in ("a", "area"):
                element.set("data-href", target)
                element.set("title", target)
    for meta in document.iter("meta"):
        if meta.get("charset"):
            meta.set("charset", "utf-8")
    return lxml.html.tostring(document, encoding="utf-8", doctype="<!DOCTYPE html>")


def evidence_response(settings: Settings, sha256: str, *, as_html: bool) -> Response:
    """The snapshot bytes with headers that keep any script in them from running (HTML: see :func:`inert_html`)."""
    body = _body(settings, sha256)
    if as_html:
        return _inert(inert_html(body), "text/html; charset=utf-8")
    return _inert(body, "text/plain; charset=utf-8")


def image_response(settings: Settings, sha256: str) -> Response:
    """A stored image, served as the image type its bytes are (never as the type it was sent with)."""
    from shared_db.imagehash import sniff_media_type

    body = _body(settings, sha256)
    media_type = sniff_media_type(body)
    if media_type is None:
        raise EvidenceUnavailable(f"evidence {sha256} is not a JPEG, PNG, GIF or WebP image")
    return _inert(body, media_type)
