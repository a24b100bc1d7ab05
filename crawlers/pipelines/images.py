"""Fetch a listing's first images through the crawler's own downloader, store them, pHash them.

Image requests go through the downloader middlewares like page requests (private-address refusal,
robots.txt, size limit, timeout); only the offsite filter is lifted, since shops serve images from
other hosts. Each outcome is counted: ``markwatch/images/stored``, ``…/blocked`` (private address),
``…/refused``, ``…/failed``, ``…/http_error`` and ``…/rejected/<reason>``; a failed or rejected
image is skipped, the listing is always kept. Unchanged listings (``incremental``) are not fetched again.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawlers.config import markwatch_settings
from crawlers.safety import PrivateAddressBlocked
from shared_db.evidence import EvidenceStore
from shared_db.imagehash import ImageRejected, fingerprint


class ImagesPipeline:
    def __init__(self, crawler: Any) -> None:
        settings = markwatch_settings(crawler)
        self.crawler = crawler
        self.stats = crawler.stats
        self.limit = settings.crawl_images_per_listing
        self.max_bytes = settings.image_max_bytes
        self.max_pixels = settings.image_max_pixels
        self.store = EvidenceStore(settings.resolved_evidence_dir)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ImagesPipeline:
        return cls(crawler)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        urls = [u for u in item.get("images") or [] if isinstance(u, str)][: self.limit]
        if item.get("_unchanged") or not urls:
            return item
        bodies = await asyncio.gather(*(self.fetch(url, item.get("url")) for url in urls))
        fetched = [(url, body) for url, body in zip(urls, bodies, strict=True) if body is not None]
        captured = item.get("crawled_at")
        moment = datetime.fromisoformat(captured) if captured else datetime.now(UTC)
        outcomes = await maybe_deferred_to_future(deferToThread(self.store_images, fetched, moment))
        item["image_hashes"] = [phash for phash, _sha in outcomes if phash]
        item["image_sha256"] = [sha for phash, sha in outcomes if phash]
        for phash, reason in outcomes:
            self.stats.inc_value("markwatch/images/stored" if phash else f"markwatch/images/rejected/{reason}")
        return item

    async def fetch(self, url: str, referer: str | None) -> bytes | None:
        """The image's body, or None (counted) when it is refused, fails or is not a 200."""
        request = Request(url, headers={"Referer": referer} if referer else None,
                          meta={"allow_offsite": True, "download_maxsize": self.max_bytes, "dont_retry": True})
        try:
            response = await self.crawler.engine.download_async(request)
        except PrivateAddressBlocked:
            self.stats.inc_value("markwatch/images/blocked")
            return None
        except IgnoreRequest:
            self.stats.inc_value("markwatch/images/refused")
            return None
        except DownloadCancelledError:  # larger than MARKWATCH_IMAGE_MAX_BYTES
            self.stats.inc_value("markwatch/images/rejected/too_big")
            return None
        except Exception:  # noqa: BLE001 - any network failure costs only this image, never the listing
            self.stats.inc_value("markwatch/images/failed")
            return None
        self.stats.inc_value("markwatch/images/downloaded")  # not a page: run summaries subtract it
        if response.status != 200:
            self.stats.inc_value("markwatch/images/http_error")
            return None
        return response.body

    def store_images(self, fetched: list[tuple[str, bytes]], moment: datetime) -> list[tuple[str | None, str]]:
        """Per image (pHash, sha256), or (None, rejection reason); accepted images go to the evidence store."""
        outcomes: list[tuple[str | None, str]] = []
        for url, body in fetched:
            try:
                image = fingerprint(body, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
            except ImageRejected as exc:
                outcomes.append((None, exc.reason))
                continue
            self.store.put(body, url=url, status=200, headers={"Content-Type": image.media_type},
                           captured_at=moment)
            outcomes.append((image.phash, image.sha256))
        return outcomes
