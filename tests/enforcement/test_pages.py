"""Enforcement pages: roles, organisation scope, sending and answering, the dashboard's removal rate, the hit
page's seller network and a case against a whole network."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import CaseListing, EnforcementCase, Hit, SellerLink
from shared_db.repo.cases import record_check
from shared_db.repo.hits import decide

ALL = ("admin", "reviewer", "authority", "holder_a", "holder_b")


def _confirm(engine, *hit_ids: int) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        for hit_id in hit_ids:
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)


def _cases(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {c.organisation.name: c.id for c in session.scalars(select(EnforcementCase))}


def test_generate_send_answer_and_recheck_figures_per_role_and_scope(world, login_as, csrf, sqlite_engine) -> None:
    _confirm(sqlite_engine, world.hits_a[0], world.hits_a[1], world.hits_b[0])
    authority = login_as("authority")
    assert authority.post("/enforcement/notices", data={"csrf_token": csrf(authority, "/enforcement")}).status_code == 403
    holder_a = login_as("holder_a")
    assert holder_a.post("/enforcement/notices", data={"csrf_token": csrf(holder_a, "/enforcement")}).status_code == 303
    assert set(_cases(sqlite_engine)) == {"Acme Corp"}  # a rights holder opens only its own organisation's
    reviewer = login_as("reviewer")
    token = csrf(reviewer, "/enforcement")
    assert reviewer.post("/enforcement/notices", data={"csrf_token": token}).status_code == 303
    again = reviewer.post("/enforcement/notices", data={"csrf_token": token})
    assert again.status_code == 404 and "No confirmed hits waiting" in again.text  # nothing done, and it says so
    cases = _cases(sqlite_engine)
    a, b = cases["Acme Corp"], cases["Brandx Ltd"]
    for role in ALL:
        client = login_as(role)
        for path in ("", "/notice.txt", "/notice.pdf", "/forms.csv", "/forms.json"):
            expected = 404 if role == "holder_b" else 200
            assert client.get(f"/enforcement/cases/{a}{path}").status_code == expected, (role, path)
        listing = client.get("/enforcement").text
        assert ("Brandx Ltd" in listing) == (role != "holder_a") and ("Acme Corp" in listing) == (role != "holder_b")
    notice = reviewer.get(f"/enforcement/cases/{a}/notice.txt").text
    assert "Acme Corp" in notice and "Brandx" not in notice and "https://demo.example/item/1" in notice
    assert reviewer.get(f"/enforcement/cases/{a}/notice.pdf").content.startswith(b"%PDF")
    assert holder_a.post(f"/enforcement/cases/{b}/sent", data={"sent_to": "x", "csrf_token": token}).status_code in (403, 404)
    token_a = csrf(holder_a, f"/enforcement/cases/{a}")
    assert holder_a.post(f"/enforcement/cases/{a}/sent", data={"sent_to": " ", "csrf_token": token_a}).status_code == 422
    sent = holder_a.post(f"/enforcement/cases/{a}/sent", data={"sent_to": "ip@demo.example", "csrf_token": token_a})
    assert sent.status_code == 303
    assert holder_a.post(f"/enforcement/cases/{a}/response",
                         data={"response": "accepted", "csrf_token": token_a}).status_code == 403
    answered = reviewer.post(f"/enforcement/cases/{a}/response",
                             data={"response": "partially_accepted", "note": "ticket 42", "csrf_token": token})
    assert answered.status_code == 303
    assert reviewer.post(f"/enforcement/cases/{a}/response",
                         data={"response": "maybe", "csrf_token": token}).status_code == 422
    page = reviewer.get(f"/enforcement/cases/{a}").text
    assert "ip@demo.example" in page and "ticket 42" in page
    assert "partially accepted ticket 42" in page and "partially_accepted</option>" not in page
    hit_page = holder_a.get(f"/hits/{world.hits_a[0]}").text
    assert f"/enforcement/cases/{a}" in hit_page and "to ip@demo.example" in hit_page
    with Session(sqlite_engine) as session, session.begin():
        items = list(session.scalars(select(CaseListing).where(CaseListing.case_id == a).order_by(CaseListing.id)))
        record_check(items[0], session=session, outcome="removed", http_status=404, note=None)
        record_check(items[1], session=session, outcome="online", http_status=200, note=None)
    dashboard = holder_a.get("/dashboard").text
    assert 'class="num removal-rate">50%' in dashboard
    assert "removal-rate" not in login_as("holder_b").get("/dashboard").text  # B sent nothing
    zh = reviewer.get(f"/enforcement/cases/{a}", headers={"Accept-Language": "zh-Hans"})
    assert zh.status_code == 200


def test_hit_page_shows_the_sellers_network_and_a_case_against_it(world, login_as, csrf, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        session.add_all([SellerLink(marketplace="demo", seller_a="seller0", seller_b="seller1", reason="image",
                                    detail="photo 0123456789abcdef"),
                         SellerLink(marketplace="demo", seller_a="seller1", seller_b="seller7", reason="contact",
                                    detail="wa +86 1234")])
        seller0 = session.scalars(select(Hit.id).where(Hit.seller_id == "seller0", Hit.mark_id == world.mark_a)).first()
    _confirm(sqlite_engine, world.hits_a[0], world.hits_a[1], world.hits_b[0])
    holder = login_as("holder_a")
    page = holder.get(f"/hits/{seller0}").text
    assert "3 seller accounts linked to this seller" in page and "seller7" in page and "wa +86 1234" in page
    network = holder.get("/sellers/network", params={"marketplace": "demo", "seller": "seller0"})
    assert network.status_code == 200 and network.text.count('class="network-link"') == 2
    assert "brandx" not in network.text.lower()  # another organisation's hits of these sellers stay hidden
    assert login_as("holder_b").get("/sellers/network", params={"marketplace": "demo", "seller": "nobody"}).status_code == 404
    raised = holder.post("/sellers/network/case", data={"marketplace": "demo", "seller": "seller0",
                                                        "csrf_token": csrf(holder, "/enforcement")})
    assert raised.status_code == 303
    with Session(sqlite_engine) as session:
        [case] = session.scalars(select(EnforcementCase))
        assert case.network == ["seller0", "seller1", "seller7"]
        assert {item.hit_id for item in case.listings} == {world.hits_a[0], world.hits_a[1]}
    assert "seller0, seller1, seller7" in holder.get(raised.headers["location"] + "/notice.txt").text
