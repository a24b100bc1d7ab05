"""The reviewer queue: order, filters, keyset pages, claims, decisions, conflicts and bulk actions."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_ui.templating import options
from shared_db.models import AuditLog, Decision, Hit

ROW = re.compile(r'id="hit-(\d+)"')


def row_ids(html: str) -> list[int]:
    return [int(m) for m in ROW.findall(html)]


def test_queue_is_ordered_by_priority_and_paginates_by_keyset(world, login_as, add_hits) -> None:
    ids = add_hits(world.mark_a, range(10, 130))  # priorities 10..129
    reviewer = login_as("reviewer")
    first = reviewer.get(f"/queue?mark_id={world.mark_a}")
    page1 = row_ids(first.text)
    assert len(page1) == 50 and page1[0] == ids[-1]
    nxt = re.search(r'href="(/queue\?[^"]+)" id="next-page"', first.text).group(1).replace("&amp;", "&")
    assert "after=" in nxt and f"mark_id={world.mark_a}" in nxt
    page2 = row_ids(reviewer.get(nxt).text)
    assert len(page2) == 50 and not set(page1) & set(page2)
    priorities = {hit_id: n for hit_id, n in zip(ids, range(10, 130), strict=True)}
    assert [priorities[i] for i in page1 + page2] == list(range(129, 29, -1))
    assert reviewer.get("/queue?after=garbage").status_code == 303


def test_most_uncertain_first(world, login_as, add_hits) -> None:
    sure, unsure, middle = add_hits(world.mark_a, [40, 41, 42])
    reviewer = login_as("reviewer")
    # candidate() gives probability 0.5 + n/100: n=40 -> 0.90, n=41 -> 0.91 ... the seeded n=1 -> 0.51.
    ids = row_ids(reviewer.get("/queue?order=uncertain").text)
    assert ids[0] == world.hits_a[0] or ids[0] == world.hits_b[0]
    probabilities = []
    for hit_id in ids[:12]:
        text = reviewer.get(f"/hits/{hit_id}").text
        probabilities.append(float(re.search(r"<dt>Probability</dt><dd>([0-9.]+)", text).group(1)))
    distances = [abs(p - 0.5) for p in probabilities]
    assert distances == sorted(distances)
    assert {sure, unsure, middle}.isdisjoint(ids[:10])


def test_filters(world, login_as, add_hits) -> None:
    add_hits(world.mark_b, [50], marketplace="othermarket", seller_id="zed", model_version="m2", score=99.5)
    reviewer = login_as("reviewer")
    assert len(row_ids(reviewer.get("/queue?marketplace=othermarket").text)) == 1
    assert len(row_ids(reviewer.get("/queue?seller=zed").text)) == 1
    assert len(row_ids(reviewer.get("/queue?model=m2").text)) == 1
    assert len(row_ids(reviewer.get("/queue?min_score=99").text)) == 1
    assert len(row_ids(reviewer.get("/queue?max_score=81.5").text)) == 2  # n=1 for both marks
    by_mark = reviewer.get(f"/queue?mark_id={world.mark_b}").text
    assert len(row_ids(by_mark)) == 6 and f'<option value="{world.mark_b}" selected>BRANDX</option>' in by_mark
    assert row_ids(reviewer.get("/queue?status=confirmed").text) == []
    invalid = reviewer.get("/queue?min_score=abc&status=bogus&order=evil")
    assert invalid.status_code == 422 and invalid.headers["content-type"].startswith("text/html")
    assert all(f"{name}: not" in invalid.text for name in ("min_score", "status", "order"))


def test_menu_options_are_escaped_and_keep_the_selection() -> None:
    assert str(options(((1, '<b>"A&B"</b>'), (2, "C")), 2)) == (
        '<option value="1">&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</option><option value="2" selected>C</option>')


def test_claims_hide_a_hit_from_other_reviewers(world, login_as) -> None:
    first, second = login_as("reviewer"), login_as("authority")
    hit = world.hits_a[-1]
    assert first.get(f"/hits/{hit}").status_code == 200  # opening claims it
    assert hit in row_ids(first.get("/queue").text)
    assert hit not in row_ids(second.get("/queue").text)
    assert hit in row_ids(second.get("/queue?claimed=show").text)
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/queue").text).group(1)
    assert first.post(f"/hits/{hit}/release", data={"csrf_token": token}).status_code == 303
    assert hit in row_ids(second.get("/queue").text)


def test_concurrent_decisions_conflict_and_nothing_is_lost(world, login_as, csrf, sqlite_engine) -> None:
    alice, bob = login_as("reviewer"), login_as("admin")
    hit = world.hits_a[0]
    alice_page, bob_page = alice.get(f"/hits/{hit}").text, bob.get(f"/hits/{hit}").text
    version = re.search(r'name="version" value="(\d+)"', bob_page).group(1)
    assert version == re.search(r'name="version" value="(\d+)"', alice_page).group(1)
    won = alice.post(f"/hits/{hit}/decide", data={"verdict": "confirmed", "version": version,
                                                  "reason": "logo copied", "csrf_token": csrf(alice, "/queue")})
    assert won.status_code == 303
    lost = bob.post(f"/hits/{hit}/decide", data={"verdict": "dismissed", "version": version,
                                                 "reason": "my careful reasoning", "csrf_token": csrf(bob, "/queue")})
    assert lost.status_code == 409
    assert "Someone else decided this hit" in lost.text
    assert "my careful reasoning" in lost.text, "the losing reviewer's reason is kept in the form"
    assert 'name="version" value="2"' in lost.text, "the form now carries the current version"
    with Session(sqlite_engine) as session:
        assert session.get(Hit, hit).status == "confirmed"
        assert session.scalar(select(func.count()).select_from(Decision).where(Decision.hit_id == hit)) == 1
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "hit.decide")) == 1
    # Bob can now decide deliberately on the new version.
    again = bob.post(f"/hits/{hit}/decide", data={"verdict": "escalated", "version": "2",
                                                  "reason": "my careful reasoning", "csrf_token": csrf(bob, "/queue")})
    assert again.status_code == 303


def test_htmx_decision_returns_the_row_with_a_conflict_message(world, login_as, csrf) -> None:
    reviewer = login_as("reviewer")
    hit = world.hits_a[1]
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf(reviewer, "/queue")}
    ok = reviewer.post(f"/hits/{hit}/decide", data={"verdict": "dismissed", "version": "1"}, headers=headers)
    assert ok.status_code == 200 and ok.text.lstrip().startswith("<tr") and "status-dismissed" in ok.text
    stale = reviewer.post(f"/hits/{hit}/decide", data={"verdict": "confirmed", "version": "1"}, headers=headers)
    assert stale.status_code == 200 and 'class="conflict"' in stale.text and "status-dismissed" in stale.text


def test_bulk_decides_the_selection_and_reports_conflicts(world, login_as, csrf, sqlite_engine) -> None:
    reviewer = login_as("reviewer")
    token = csrf(reviewer, "/queue")
    a, b, c = world.hits_a[:3]
    reviewer.post(f"/hits/{c}/decide", data={"verdict": "confirmed", "version": "1", "csrf_token": token})
    response = reviewer.post("/queue/bulk", data={"verdict": "dismissed", "sel": [f"{a}:1", f"{b}:1", f"{c}:1"],
                                                  "count": 3, "csrf_token": token, "query": "status=new"})
    assert response.status_code == 303 and response.headers["location"] == "/queue?status=new"
    page = reviewer.get(response.headers["location"]).text
    assert "2 hits decided." in page and str(c) in page
    with Session(sqlite_engine) as session:
        statuses = dict(session.execute(select(Hit.id, Hit.status).where(Hit.id.in_([a, b, c]))).all())
    assert statuses == {a: "dismissed", b: "dismissed", c: "confirmed"}


def test_stale_claims_are_released_when_the_app_starts(settings, world, sqlite_engine) -> None:
    from datetime import timedelta

    from fastapi.testclient import TestClient
    from sqlalchemy import update

    from review_ui.app import create_app
    from shared_db.models import utcnow

    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.hits_a[0])
                        .values(claimed_by=1, claimed_at=utcnow() - timedelta(hours=5)))
        session.execute(update(Hit).where(Hit.id == world.hits_a[1]).values(claimed_by=1, claimed_at=utcnow()))
    with TestClient(create_app(settings)):
        pass
    with Session(sqlite_engine) as session:
        claims = dict(session.execute(select(Hit.id, Hit.claimed_by).where(Hit.id.in_(world.hits_a[:2]))).all())
    assert claims == {world.hits_a[0]: None, world.hits_a[1]: 1}
