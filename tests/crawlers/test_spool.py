"""The spool is shared by every crawler and replayer: files are claimed atomically, never lost or doubled."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from crawlers.spool import CLAIM_TTL_SECONDS, Spool
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.settings import Settings


def _item(n: int) -> dict[str, Any]:
    return {"listing_id": f"s{n}", "marketplace": "demo-market", "url": f"http://shop/product/s{n}",
            "title": f"Sony headphones {n}", "crawled_at": "2026-01-01T00:00:00+00:00", "profile": "test"}


class CountingIndex:
    """The real index, counting each item replayed (a file replayed twice shows as a double count)."""

    def __init__(self, index: ListingsIndex) -> None:
        self.index, self.items = index, 0
        self._lock = threading.Lock()

    def bulk_upsert(self, items: list[dict[str, Any]], **kwargs: Any) -> tuple[int, list[dict[str, Any]]]:
        time.sleep(0.01)  # a real request takes a while: the other replayer lists the same files meanwhile
        result = self.index.bulk_upsert(items, **kwargs)
        with self._lock:
            self.items += len(items)
        return result


def test_two_replays_racing_index_every_file_once_without_errors(settings: Settings) -> None:
    """Before: both replays read the same files and the slower one died on unlink (FileNotFoundError)."""
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    spool = Spool(settings.resolved_spool_dir)
    for batch in range(30):
        spool.write([_item(batch * 3 + n) for n in range(3)])
    counting, errors, replayed = CountingIndex(index), [], []

    def replay() -> None:
        try:
            replayed.append(Spool(settings.resolved_spool_dir).replay(counting))
        except Exception as exc:  # noqa: BLE001 - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=replay) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(replayed) == counting.items == 90  # each file replayed by exactly one of them
    assert spool.pending() == 0 and list(spool.root.iterdir()) == []
    index.refresh()
    assert index.count() == 90


def test_a_claim_left_by_a_killed_replayer_is_taken_over_after_its_ttl(settings: Settings) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    spool = Spool(settings.resolved_spool_dir)
    spool.write([_item(1), _item(2)])
    claimed = spool.claim(spool.files()[0])  # a replayer that died holding it
    assert claimed is not None and spool.files() == [] and spool.pending() == 2  # still counted as pending
    assert spool.replay(index) == 0  # a fresh claim is respected
    old = time.time() - CLAIM_TTL_SECONDS - 1
    os.utime(claimed, (old, old))
    assert spool.replay(index) == 2 and spool.pending() == 0
