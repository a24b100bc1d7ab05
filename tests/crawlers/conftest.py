"""Fixtures for the crawler tests: a small demo marketplace and page servers on 127.0.0.1, crawl settings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

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


@pytest.fixture
def market_settings(crawl_settings: Settings, market: DemoMarket) -> Settings:
    """``crawl_settings`` whose allow-list opens the market's origin (and only that)."""
    return crawl_settings.model_copy(update={"allowed_private_hosts": [market.base_url]})


Page = tuple[int, dict[str, str], bytes]


@dataclass
class PageServer:
    """A local HTTP server answering ``pages`` (path with query → page, 404 elsewhere; may be
    filled after the start); ``requests`` lists every path asked for."""

    base_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def serve() -> Iterator[Callable[..., PageServer]]:
    """``serve({path: (status, headers, body)})`` starts a server on 127.0.0.1 (a free port); 404 elsewhere."""
    servers: list[ThreadingHTTPServer] = []

    def start(pages: dict[str, Page] | None = None) -> PageServer:
        record = PageServer("", dict(pages or {}))

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                record.requests.append(self.path)
                status, headers, body = record.pages.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        record.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        return record

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _product_page(title: str, *, images: tuple[str, ...] | list[str] = (), head: str = "",
                  url: str | None = None) -> bytes:
    """A product page with JSON-LD (name, price, images, optional ``url``) and extra ``<head>`` markup."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "image": list(images),
            "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "USD"}}
    if url:
        data["url"] = url
    return (f"<html><head>{head}</head><body><h1>{title}</h1>"
            f'<script type="application/ld+json">{json.dumps(data)}</script></body></html>').encode()


@pytest.fixture(scope="session")
def product_page() -> Callable[..., bytes]:
    """``product_page(title, images=[...], head="<link …>", url=None)``: the bytes of a JSON-LD product page."""
    return _product_page
