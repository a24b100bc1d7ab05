"""Drop only the items that cannot be used, counting each reason."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from crawlers.normalise import clean_text

REQUIRED = ("listing_id", "marketplace", "url", "title")


class ValidatePipeline:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        for field in REQUIRED:
            if not clean_text(item.get(field)):
                self.stats.inc_value(f"markwatch/drop/no_{field}")
                raise DropItem(f"listing without {field}: {item.get('url')}")
        return item
