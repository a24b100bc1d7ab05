"""Content-addressed evidence store: raw page snapshots, gzip-compressed, named by sha256.

Layout: ``<root>/<sha[:2]>/<sha>.gz`` holds the body and ``<root>/<sha[:2]>/<sha>.json`` the
capture metadata (url, status, headers, captured_at, size; a screenshot adds ``kind`` and
``media_type``, see :mod:`markwatch.jobs.screenshots`). The hash is of the raw body, so the
same bytes captured twice are stored once; the sidecar keeps the first capture's metadata.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class EvidenceNotFound(KeyError):
    """No evidence with that hash is stored (it may have been removed by housekeeping)."""


class InvalidEvidenceHash(ValueError):
    """The value is not a lowercase hex sha256 digest."""


class EvidenceStore:
    """Stores page bodies by sha256 with a JSON sidecar; safe for concurrent writers (atomic renames)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._dirs: set[Path] = set()

    def _paths(self, sha: str) -> tuple[Path, Path]:
        if not _SHA_RE.match(sha or ""):
            raise InvalidEvidenceHash(f"{sha!r} is not a sha256 hex digest")
        folder = self.root / sha[:2]
        return folder / f"{sha}.gz", folder / f"{sha}.json"

    def put(self, body: bytes, *, url: str, status: int, headers: Mapping[str, Any] | None = None,
            captured_at: datetime | None = None, extra: Mapping[str, Any] | None = None) -> str:
        """Store ``body`` (if not already stored) and return its sha256; ``extra`` joins the metadata."""
        sha = hashlib.sha256(body).hexdigest()
        body_path, meta_path = self._paths(sha)
        if meta_path.exists():  # the sidecar is written last: its presence means complete
            return sha
        if body_path.parent not in self._dirs:
            body_path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(body_path.parent)
        moment = captured_at or datetime.now(UTC)
        meta = {
            **(extra or {}),
            "sha256": sha,
            "url": url,
            "status": int(status),
            "headers": {_header_value(k): _header_value(v) for k, v in (headers or {}).items()},
            "captured_at": moment.astimezone(UTC).isoformat(),
            "size": len(body),
        }
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        try:
            _atomic_write(body_path, packed)
        except FileNotFoundError:  # the folder was removed (housekeeping) since it was created
            body_path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(body_path, packed)
        _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, sort_keys=True).encode())
        return sha

    def get(self, sha: str) -> bytes:
        """The raw body stored under ``sha``."""
        body_path, _ = self._paths(sha)
        try:
            return gzip.decompress(body_path.read_bytes())
        except FileNotFoundError as exc:
            raise EvidenceNotFound(sha) from exc

    def meta(self, sha: str) -> dict[str, Any]:
        """The capture metadata (url, status, headers, captured_at, size, sha256)."""
        _, meta_path = self._paths(sha)
        try:
            return json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise EvidenceNotFound(sha) from exc

    def exists(self, sha: str) -> bool:
        body_path, meta_path = self._paths(sha)
        return body_path.exists() and meta_path.exists()

    def delete(self, sha: str) -> bool:
        """Remove the body and sidecar; True if anything was removed."""
        removed = False
        for path in self._paths(sha):
            try:
                path.unlink()
                removed = True
            except FileNotFoundError:
                continue
        return removed

    def iter_hashes(self) -> Iterator[str]:
        """Every stored hash (body present), in no particular order."""
        if not self.root.exists():
            return
        for folder in self.root.iterdir():
            if folder.is_dir() and len(folder.name) == 2:
                for path in folder.glob("*.gz"):
                    sha = path.name[:-3]
                    if _SHA_RE.match(sha):
                        yield sha


def _header_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = b", ".join(v if isinstance(v, bytes) else str(v).encode() for v in value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
