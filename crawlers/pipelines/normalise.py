"""Normalise prices, currencies, text, GTIN, availability and language; count data-quality problems."""

from __future__ import annotations

from typing import Any

from crawlers.normalise import normalise_listing


class NormalisePipeline:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        problems: list[str] = []
        listing = normalise_listing(item, problems=problems)
        for problem in problems:
            self.stats.inc_value(f"markwatch/{problem}")
        return listing
