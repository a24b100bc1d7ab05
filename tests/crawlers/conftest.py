"""Fixtures for the crawler tests: a small demo marketplace on 127.0.0.1 and crawl settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from markwatch.demo_market import DemoMarket
from shared_db.settings import Settings

MARKET_SIZE = 40


@pytest.fixture(scope="module")
def market(shared_data: Path) -> Iterator[DemoMarket]:
    """The demo marketplace (40 product pages + hostile pages), one per test module."""
    with DemoMarket(size=MARKET_SIZE, seed=7, data_dir=shared_data, slow_seconds=0.3,
                    huge_bytes=1_500_000, bomb_bytes=8_000_000) as demo:
        yield demo


@pytest.fixture
def crawl_settings(settings: Settings, sqlite_engine: object) -> Settings:
    """Test settings with a migrated database, a 1 MB response limit and short timeouts."""
    return settings.model_copy(update={"crawl_max_response_bytes": 1_000_000, "crawl_timeout_seconds": 5})
