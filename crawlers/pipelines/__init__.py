"""Item pipelines, one concern each, in this order (``ITEM_PIPELINES`` in ``crawlers.settings``):

1. ``validate`` (100) — drop only unusable items (no listing id, marketplace, url or title), each
   reason counted as ``markwatch/drop/<reason>``.
2. ``normalise`` (200) — prices across locales to Decimal + ISO 4217, text cleaned, GTIN and
   availability normalised, language detected, ``content_hash`` computed; data-quality problems
   counted (``markwatch/price/unparsable`` …), items kept.
3. ``evidence`` (300) — the raw response body gzip-stored by sha256 with url, status, headers and
   capture time; the listing gets ``evidence_sha256``.
4. ``incremental`` (400) — listings whose ``content_hash`` equals the indexed one are marked
   unchanged and not re-indexed (``markwatch/incremental/unchanged``).
5. ``fetchlog`` (410) — every listing's fetch time, changed or not, in the crawl state
   (:mod:`crawlers.fetchlog`), so a search-driven crawl skips listings fetched recently.
6. ``images`` (450) — the first ``MARKWATCH_CRAWL_IMAGES_PER_LISTING`` images of changed listings
   fetched through the same downloader middlewares as pages (private addresses refused), checked
   (size, pixels, decodable), stored by sha256 in the evidence store and pHashed; the listing gets
   ``image_hashes`` and ``image_sha256``. A failed image is counted, never fatal to the listing.
7. ``index`` (500) — bulk indexing into the listings alias with retry and backoff; when
   Elasticsearch is unreachable the batch is spooled to disk and replayed on the next run.
"""
