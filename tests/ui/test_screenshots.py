"""Screenshot evidence in the review UI and the exports (issue 17, item 3), and inert HTML snapshots."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import update
from sqlalchemy.orm import Session

from shared_db.evidence import EvidenceStore
from shared_db.models import Hit
from shared_db.repo.hits import decide

SHOT_AT = datetime(2026, 12, 6, 21, 30, tzinfo=UTC)


def png(colour: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 1400), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def store_shot(settings, engine, hit_id: int, body: bytes | None = None) -> str:  # type: ignore[no-untyped-def]
    sha = EvidenceStore(settings.resolved_evidence_dir).put(
        body or png(), url="https://demo.example/item/1", status=200, headers={"content-type": "image/png"},
        captured_at=SHOT_AT, extra={"kind": "screenshot", "media_type": "image/png"})
    with Session(engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == hit_id).values(screenshot_sha256=sha, screenshot_at=SHOT_AT))
    return sha


def test_hit_page_shows_the_screenshot_with_its_hash_time_and_url(world, login_as, settings, sqlite_engine) -> None:
    body = png()
    sha = store_shot(settings, sqlite_engine, world.hits_a[0], body)
    reviewer = login_as("reviewer")
    page = reviewer.get(f"/hits/{world.hits_a[0]}").text
    assert f'<code id="screenshot-sha">{sha}</code>' in page
    assert f'src="/hits/{world.hits_a[0]}/screenshot"' in page
    assert "2026-12-06T21:30:00+00:00" in page and "https://demo.example/item/1" in page
    shot = reviewer.get(f"/hits/{world.hits_a[0]}/screenshot")
    assert shot.status_code == 200 and shot.content == body
    assert shot.headers["content-type"] == "image/png" and shot.headers["x-content-type-options"] == "nosniff"
    assert login_as("holder_b").get(f"/hits/{world.hits_a[0]}/screenshot").status_code == 404  # not theirs
    assert reviewer.get(f"/hits/{world.hits_a[1]}/screenshot").status_code == 404  # none taken
    assert "No screenshot taken yet." in reviewer.get(f"/hits/{world.hits_a[1]}").text
    assert sha in login_as("holder_a").get(f"/hits/{world.hits_a[0]}").text


def test_a_failed_screenshot_shows_its_reason_escaped(world, login_as, sqlite_engine) -> None:
    reason = "Page.goto: net::ERR_NAME_NOT_RESOLVED at http://x.example/<script>alert(1)</script>"
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.hits_a[0]).values(screenshot_error=reason,
                                                                             screenshot_at=SHOT_AT))
    page = login_as("reviewer").get(f"/hits/{world.hits_a[0]}").text
    assert 'id="screenshot-error"' in page and "The screenshot failed:" in page
    assert "net::ERR_NAME_NOT_RESOLVED" in page and "<script>alert(1)" not in page
    assert "Listing 1 <mark>acme</mark> bag" in page  # the hit itself is all there


LINKY = (b'<html><head><base href="http://127.0.0.1:8000/"><meta http-equiv="refresh" content="0;url=/admin/users">'
         b'<meta charset="gbk"></head><body><a href="/queue" id="rel">queue</a> <a href="https://shop.example/x" '
         b'ping="/ping" target="_top">shop</a><area href="/dashboard"><form action="/hits/1/decide">'
         b'<button formaction="/logout">go</button></form><p>fake shoes</p></body></html>')


def test_html_snapshot_links_lead_nowhere(world, login_as, settings, sqlite_engine) -> None:
    sha = EvidenceStore(settings.resolved_evidence_dir).put(LINKY, url="https://shop.example/x", status=200)
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.hits_a[0]).values(evidence_sha256=sha))
    reviewer = login_as("reviewer")
    html = reviewer.get(f"/hits/{world.hits_a[0]}/evidence?view=html")
    body = html.text
    assert "fake shoes" in body and 'data-href="/queue"' in body and 'title="https://shop.example/x"' in body
    for gone in (" href=", "<base", "refresh", "ping=", "target=", "action=", "formaction="):
        assert gone not in body, gone
    assert "form-action 'none'" in html.headers["content-security-policy"]
    assert html.headers["content-security-policy"].startswith("sandbox")
    raw = reviewer.get(f"/hits/{world.hits_a[0]}/evidence?view=text")
    assert raw.content == LINKY  # the evidence itself is untouched


def confirm(engine, *hit_ids: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        for hit_id in hit_ids:
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1, reason="seen")


def test_notices_and_exports_cite_the_screenshot_and_the_zip_includes_it(world, login_as, add_hits, settings,
                                                                        sqlite_engine) -> None:
    body = png("teal")
    sha = store_shot(settings, sqlite_engine, world.hits_a[0], body)
    with Session(sqlite_engine) as session, session.begin():
        session.execute(update(Hit).where(Hit.id == world.hits_a[2]).values(screenshot_error="timed out"))
    confirm(sqlite_engine, world.hits_a[0], world.hits_a[2])
    reviewer = login_as("reviewer")
    demo_notice = reviewer.get("/cases/takedown?marketplace=demo&seller=seller1").text
    assert f"screenshot_sha256={sha}" in demo_notice and "screenshot_sha256=-" in demo_notice
    [other] = add_hits(world.mark_a, [61], marketplace="shop.example", seller_id="s9")
    store_shot(settings, sqlite_engine, other, body)
    confirm(sqlite_engine, other)
    notice = reviewer.get("/cases/takedown", params={"marketplace": "shop.example", "seller": "s9"}).text
    assert f"Screenshot SHA-256: {sha} (captured 2026-12-06 21:30 UTC)" in notice

    data = json.loads(reviewer.get("/cases/export.json?marketplace=demo&seller=seller1").text)
    shots = {case["hit_id"]: case["screenshot"] for case in data["cases"]}
    assert shots[world.hits_a[0]] == {"sha256": sha, "error": None, "captured_at": "2026-12-06T21:30:00+00:00"}
    assert shots[world.hits_a[2]]["sha256"] is None and shots[world.hits_a[2]]["error"] == "timed out"
    rows = reviewer.get("/cases/export.csv").text.splitlines()
    assert rows[0].endswith(",screenshot_sha256") and any(row.endswith("," + sha) for row in rows[1:])
    authority = json.loads(login_as("authority").get("/exports/authority.json").text)
    assert authority["screenshot_sha256"] == [sha]

    bundle = reviewer.get("/cases/export.zip?marketplace=demo&seller=seller1")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        assert sorted(archive.namelist()) == ["cases.json", f"screenshots/{sha}.png"]
        assert archive.read(f"screenshots/{sha}.png") == body
        assert {c["hit_id"] for c in json.loads(archive.read("cases.json"))["cases"]} == {world.hits_a[0],
                                                                                        world.hits_a[2]}
    scoped = login_as("holder_b").get("/cases/export.zip")
    with zipfile.ZipFile(io.BytesIO(scoped.content)) as archive:
        assert archive.namelist() == ["cases.json"]  # another organisation's screenshots are not theirs
