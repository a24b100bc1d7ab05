"""A listing with only an id and a title (no price, currency, seller, url, images, dates...) renders everywhere.

Anyone who can report a URL can get such a listing crawled, so one must never break a page for everyone.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from jinja2 import Undefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from detection.batch import run_detection
from review_ui.listing_search import ListingRow
from review_ui.templating import money
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Hit, User
from shared_db.repo.hits import decide
from shared_db.repo.users import issue_api_token

TITLE = "A\u0421ME sparse listing"  # a Cyrillic С: ACME is an ordinary word, found plainly only with context


def test_listing_with_only_an_id_and_a_title_renders_on_every_page(settings, sqlite_engine, world,
                                                                    login_as) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.client.index(index=index.alias, id="sparse-1", body={"title": TITLE}, refresh=True)
    run_detection(settings=settings, engine=sqlite_engine, full=True)
    with Session(sqlite_engine) as session, session.begin():
        hit = session.scalar(select(Hit).where(Hit.listing_id == "sparse-1"))
        assert hit is not None, "detection made no hit on the sparse listing"
        assert (hit.price, hit.currency, hit.seller_id, hit.listing_url, hit.marketplace) == (None, None, None,
                                                                                              None, "")
        hit_id = hit.id

    reviewer = login_as("reviewer")
    pages = {"search": "/search?q=sparse", "queue": "/queue", "hit": f"/hits/{hit_id}"}
    for name, path in pages.items():
        response = reviewer.get(path)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text[-500:]}"
        assert "sparse listing" in response.text, name  # the mark itself is highlighted

    with Session(sqlite_engine) as session, session.begin():
        decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    case = {"marketplace": "", "seller": ""}
    for path in ("/cases", "/queue?status=all", f"/hits/{hit_id}"):
        response = reviewer.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    view = reviewer.get("/cases/view", params=case)
    assert view.status_code == 200 and "sparse listing" in view.text
    exported = reviewer.get("/cases/export.csv")
    assert exported.status_code == 200
    row = next(r for r in csv.DictReader(io.StringIO(exported.text)) if r["listing_id"] == "sparse-1")
    assert (row["listing_title"], row["price"], row["currency"], row["listing_url"]) == (TITLE, "", "", "")
    cases = json.loads(reviewer.get("/cases/export.json").text)["cases"]
    listing = next(c["listing"] for c in cases if c["listing"]["listing_id"] == "sparse-1")
    assert listing["title"] == TITLE and listing["price"] is None and listing["url"] is None
    takedown = reviewer.get("/cases/takedown", params=case)
    assert takedown.status_code == 200 and TITLE in takedown.text
    authority = json.loads(reviewer.get("/exports/authority.json").text)
    assert any(c["listing"]["title"] == TITLE for c in authority["cases"])

    with Session(sqlite_engine) as session, session.begin():
        token = issue_api_token(session.get(User, reviewer_id(session)), session=session)
    api = {"Authorization": f"Bearer {token}"}
    found = reviewer.get("/api/v1/search?q=sparse", headers=api)
    assert found.status_code == 200 and found.json()["items"][0]["title"] == TITLE
    assert reviewer.get(f"/api/v1/hits/{hit_id}", headers=api).json()["listing_title"] == TITLE


def reviewer_id(session: Session) -> int:
    return session.scalar(select(User.id).where(User.email == "reviewer@example.org"))


def test_odd_listing_values_render_as_absent() -> None:
    assert [money(v, "USD") for v in (None, "", "abc", "NaN", "Infinity", True, {"x": 1}, Undefined())] == ["—"] * 8
    assert money(Decimal("1234.5"), "USD") == "1,234.50 USD" and money("12", Undefined()) == "12.00"
    row = ListingRow.of({"_id": "m:1", "price": "n/a", "crawled_at": 1767225600000, "url": ["x"], "seller_id": 7})
    assert (row.title, row.price, row.url, row.seller, row.crawled_on) == ("m:1", None, None, "7", "")
