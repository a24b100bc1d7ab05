from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared_db.evidence import EvidenceNotFound, EvidenceStore, InvalidEvidenceHash


def test_put_is_content_addressed_gzip_with_sidecar(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    body = "<html>索尼 replica</html>".encode()
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    sha = store.put(body, url="http://shop/p/1", status=200,
                    headers={b"Content-Type": [b"text/html"], "X-A": "1"}, captured_at=moment)
    assert sha == hashlib.sha256(body).hexdigest()
    stored = tmp_path / sha[:2] / f"{sha}.gz"
    assert gzip.decompress(stored.read_bytes()) == body
    assert store.get(sha) == body
    meta = store.meta(sha)
    assert meta["url"] == "http://shop/p/1" and meta["status"] == 200 and meta["size"] == len(body)
    assert meta["captured_at"] == "2026-01-02T03:04:05+00:00"
    assert meta["headers"] == {"Content-Type": "text/html", "X-A": "1"}


def test_same_body_stored_once_and_first_capture_kept(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    first = store.put(b"same", url="http://a/1", status=200, headers={})
    second = store.put(b"same", url="http://a/2", status=200, headers={})
    assert first == second
    assert list(store.iter_hashes()) == [first]
    assert store.meta(first)["url"] == "http://a/1"


def test_exists_delete_and_missing(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    sha = store.put(b"x", url="http://a/", status=500, headers=None)
    assert store.exists(sha)
    assert store.delete(sha) is True
    assert not store.exists(sha) and store.delete(sha) is False
    with pytest.raises(EvidenceNotFound):
        store.get(sha)
    with pytest.raises(EvidenceNotFound):
        store.meta(sha)
    assert list(EvidenceStore(tmp_path / "none").iter_hashes()) == []


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "A" * 64, "0" * 63])
def test_rejects_values_that_are_not_hashes(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidEvidenceHash):
        EvidenceStore(tmp_path).get(bad)
