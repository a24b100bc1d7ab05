"""Listing search over the real Elasticsearch: full text, fuzzy, filters; a clear message when it is down."""

from __future__ import annotations

import re
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from review_ui.app import create_app
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex

LISTINGS = [
    {"listing_id": "1", "marketplace": "demo", "title": "Acme leather handbag", "description": "genuine look",
     "price": 25.0, "currency": "USD", "seller_id": "s1", "seller_name": "Cheap Bags",
     "url": "https://demo.example/1", "crawled_at": "2026-01-05T10:00:00+00:00"},
    {"listing_id": "2", "marketplace": "demo", "title": "Akme handbag replica", "price": 15.0, "currency": "USD",
     "seller_id": "s2", "url": "javascript:alert(1)", "crawled_at": "2026-02-05T10:00:00+00:00"},
    {"listing_id": "3", "marketplace": "other", "title": "Acme wallet <script>alert(1)</script>", "price": 300.0,
     "currency": "USD", "seller_id": "s1", "url": "https://other.example/3",
     "crawled_at": "2026-03-05T10:00:00+00:00"},
]


@pytest.fixture
def indexed(settings) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert(LISTINGS, refresh=True)


def titles(html: str) -> set[str]:
    return {t for t in ("leather handbag", "Akme handbag", "Acme wallet") if t in html}


def test_full_text_fuzzy_and_filters(indexed, world, login_as) -> None:
    holder = login_as("holder_a")
    assert titles(holder.get("/search?q=acme").text) == {"leather handbag", "Acme wallet"}
    assert titles(holder.get("/search?q=acme&fuzzy=1").text) == {"leather handbag", "Akme handbag", "Acme wallet"}
    assert titles(holder.get("/search?q=acme&marketplace=other").text) == {"Acme wallet"}
    assert titles(holder.get("/search?q=handbag&price_max=20").text) == {"Akme handbag"}
    assert titles(holder.get("/search?price_min=20&price_max=400&seller=s1").text) == {"leather handbag",
                                                                                       "Acme wallet"}
    assert titles(holder.get("/search?date_from=2026-02-01&date_to=2026-02-28").text) == {"Akme handbag"}
    page = holder.get("/search?q=acme&fuzzy=1").text
    assert "<script>alert" not in page and 'href="javascript:' not in page
    invalid = holder.get("/search?price_min=abc&date_from=notadate")
    assert invalid.status_code == 422 and "price_min: not a finite number" in invalid.text
    assert "date_from: not a date (YYYY-MM-DD)" in invalid.text


def test_search_when_elasticsearch_is_down(settings, sqlite_engine, world, csrf) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    app = create_app(settings.model_copy(update={"es_url": f"http://127.0.0.1:{dead_port}"}))
    with TestClient(app, follow_redirects=False) as client:
        client.post("/login", data={"email": world.emails["reviewer"], "password": world.password,
                                    "csrf_token": csrf(client)})
        response = client.get("/search?q=acme")
        assert response.status_code == 200
        assert 'id="search-unavailable"' in response.text and 'id="search-form"' in response.text
        assert client.get("/queue").status_code == 200


def test_next_page_keeps_the_query_and_stops_at_the_result_window(settings, world, login_as) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"listing_id": str(n), "marketplace": "demo", "title": f"Acme item {n}"} for n in range(30)],
                      refresh=True)
    reviewer = login_as("reviewer")
    first = reviewer.get("/search?q=acme&fuzzy=1&price_min=")
    link = re.search(r'href="(/search\?[^"]+)">Next page', first.text).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"q": ["acme"], "fuzzy": ["1"], "page": ["2"]}
    assert reviewer.get(link).text.count('class="result"') == 5
    assert reviewer.get("/search?q=acme&page=400").status_code == 200
    assert reviewer.get("/search?q=acme&page=401").status_code == 422
