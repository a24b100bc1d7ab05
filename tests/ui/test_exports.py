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
    assert notice.status_code == 200 and "Notice of infringing listings" in notice.text
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
