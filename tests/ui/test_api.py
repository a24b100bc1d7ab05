"""The JSON API: bearer tokens, the same scoping as the pages, conflicts as 409, a valid OpenAPI spec."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared_db.models import User
from shared_db.repo.users import issue_api_token


@pytest.fixture
def tokens(world, sqlite_engine) -> dict[str, str]:
    with Session(sqlite_engine) as session, session.begin():
        return {role: issue_api_token(session.query(User).filter_by(email=email).one(), session=session)
                for role, email in world.emails.items()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_needs_a_valid_token(client, world) -> None:
    assert client.get("/api/v1/hits").status_code == 401
    assert client.get("/api/v1/hits", headers=bearer("mw_forged")).status_code == 401
    assert client.get("/api/v1/hits").headers["www-authenticate"] == "Bearer"


def test_api_hits_are_scoped_and_paginated(client, world, tokens) -> None:
    everyone = client.get("/api/v1/hits?limit=4", headers=bearer(tokens["reviewer"])).json()
    assert len(everyone["items"]) == 4 and everyone["next_cursor"]
    rest = client.get(f"/api/v1/hits?limit=50&after={everyone['next_cursor']}",
                      headers=bearer(tokens["reviewer"])).json()
    assert len(everyone["items"]) + len(rest["items"]) == 11
    own = client.get("/api/v1/hits?limit=100", headers=bearer(tokens["holder_a"])).json()["items"]
    assert {h["mark_id"] for h in own} == {world.mark_a}
    assert client.get(f"/api/v1/hits/{world.hits_b[0]}", headers=bearer(tokens["holder_a"])).status_code == 404
    detail = client.get(f"/api/v1/hits/{world.hits_a[0]}", headers=bearer(tokens["holder_a"])).json()
    assert detail["span_start"] == 10 and detail["decisions"] == []
    marks = client.get("/api/v1/marks", headers=bearer(tokens["holder_b"])).json()
    assert [m["text"] for m in marks] == ["BRANDX"]


def test_api_decisions_conflict_with_409(client, world, tokens) -> None:
    hit = world.hits_a[0]
    body = {"verdict": "confirmed", "expected_version": 1, "reason": "api"}
    assert client.post(f"/api/v1/hits/{hit}/decision", json=body, headers=bearer(tokens["holder_a"])).status_code == 403
    first = client.post(f"/api/v1/hits/{hit}/decision", json=body, headers=bearer(tokens["reviewer"]))
    assert first.status_code == 200 and first.json()["hit_version"] == 2
    second = client.post(f"/api/v1/hits/{hit}/decision", json={**body, "verdict": "dismissed"},
                         headers=bearer(tokens["admin"]))
    assert second.status_code == 409 and "reload" in second.json()["detail"]


def test_api_marks_reports_and_exports(client, world, tokens) -> None:
    created = client.post("/api/v1/marks", json={"text": "ACME KIDS", "owner": "Brandx Ltd", "classes": [25]},
                          headers=bearer(tokens["holder_a"]))
    assert created.status_code == 201 and created.json()["org_id"] == \
        client.get("/api/v1/marks", headers=bearer(tokens["holder_a"])).json()[0]["org_id"]
    assert client.post("/api/v1/marks", json={"text": "X"}, headers=bearer(tokens["reviewer"])).status_code == 403
    assert client.patch(f"/api/v1/marks/{world.mark_b}", json={"aliases": ["x"]},
                        headers=bearer(tokens["holder_a"])).status_code == 404
    patched = client.patch(f"/api/v1/marks/{world.mark_a}", json={"aliases": ["ACM3"]},
                           headers=bearer(tokens["holder_a"]))
    assert patched.json()["aliases"] == ["ACM3"]
    bad = client.post("/api/v1/reports", json={"url": "http://169.254.169.254/"}, headers=bearer(tokens["holder_a"]))
    assert bad.status_code == 422
    ok = client.post("/api/v1/reports", json={"url": "https://93.184.216.34/p", "mark_id": world.mark_a},
                     headers=bearer(tokens["holder_a"]))
    assert ok.status_code == 201 and ok.json()["status"] == "queued"
    assert client.get("/api/v1/reports", headers=bearer(tokens["holder_b"])).json() == []
    export = client.get("/api/v1/exports/authority", headers=bearer(tokens["holder_b"])).json()
    assert {m["text"] for m in export["marks"]} == {"BRANDX"}
    assert client.get("/api/v1/cases", headers=bearer(tokens["admin"])).json() == []


def test_api_ignores_session_cookies(world, login_as) -> None:
    """A logged-in browser cannot be used to call the API (so the API needs no CSRF token)."""
    assert login_as("admin").get("/api/v1/hits").status_code == 401


def test_openapi_declares_response_models(client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/hits" in paths and "/queue" not in paths and "/login" not in paths
    for path, methods in paths.items():
        for method, operation in methods.items():
            ok = operation["responses"].get("200") or operation["responses"].get("201")
            assert ok and "schema" in ok["content"]["application/json"], f"{method} {path}"


def test_schemathesis_validates_responses(app, world, tokens) -> None:
    """Generated requests to every read operation get responses that conform to the declared schema."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue

        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=bearer(tokens["admin"]))

        check()
        checked += 1
    assert checked >= 6


