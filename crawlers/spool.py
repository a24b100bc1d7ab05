"""Items that could not be indexed, kept as JSON-lines files until Elasticsearch is back.

Each batch is one file, written atomically; a replay indexes the files in order and removes each
file only after all its items were accepted, so no item is lost (re-indexing is idempotent:
document ids are deterministic).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawlers.normalise import ITEM_FIELDS


class SpoolReplayIncomplete(RuntimeError):
    """Some spooled items were rejected by Elasticsearch; their files were kept for another replay."""


class Spool:
    """A directory of ``spool-*.jsonl`` batches."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def write(self, listings: Iterable[dict[str, Any]]) -> int:
        """Append one batch; returns the number of items written."""
        lines = [json.dumps({k: item.get(k) for k in ITEM_FIELDS}, default=_encode, ensure_ascii=False)
                 for item in listings]
        if not lines:
            return 0
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"spool-{time.time_ns():020d}-{os.getpid()}.jsonl"
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(tmp, self.root / name)
        return len(lines)

    def files(self) -> list[Path]:
        return sorted(self.root.glob("spool-*.jsonl")) if self.root.exists() else []

    def pending(self) -> int:
        """Number of items waiting in the spool."""
        return sum(sum(1 for line in p.open(encoding="utf-8") if line.strip()) for p in self.files())

    def replay(self, index: Any, *, chunk_size: int = 500) -> int:
        """Index every spooled item into ``index`` (a ListingsIndex); returns how many were indexed.

        Raises ``IndexUnavailable`` when Elasticsearch is still down (nothing is removed), and
        :class:`SpoolReplayIncomplete` when documents were rejected (their files are kept).
        """
        total, rejected = 0, 0
        for path in self.files():
            items = [_decode(json.loads(line)) for line in path.open(encoding="utf-8") if line.strip()]
            indexed, errors = index.bulk_upsert(items, chunk_size=chunk_size)
            total += indexed
            if errors:
                rejected += len(errors)
                continue
            path.unlink()
        if rejected:
            raise SpoolReplayIncomplete(f"{rejected} spooled items were rejected; see the Elasticsearch log, "
                                        f"fix the mapping problem and run `markwatch crawl replay` again")
        return total


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot spool a {type(value).__name__}")


def _decode(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("price") is not None:
        item["price"] = Decimal(item["price"])
    return item
