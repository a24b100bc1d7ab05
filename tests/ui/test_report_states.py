"""The report list: each report's state with its reason and links, only the reporter's organisation's."""

from __future__ import annotations

import re


def _row(page: str, report_id: int) -> str:
    found = re.search(rf'<tr id="report-{report_id}"[^>]*>(.*?)</tr>', page, re.DOTALL)
    assert found, f"report {report_id} is not listed"
    return found.group(1)


def test_report_list_shows_state_reason_and_links(world, login_as, add_reports) -> None:
    ids = add_reports()
    page = login_as("holder_a").get("/report").text
    hit = _row(page, ids["hit"])
    assert "became a hit" in hit and f'href="/hits/{world.hits_a[0]}"' in hit
    assert 'href="https://shop.example/item/1"' in hit and "L1-1" in hit
    assert "no match" in _row(page, ids["no_match"])
    assert "fetch failed" in _row(page, ids["fetch_failed"]) and "the site answered HTTP 404" in page
    assert "refused" in _row(page, ids["refused"]) and "safety rules" in _row(page, ids["refused"])
    assert "queued" in _row(page, ids["queued"])
    assert f'id="report-{ids["b"]}"' not in page and "b-only" not in page
    # the hit it links to is one the rights holder may open
    assert login_as("holder_a").get(f"/hits/{world.hits_a[0]}").status_code == 200


def test_rights_holders_see_only_their_own_reports(world, login_as, add_reports) -> None:
    ids = add_reports()
    page_b = login_as("holder_b").get("/report").text
    assert re.findall(r'id="report-(\d+)"', page_b) == [str(ids["b"])]
    staff = login_as("reviewer").get("/report").text
    assert set(re.findall(r'id="report-(\d+)"', staff)) == {str(i) for i in ids.values()}


def test_report_states_and_reasons_in_chinese(world, login_as, csrf, add_reports) -> None:
    ids = add_reports()
    client = login_as("holder_a")
    client.post("/account/locale", data={"locale": "zh_Hans", "next": "/report", "csrf_token": csrf(client, "/report")})
    page = client.get("/report").text
    assert "the site answered HTTP 404" not in page and "404" in _row(page, ids["fetch_failed"])
    assert "became a hit" not in page and "no match" not in page
    reason = re.search(r'class="reason">([^<]*)<', _row(page, ids["refused"])).group(1)
    assert reason and re.search(r"[\u4e00-\u9fff]", reason)


def test_the_api_lists_states_reasons_and_hits_scoped(world, client, add_reports, sqlite_engine) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared_db.models import User
    from shared_db.repo.users import issue_api_token

    ids = add_reports()
    with Session(sqlite_engine) as session, session.begin():
        user = session.scalars(select(User).where(User.email == world.emails["holder_a"])).one()
        headers = {"Authorization": f"Bearer {issue_api_token(user, session=session)}"}
    rows = {row["id"]: row for row in client.get("/api/v1/reports", headers=headers).json()}
    assert set(rows) == {ids[k] for k in ("hit", "no_match", "fetch_failed", "refused", "queued")}
    assert rows[ids["hit"]]["status"] == "hit" and rows[ids["hit"]]["hit_id"] == world.hits_a[0]
    assert rows[ids["fetch_failed"]]["reason"] == "the site answered HTTP 404"
    assert rows[ids["no_match"]]["listing_id"] == "shop:2"
