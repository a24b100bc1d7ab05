"""Learn detection's domain vocabulary from the collected listings (see :mod:`detection.vocabulary`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared_db.settings import Settings


@dataclass(frozen=True)
class VocabularyReport:
    """What one learning pass read and wrote."""

    listings: int
    words: int
    path: Path


def learn_vocabulary(*, settings: Settings, min_brands: int | None = None) -> VocabularyReport:
    """Read every listing's title and brand from Elasticsearch and rewrite the vocabulary file.

    Raises ``IndexUnavailable`` when Elasticsearch cannot be read; the previous file then stays.
    """
    from detection import vocabulary
    from shared_db.es.client import make_client, require_available
    from shared_db.es.listings import ListingsIndex

    threshold = min_brands or vocabulary.MIN_BRANDS
    index = ListingsIndex(make_client(settings), settings)
    require_available(index.client)
    index.ensure()
    seen = 0

    def records() -> Iterator[tuple[str | None, str | None]]:
        nonlocal seen
        for listing in index.iterate(fields=("title", "brand")):
            seen += 1
            yield listing.get("title"), listing.get("brand")

    words = vocabulary.learn_vocabulary(records(), min_brands=threshold)
    written = vocabulary.write_vocabulary(words, settings.vocabulary_path, min_brands=threshold)
    return VocabularyReport(listings=seen, words=written, path=settings.vocabulary_path)
