"""Items that could not be indexed, kept as JSON-lines files until Elasticsearch is back.

Each batch is one file, written atomically; a replay indexes the files in order and removes each
file only after all its items were accepted, so no item is lost (re-indexing is idempotent:
document ids are deterministic). The directory (``MARKWATCH_SPOOL_DIR``) may be shared by every
crawler and replayer: a replay first *claims* a file by renaming it (atomic on one file system), so
two replays never take the same file; a claim left by a killed replayer is taken over after
``CLAIM_TTL_SECONDS``.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from crawlers.normalise import ITEM_FIELDS

CLAIM_TTL_SECONDS = 15 * 60
_CLAIM = ".claim-"


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
        """The unclaimed batches, oldest first."""
        return sorted(self.root.glob("spool-*.jsonl")) if self.root.exists() else []

    def claims(self) -> list[Path]:
        """The batches a replayer holds right now."""
        return sorted(self.root.glob(f"{_CLAIM}*-spool-*.jsonl")) if self.root.exists() else []

    def pending(self) -> int:
        """Number of items waiting in the spool (claimed or not)."""
        total = 0
        for path in [*self.files(), *self.claims()]:
            try:
                with path.open(encoding="utf-8") as handle:
                    total += sum(1 for line in handle if line.strip())
            except FileNotFoundError:  # replayed meanwhile
                continue
        return total

    def claim(self, path: Path) -> Path | None:
        """Take ``path`` for this replayer; ``None`` when another one took it first."""
        claimed = path.with_name(f"{_CLAIM}{uuid.uuid4().hex}-{path.name}")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            return None
        os.utime(claimed)  # the claim's age starts now
        return claimed

    def release(self, claimed: Path) -> None:
        """Give a claimed batch back (it stays for the next replay)."""
        try:
            os.rename(claimed, claimed.with_name(claimed.name.split("-", 2)[2]))
        except FileNotFoundError:  # taken over after its TTL by another replayer
            pass

    def _take_over_stale_claims(self) -> None:
        deadline = time.time() - CLAIM_TTL_SECONDS
        for claimed in self.claims():
            try:
                stale = claimed.stat().st_mtime < deadline
            except FileNotFoundError:
                continue
            if stale:
                self.release(claimed)

    def replay(self, index: Any, *, chunk_size: int = 500) -> int:
        """Index every spooled item into ``index`` (a ListingsIndex); returns how many were indexed.

        Raises ``IndexUnavailable`` when Elasticsearch is still down (nothing is removed), and
        :class:`SpoolReplayIncomplete` when documents were rejected (their files are kept).
        """
        total, rejected = 0, 0
        self._take_over_stale_claims()
        for path in self.files():
            claimed = self.claim(path)
            if claimed is None:
                continue
            try:
                with claimed.open(encoding="utf-8") as handle:
                    items = [_decode(json.loads(line)) for line in handle if line.strip()]
                indexed, errors = index.bulk_upsert(items, chunk_size=chunk_size)
            except BaseException:
                self.release(claimed)
                raise
            total += indexed
            if errors:
                rejected += len(errors)
                self.release(claimed)
                continue
            claimed.unlink(missing_ok=True)  # missing: taken over after its TTL, and replayed twice (idempotent)
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
