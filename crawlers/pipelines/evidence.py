"""Store the raw response body as content-addressed evidence; the listing references its sha256."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawlers.config import markwatch_settings
from shared_db.evidence import EvidenceStore


class EvidencePipeline:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.store = EvidenceStore(markwatch_settings(crawler).resolved_evidence_dir)

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        evidence = item.pop("_evidence", None)
        if evidence is None:
            self.stats.inc_value("markwatch/evidence/missing")
            return item
        captured = item.get("crawled_at")
        item["evidence_sha256"] = self.store.put(
            evidence["body"], url=evidence["url"], status=evidence["status"], headers=evidence["headers"],
            captured_at=datetime.fromisoformat(captured) if captured else datetime.now(UTC),
        )
        self.stats.inc_value("markwatch/evidence/stored")
        return item
