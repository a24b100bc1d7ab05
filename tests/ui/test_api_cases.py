"""The JSON API's enforcement cases and review corrections, on SQLite and PostgreSQL: scoped to the user's
organisation, the same roles as the pages, state refusals as 409, every change audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.app import create_app
from shared_db.models import AuditLog, CaseListing, User
from shared_db.repo.cases import record_check
from shared_db.repo.hits import decide
from shared_db.repo.users import issue_api_token
from tests.ui.test_api import bearer


@pytest.fixture
def api(seeded, settings) -> Iterator[tuple[TestClient, object, object, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """A client of an app over the seeded database (SQLite or PostgreSQL), and a bearer token per role."""
    engine, world = seeded
    url = engine.url.render_as_string(hide_password=False)
    with Session(engine) as session, session.begin():
        tokens = {role: issue_api_token(session.scalars(select(User).where(User.email == email)).one(), session=session)
                  for role, email in world.emails.items()}
    with TestClient(create_app(settings.model_copy(update={"database_url": url})), follow_redirects=False) as client:
        yield client, engine, world, tokens


def _sent_case(client: TestClient, engine, world, tokens) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Acme's case (two hits) and Brandx's, both sent; a re-check found Acme's first listing removed, the other online."""
    from review_ui.notices import notice_config
    from shared_db.repo.cases import open_cases, record_sent, uncased_confirmed_hits

    with Session(engine) as session, session.begin():
        for hit_id in (world.hits_a[0], world.hits_a[1], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
        cases = open_cases(uncased_confirmed_hits(session=session, org_id=None), session=session,
                           per_mark=lambda m: False, template=lambda m: notice_config(m).template, created_by=None)
        for case in cases:
            record_sent(case, session=session, sent_to="ip@demo.example", sent_by=None, notice_sha256="0" * 64)
        acme, brandx = (c.id for c in sorted(cases, key=lambda c: c.organisation.name))
        items = list(session.scalars(select(CaseListing).where(CaseListing.case_id == acme).order_by(CaseListing.id)))
        record_check(items[0], session=session, outcome="removed", http_status=404, note=None)
        record_check(items[1], session=session, outcome="online", http_status=200, note=None)
    return acme, brandx


def test_cases_are_listed_and_shown_in_the_users_scope(api) -> None:
    client, engine, world, tokens = api
    acme, brandx = _sent_case(client, engine, world, tokens)
    assert client.get("/api/v1/enforcement/cases").status_code == 401
    every = client.get("/api/v1/enforcement/cases", headers=bearer(tokens["authority"])).json()
    assert {c["id"] for c in every} == {acme, brandx}
    own = client.get("/api/v1/enforcement/cases", headers=bearer(tokens["holder_a"])).json()
    assert [(c["id"], c["rights_holder"], c["listings"], c["removed"]) for c in own] == [(acme, "Acme Corp", 2, 1)]
    assert client.get(f"/api/v1/enforcement/cases/{brandx}", headers=bearer(tokens["holder_a"])).status_code == 404
    detail = client.get(f"/api/v1/enforcement/cases/{acme}", headers=bearer(tokens["holder_a"])).json()
    assert detail["status"] == "sent" and detail["notice_sent_to"] == "ip@demo.example"
    assert [(i["hit_id"], i["outcome"]) for i in detail["items"]] == [(world.hits_a[0], "removed"),
                                                                        (world.hits_a[1], "online")]


def test_answer_follow_up_close_and_reopen_a_case(api) -> None:
    client, engine, world, tokens = api
    acme, _ = _sent_case(client, engine, world, tokens)
    url = f"/api/v1/enforcement/cases/{acme}"
    holder, reviewer = bearer(tokens["holder_a"]), bearer(tokens["reviewer"])
    assert client.post(f"{url}/response", json={"response": "accepted"}, headers=holder).status_code == 403
    assert client.post(f"{url}/response", json={"response": "maybe"}, headers=reviewer).status_code == 422
    answered = client.post(f"{url}/response", json={"response": "partially_accepted", "note": "item 2 stays"},
                           headers=reviewer)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    followed = client.post(f"{url}/followup", json={"sent_to": "ip@demo.example"}, headers=holder)
    assert followed.status_code == 200
    body = followed.json()
    assert body["followups"] == 1 and [i["followup_at"] is not None for i in body["items"]] == [False, True]
    assert client.post(f"{url}/close", json={"resolution": "withdrawn", "note": "  "}, headers=holder).status_code == 422
    assert client.post(f"{url}/close", json={"resolution": "won", "note": "x"}, headers=holder).status_code == 422
    assert client.post(f"{url}/close", json={"resolution": "withdrawn", "note": "x"},
                       headers=bearer(tokens["authority"])).status_code == 403
    assert client.post(f"{url}/close", json={"resolution": "withdrawn", "note": "x"},
                       headers=bearer(tokens["holder_b"])).status_code == 404
    closed = client.post(f"{url}/close", json={"resolution": "marketplace_refused", "note": "refused item 2"},
                         headers=holder)
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["resolution"], closed.json()["close_note"]) == (
        "closed", "marketplace_refused", "refused item 2")
    late = client.post(f"{url}/followup", json={"sent_to": "ip@demo.example"}, headers=holder)
    assert late.status_code == 409 and "reopen it first" in late.json()["detail"]
    assert client.post(f"{url}/reopen", json={"reason": ""}, headers=holder).status_code == 422
    reopened = client.post(f"{url}/reopen", json={"reason": "new photos of item 2"}, headers=holder)
    assert reopened.status_code == 200 and reopened.json()["status"] == "answered"
    again = client.post(f"{url}/reopen", json={"reason": "twice"}, headers=holder)
    assert again.status_code == 409 and "not closed" in again.json()["detail"]
    with Session(engine) as session:
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.object_type == "case",
                                                                     AuditLog.object_id == str(acme))
                                       .order_by(AuditLog.id)))
    assert actions == ["case.open", "case.send", "case.response", "case.followup", "case.close", "case.reopen"]