def test_api_claims_and_bulk_decisions(client, world, tokens) -> None:
    hit = world.hits_a[0]
    assert client.post(f"/api/v1/hits/{hit}/claim", headers=bearer(tokens["reviewer"])).json()["claimed"] is True
    assert client.post(f"/api/v1/hits/{hit}/claim", headers=bearer(tokens["admin"])).json()["claimed"] is False
    client.delete(f"/api/v1/hits/{hit}/claim", headers=bearer(tokens["reviewer"]))
    assert client.post(f"/api/v1/hits/{hit}/claim", headers=bearer(tokens["admin"])).json()["claimed"] is True
    body = {"verdict": "dismissed", "reason": "bulk", "hits": [
        {"hit_id": world.hits_a[1], "expected_version": 1}, {"hit_id": world.hits_a[2], "expected_version": 7},
        {"hit_id": world.hits_b[0], "expected_version": 1}]}
    assert client.post("/api/v1/decisions", json=body, headers=bearer(tokens["holder_a"])).status_code == 403
    result = client.post("/api/v1/decisions", json=body, headers=bearer(tokens["reviewer"])).json()
    assert result == {"decided": [world.hits_a[1], world.hits_b[0]], "conflicts": [world.hits_a[2]]}


def test_only_reviewers_and_admins_set_priority_weights(client, world, tokens, sqlite_engine) -> None:
    """The attack: PATCH /api/v1/marks/1 {"weight": 10} by its owner put all its hits above everyone else's."""
    from shared_db.models import Mark

    attack = client.patch(f"/api/v1/marks/{world.mark_a}", json={"weight": 10}, headers=bearer(tokens["holder_a"]))
    assert attack.status_code == 403 and "reviewers or admins" in attack.json()["detail"]
    sneaky = client.post("/api/v1/marks", json={"text": "ACME MAX", "weight": 10}, headers=bearer(tokens["holder_a"]))
    assert sneaky.status_code == 403
    with Session(sqlite_engine) as session:
        assert session.get(Mark, world.mark_a).weight == 1.0
    reviewer = client.put(f"/api/v1/marks/{world.mark_a}/weight", json={"weight": 2.5},
                          headers=bearer(tokens["reviewer"]))
    assert reviewer.status_code == 200 and reviewer.json()["weight"] == 2.5
    admin = client.patch(f"/api/v1/marks/{world.mark_a}", json={"weight": 3}, headers=bearer(tokens["admin"]))
    assert admin.status_code == 200 and admin.json()["weight"] == 3
    for role in ("holder_a", "authority"):
        assert client.put(f"/api/v1/marks/{world.mark_a}/weight", json={"weight": 9},
                          headers=bearer(tokens[role])).status_code == 403


def test_a_rights_holders_mark_is_pending_until_a_reviewer_verifies_it(client, world, tokens) -> None:
    created = client.post("/api/v1/marks", json={"text": "CANON", "registration_number": "FAKE-1", "office": "JPO"},
                          headers=bearer(tokens["holder_a"]))
    assert created.status_code == 201 and created.json()["verification"] == "pending"
    mark_id = created.json()["id"]
    verify = f"/api/v1/marks/{mark_id}/verification"
    assert client.post(verify, json={"status": "verified"}, headers=bearer(tokens["holder_a"])).status_code == 403
    assert client.post(verify, json={"status": "verified"}, headers=bearer(tokens["authority"])).status_code == 403
    rejected = client.post(verify, json={"status": "rejected", "note": "JPO has no registration FAKE-1"},
                           headers=bearer(tokens["reviewer"]))
    assert rejected.status_code == 200
    assert (rejected.json()["verification"], rejected.json()["verification_note"]) == (
        "rejected", "JPO has no registration FAKE-1")
    assert client.post(verify, json={"status": "bogus"}, headers=bearer(tokens["reviewer"])).status_code == 422
    by_admin = client.post("/api/v1/marks", json={"text": "NIKON", "owner": "Nikon Corp"}, headers=bearer(tokens["admin"]))
    assert by_admin.json()["verification"] == "verified"


@pytest.mark.parametrize("body", [
    {"reference_price": "1e30"}, {"reference_price": 1e30}, {"reference_price": "12345678901234567890"},
    {"reference_price": "-1"}, {"aliases": [f"a{n}" for n in range(20_000)]}, {"aliases": ["x" * 201]},
    {"status": "s" * 100_000}, {"classes": [46]}, {"registration_number": "r" * 101}, {"office": "o" * 21},
])
def test_out_of_bounds_mark_fields_are_422_not_500(client, world, tokens, body) -> None:
    patched = client.patch(f"/api/v1/marks/{world.mark_a}", json=body, headers=bearer(tokens["holder_a"]))
    assert patched.status_code == 422, patched.text
    created = client.post("/api/v1/marks", json={"text": "BOUNDS", **body}, headers=bearer(tokens["holder_a"]))
    assert created.status_code == 422, created.text
