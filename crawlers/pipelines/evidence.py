"""Store the raw response body as content-addressed evidence; the listing references its sha256."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from twisted.internet.threads import deferToThread

from crawlers.config import markwatch_settings
from shared_db.evidence import EvidenceStore


class EvidencePipeline:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.store = EvidenceStore(markwatch_settings(crawler).resolved_evidence_dir)

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> Any:
        """Compress and write in a worker thread (zlib and file I/O release the GIL)."""
        evidence = item.pop("_evidence", None)
        if evidence is None:
            self.stats.inc_value("markwatch/evidence/missing")
            return item
        return deferToThread(self.capture, item, evidence).addCallback(self._count)

    def capture(self, item: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
        """Store ``evidence`` (body, url, status, headers) and set the item's ``evidence_sha256``."""
        captured = item.get("crawled_at")
        item["evidence_sha256"] = self.store.put(
            evidence["body"], url=evidence["url"], status=evidence["status"], headers=evidence["headers"],
            captured_at=datetime.fromisoformat(captured) if captured else datetime.now(UTC),
        )
        return item

    def _count(self, item: dict[str, Any]) -> dict[str, Any]:
        self.stats.inc_value("markwatch/evidence/stored")
        return item