def test_undo_the_last_decision_and_reopen_a_hit(api) -> None:
    client, engine, world, tokens = api
    hit = world.hits_a[0]
    reviewer, admin = bearer(tokens["reviewer"]), bearer(tokens["admin"])
    assert client.post(f"/api/v1/hits/{hit}/undo", headers=reviewer).status_code == 409  # nothing decided yet
    client.post(f"/api/v1/hits/{hit}/decision", json={"verdict": "confirmed", "expected_version": 1}, headers=reviewer)
    assert client.post(f"/api/v1/hits/{hit}/undo", headers=bearer(tokens["holder_a"])).status_code == 403
    assert client.post(f"/api/v1/hits/{world.hits_b[0]}/undo", headers=reviewer).status_code == 409
    not_yours = client.post(f"/api/v1/hits/{hit}/undo", headers=admin)
    assert not_yours.status_code == 409 and "not one of your decisions" in not_yours.json()["detail"]
    undone = client.post(f"/api/v1/hits/{hit}/undo", headers=reviewer)
    assert undone.status_code == 200 and undone.json()["status"] == "new" and undone.json()["version"] == 3
    assert undone.json()["decisions"][-1]["undone_at"] is not None
    client.post(f"/api/v1/hits/{hit}/decision", json={"verdict": "dismissed", "expected_version": 3}, headers=reviewer)
    reopen = f"/api/v1/hits/{hit}/reopen"
    assert client.post(reopen, json={"expected_version": 4, "reason": " "}, headers=admin).status_code == 422
    assert client.post(reopen, json={"expected_version": 4, "reason": "x"},
                       headers=bearer(tokens["authority"])).status_code == 403
    stale = client.post(reopen, json={"expected_version": 3, "reason": "wrong call"}, headers=admin)
    assert stale.status_code == 409
    done = client.post(reopen, json={"expected_version": 4, "reason": "the seller is authorised after all"},
                       headers=admin)
    assert done.status_code == 200 and done.json()["verdict"] == "reopened"
    assert done.json()["reason"] == "the seller is authorised after all"
    assert client.get(f"/api/v1/hits/{hit}", headers=admin).json()["status"] == "new"
    twice = client.post(reopen, json={"expected_version": 5, "reason": "again"}, headers=admin)
    assert twice.status_code == 422 and "nothing to reopen" in twice.json()["detail"]
    assert client.post(f"/api/v1/hits/{world.hits_b[0]}/reopen", json={"expected_version": 1, "reason": "x"},
                       headers=bearer(tokens["holder_a"])).status_code in (403, 404)
    with Session(engine) as session:
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.object_type == "hit",
                                                                     AuditLog.object_id == str(hit))
                                       .order_by(AuditLog.id)))
    assert "hit.undo" in actions and "hit.reopen" in actions


def test_a_hit_tells_its_staydown_kind(api) -> None:
    client, engine, world, tokens = api
    from sqlalchemy import update

    from shared_db.models import EnforcementCase, Hit

    with Session(engine) as session, session.begin():
        hit = session.get(Hit, world.hits_a[2])
        case = EnforcementCase(org_id=hit.mark.org_id, marketplace="demo", network=[], status="sent", template="default")
        session.add(case)
        session.flush()
        session.execute(update(Hit).where(Hit.id == world.hits_a[3]).values(
            relisting_of_case_id=case.id, relisting_kind="repeat_infringer",
            relisting_reason="repeat infringer: seller seller1 had L1 removed after case 1; this is another item "
                             "(title 40% like the removed one)"))
        case_id = case.id
    shown = client.get(f"/api/v1/hits/{world.hits_a[3]}", headers=bearer(tokens["holder_a"])).json()
    assert (shown["relisting_of_case_id"], shown["relisting_kind"]) == (case_id, "repeat_infringer")
    assert client.get(f"/api/v1/hits/{world.hits_a[2]}", headers=bearer(tokens["holder_a"])).json()["relisting_kind"] is None
