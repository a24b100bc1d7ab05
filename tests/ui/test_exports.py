"""Cases and exports: CSV safe against formula injection, JSON, takedown notices, authority export, audit."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.exports import neutralise
from shared_db.models import AuditLog
from shared_db.repo.hits import decide


def confirm(engine, *hit_ids: int) -> None:
    with Session(engine) as session, session.begin():
        for hit_id in hit_ids:
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1, reason="fake")


def test_neutralise_prefixes_formula_cells() -> None:
    for value in ("=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain" and neutralise(None) == "" and neutralise(12) == "12"


def test_cases_group_confirmed_hits_per_seller_and_marketplace(world, login_as, sqlite_engine) -> None:
    confirm(sqlite_engine, world.hits_a[0], world.hits_a[2], world.hits_a[1], world.hits_b[0])
    page = login_as("reviewer").get("/cases").text
    assert page.count('class="case-row"') == 2  # demo/seller1 (3 hits) and demo/seller0 (1 hit)
    holder_page = login_as("holder_a").get("/cases").text
    assert holder_page.count('class="case-row"') == 2
    view = login_as("holder_a").get("/cases/view?marketplace=demo&seller=seller1").text
    assert "Listing 1 acme bag" in view and "Listing 3 acme bag" in view and "brandx" not in view


def test_csv_export_is_formula_safe_and_audited(world, login_as, add_hits, sqlite_engine) -> None:
    [evil] = add_hits(world.mark_a, [77], listing_title='=HYPERLINK("http://evil.example","click")',
                      seller_name="@evil", seller_id="-1+1")
    confirm(sqlite_engine, evil, world.hits_a[0])
    response = login_as("authority").get("/cases/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2
    row = next(r for r in rows if r["hit_id"] == str(evil))
    assert row["listing_title"].startswith("'=") and row["seller_name"] == "'@evil"
    assert row["seller_id"] == "'-1+1" and row["case"] == "demo/-1+1"
    for cell in (c for r in rows for c in r.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    with Session(sqlite_engine) as session:
        assert session.scalar(select(AuditLog.action).where(AuditLog.action == "export.csv")) == "export.csv"


def test_json_and_takedown_cite_evidence_hashes(world, login_as, sqlite_engine) -> None:
    confirm(sqlite_engine, world.hits_a[0], world.hits_a[2])
    reviewer = login_as("reviewer")
    data = json.loads(reviewer.get("/cases/export.json?marketplace=demo&seller=seller1").text)
    assert {c["hit_id"] for c in data["cases"]} == {world.hits_a[0], world.hits_a[2]}
    assert data["cases"][0]["evidence_sha256"] == "ab" * 32
    assert data["cases"][0]["decisions"][0]["verdict"] == "confirmed"
    notice = reviewer.get("/cases/takedown?marketplace=demo&seller=seller1")
    assert notice.headers["content-type"].startswith("text/plain")
    assert "DEMO MARKET" in notice.text and notice.text.count("evidence_sha256=" + "ab" * 32) == 2
    assert "item=L1-1" in notice.text or "item=L" in notice.text
    assert reviewer.get("/cases/takedown?marketplace=nowhere&seller=x").status_code == 404


def test_takedown_uses_default_template_for_unknown_marketplaces(world, login_as, add_hits, sqlite_engine) -> None:
    [hit] = add_hits(world.mark_a, [60], marketplace="../../etc/passwd", seller_id="s9")
    confirm(sqlite_engine, hit)
    notice = login_as("holder_a").get("/cases/takedown", params={"marketplace": "../../etc/passwd", "seller": "s9"})
    assert notice.status_code == 200 and "NOTICE OF TRADEMARK INFRINGEMENT" in notice.text
    assert "Acme Corp" in notice.text and "Evidence SHA-256: " + "ab" * 32 in notice.text


def test_authority_export_contains_marks_registrations_listings_and_decisions(world, login_as,
                                                                              sqlite_engine) -> None:
    confirm(sqlite_engine, world.hits_a[0], world.hits_b[0])
    data = json.loads(login_as("authority").get("/exports/authority.json").text)
    assert {m["text"] for m in data["marks"]} == {"ACME", "BRANDX"}
    assert "registrations" in data["marks"][0]
    assert len(data["cases"]) == 2 and data["evidence_sha256"] == ["ab" * 32]
    assert data["cases"][0]["listing"]["url"].startswith("https://")
    assert data["cases"][0]["decisions"][0]["verdict"] == "confirmed"
    scoped = json.loads(login_as("holder_b").get("/exports/authority.json").text)
    assert {m["text"] for m in scoped["marks"]} == {"BRANDX"} and len(scoped["cases"]) == 1


def test_rights_holders_see_reviewers_as_a_role_and_number_not_an_email(world, login_as, csrf,
                                                                         sqlite_engine) -> None:
    """Issue 15 item 11: reviewer e-mails were shown to rights holders (dashboard, decisions, JSON export)."""
    from datetime import timedelta

    from shared_db.models import User
    from shared_db.repo.hits import claim

    reviewer_email = world.emails["reviewer"]
    with Session(sqlite_engine) as session, session.begin():
        reviewer_id = session.scalar(select(User.id).where(User.email == reviewer_email))
        decide(world.hits_a[0], "confirmed", session=session, reviewer_id=reviewer_id, expected_version=1)
        claim(world.hits_a[1], session=session, user_id=reviewer_id, ttl=timedelta(minutes=30))
    pseudonym = f"Reviewer #{reviewer_id}"
    holder = login_as("holder_a")
    pages = {path: holder.get(path) for path in (
        f"/hits/{world.hits_a[0]}", f"/hits/{world.hits_a[1]}", "/dashboard", "/cases/export.json",
        "/cases/export.csv", "/exports/authority.json", "/cases/view?marketplace=demo&seller=seller1")}
    for path, response in pages.items():
        assert response.status_code == 200, path
        assert reviewer_email not in response.text, f"{path} shows the reviewer's e-mail to a rights holder"
    assert pseudonym in pages[f"/hits/{world.hits_a[0]}"].text and pseudonym in pages[f"/hits/{world.hits_a[1]}"].text
    assert pseudonym in pages["/dashboard"].text
    assert json.loads(pages["/cases/export.json"].text)["cases"][0]["decisions"][0]["reviewer"] == pseudonym
    assert json.loads(pages["/exports/authority.json"].text)["cases"][0]["decisions"][0]["reviewer"] == pseudonym
    staff = login_as("admin")
    assert reviewer_email in staff.get(f"/hits/{world.hits_a[0]}").text
    assert reviewer_email in staff.get("/dashboard").text
    staff_export = json.loads(staff.get("/cases/export.json").text)
    assert staff_export["cases"][0]["decisions"][0]["reviewer"] == reviewer_email
