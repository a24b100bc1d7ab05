"""The mark pages say whether a mark has met the listings already collected (issue 16, item 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from detection.backfill import run_backfills
from review_ui.i18n import translator
from review_ui.templating import ago
from shared_db.es.client import make_client
from shared_db.es.listings import ListingsIndex
from shared_db.models import Mark, MarkBackfill, User
from shared_db.repo.users import issue_api_token


def test_a_registered_mark_shows_its_backfill_queued_then_checked(settings, sqlite_engine, world, login_as,
                                                                   csrf, client) -> None:
    index = ListingsIndex(make_client(settings), settings)
    index.ensure()
    index.bulk_upsert([{"marketplace": "demo", "listing_id": str(n), "title": title, "category": "shoes"}
                       for n, title in enumerate(["Zentrabok trainers", "plain kettle", "ZentraBook runner"])],
                      refresh=True)
    admin = login_as("admin")
    created = admin.post("/marks/new", data={"csrf_token": csrf(admin, "/marks/new"), "text": "ZentraBook",
                                             "owner": "Acme Corp", "classes": "25"})
    page = created.headers["location"]
    assert "Backfill queued" in admin.get(page).text
    with Session(sqlite_engine) as session:
        mark_id = session.scalar(select(Mark.id).where(Mark.text == "ZentraBook"))
    run_backfills(settings=settings, engine=sqlite_engine)
    text = admin.get(page).text
    assert "Backfill queued" not in text and "Checked against 3 listings, just now." in text
    assert "Checked against 3 listings" in admin.get(f"/marks/{mark_id}/review").text

    # the owner names an authorised seller through the API: queued again, its last check still shown
    with Session(sqlite_engine) as session, session.begin():
        token = issue_api_token(session.scalar(select(User).where(User.email == world.emails["holder_a"])),
                                session=session)
    response = client.patch(f"/api/v1/marks/{mark_id}", json={"authorised_sellers": ["zentra-official"]},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    holder_page = login_as("holder_a").get(page).text
    assert "Backfill queued" in holder_page and "Checked against 3 listings" in holder_page
    with Session(sqlite_engine) as session:
        assert session.get_one(MarkBackfill, mark_id).requested == 2
    state = response.json()["backfill"]
    assert (state["status"], state["listings_checked"]) == ("queued", 3) and state["checked_at"]


def test_ago_in_both_languages() -> None:
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    english, chinese = translator("en"), translator("zh_Hans")
    assert ago(now - timedelta(seconds=30), english, now=now) == "just now"
    assert ago(now - timedelta(minutes=5), english, now=now) == "5 minutes ago"
    assert ago((now - timedelta(hours=3)).replace(tzinfo=None), english, now=now) == "3 hours ago"  # SQLite: naive UTC
    assert ago(now - timedelta(days=2), chinese, now=now) == "2 天前"
    assert ago(None, english) == ""
