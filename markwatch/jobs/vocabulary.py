"""Learn detection's domain vocabulary from the collected listings (see :mod:`detection.vocabulary`).

The words go to the database (:mod:`shared_db.repo.vocabulary`) as a new version, so every detection
worker, wherever it runs, reads the same vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from shared_db.settings import Settings


@dataclass(frozen=True)
class VocabularyReport:
    """What one learning pass read and stored."""

    listings: int
    words: int
    version: int


def learn_vocabulary(*, settings: Settings, engine: Engine | None = None,
                     min_brands: int | None = None) -> VocabularyReport:
    """Read every listing's title and brand from Elasticsearch and store the words as the new version.

    Raises ``IndexUnavailable`` when Elasticsearch cannot be read; the previous version then stays current.
    """
    from detection import vocabulary
    from shared_db.db import get_engine, session_factory
    from shared_db.es.client import make_client, require_available
    from shared_db.es.listings import ListingsIndex
    from shared_db.repo.vocabulary import store_vocabulary

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
    with session_factory(engine or get_engine(settings.resolved_database_url)).begin() as session:
        version = store_vocabulary(words, session=session, listings=seen, min_brands=threshold)
    return VocabularyReport(listings=seen, words=len(words), version=version)


def export_vocabulary(path: Path, *, settings: Settings, engine: Engine | None = None) -> int:
    """Write the current version to ``path`` (for ``markwatch match --vocabulary``); how many words."""
    from detection.vocabulary import write_vocabulary
    from shared_db.db import get_engine, session_factory
    from shared_db.repo.vocabulary import current_vocabulary

    with session_factory(engine or get_engine(settings.resolved_database_url))() as session:
        _, words = current_vocabulary(session=session)
    return write_vocabulary(words, path)
