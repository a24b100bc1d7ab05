"""Reading evidence snapshots through the shared evidence store, and serving them inert."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import Response

from shared_db.settings import Settings

SHA256 = re.compile(r"^[0-9a-f]{64}$")
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


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


def evidence_response(settings: Settings, sha256: str, *, as_html: bool) -> Response:
    """The snapshot bytes with headers that keep any script in them from running."""
    return _inert(_body(settings, sha256), "text/html; charset=utf-8" if as_html else "text/plain; charset=utf-8")


def image_response(settings: Settings, sha256: str) -> Response:
    """A stored image, served as the image type its bytes are (never as the type it was sent with)."""
    from shared_db.imagehash import sniff_media_type

    body = _body(settings, sha256)
    media_type = sniff_media_type(body)
    if media_type is None:
        raise EvidenceUnavailable(f"evidence {sha256} is not a JPEG, PNG, GIF or WebP image")
    return _inert(body, media_type)
