"""What the benchmarks share: an Elasticsearch to run against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared_db.es.client import make_client, ping
from shared_db.settings import Settings

DEFAULT_ES_URL = "http://127.0.0.1:9200"


@contextmanager
def bench_elasticsearch(tmp: Path, *, port: int) -> Iterator[str]:
    """The URL of ``MARKWATCH_BENCH_ES_URL`` (default :data:`DEFAULT_ES_URL`) when it answers, else of an
    embedded server started on ``port`` under ``tmp`` for the run and stopped after it."""
    es_url = os.environ.get("MARKWATCH_BENCH_ES_URL", DEFAULT_ES_URL)
    if ping(make_client(Settings(es_url=es_url), timeout=3, retries=0)):
        yield es_url
        return
    from markwatch.embedded_es import EmbeddedElasticsearch

    os.chmod(tmp, 0o711)  # run as root, Elasticsearch runs as 'nobody' and must traverse it
    embedded = EmbeddedElasticsearch(Settings(data_dir=tmp / "es", es_port=port))
    try:
        yield embedded.start().url
    finally:
        embedded.stop()
