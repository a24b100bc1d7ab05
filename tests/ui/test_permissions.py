"""The permission matrix: every role × every route, and rights holder A never reaching B's objects."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import Hit
from shared_db.repo.hits import decide

ALL = {"admin", "reviewer", "authority", "holder_a", "holder_b"}
DECIDERS = {"admin", "reviewer"}  # confirm, dismiss, claim, bulk
ESCALATORS = DECIDERS | {"authority"}
VERDICT = 'name="verdict" value='
EDITORS = {"admin", "holder_a", "holder_b"}
CURATORS = {"admin", "reviewer"}


def get_matrix(world) -> list[tuple[str, dict[str, int]]]:
    """(path, {role: expected status}) for every page; 403 for a role, 404 for another org's object."""
    a, b = world.hits_a[0], world.hits_b[0]

    def only(allowed: set[str], denied: int = 403) -> dict[str, int]:
        return {role: 200 if role in allowed else denied for role in ALL}

    def a_object(ok: set[str]) -> dict[str, int]:
        return {role: 200 if role in ok else (404 if role == "holder_b" else 403) for role in ALL}

    return [
        ("/queue", only(ALL)),
        ("/queue?order=uncertain&status=all", only(ALL)),
        (f"/hits/{a}", {**only(ALL), "holder_b": 404}),
        (f"/hits/{b}", {**only(ALL), "holder_a": 404}),
        (f"/hits/{a}/evidence", {**only(ALL), "holder_b": 404}),
        ("/marks", only(ALL)),
        ("/marks/new", only(EDITORS)),
        ("/marks/import", only(EDITORS)),
        (f"/marks/{world.mark_a}/edit", a_object({"admin", "holder_a"})),
        ("/marks/pending", only(CURATORS)),
        (f"/marks/{world.mark_a}/review", only(CURATORS)),
        ("/search", only(ALL)),
        ("/report", only(ALL)),
        ("/cases", only(ALL)),
        ("/cases/export.csv", only(ALL)),
        ("/cases/export.json", only(ALL)),
        ("/cases/export.zip", only(ALL)),
        ("/cases/view?marketplace=demo&seller=seller1", {**only(ALL), "holder_b": 404}),
        ("/cases/takedown?marketplace=demo&seller=seller1", {**only(ALL), "holder_b": 404}),
        ("/exports/authority.json", only(ALL)),
        ("/dashboard", only(ALL)),
        ("/admin/users", only({"admin"})),
        ("/admin/orgs", only({"admin"})),
        ("/admin/audit", only({"admin"})),
    ]


@pytest.fixture
def confirmed_a(world, sqlite_engine) -> int:
    """One of org A's hits confirmed (seller1), so cases exist."""
    with Session(sqlite_engine) as session, session.begin():
        hit = session.get(Hit, world.hits_a[0])
        decide(hit.id, "confirmed", session=session, reviewer_id=None, expected_version=hit.version)
    return world.hits_a[0]


def test_every_role_on_every_page(world, login_as, confirmed_a, settings, sqlite_engine) -> None:
    from shared_db.evidence import EvidenceStore

    sha = EvidenceStore(settings.resolved_evidence_dir).put(b"<p>x</p>", url="https://demo.example/1", status=200)
    with Session(sqlite_engine) as session, session.begin():
        for hit in session.scalars(select(Hit)):
            hit.evidence_sha256 = sha
    failures = []
    for role in sorted(ALL):
        client = login_as(role)
        for path, expected in get_matrix(world):
            status = client.get(path).status_code
            if status != expected[role]:
                failures.append(f"{role} GET {path}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_unsafe_routes_by_role(world, login_as, csrf) -> None:
    failures = []
    for role in sorted(ALL):
        client = login_as(role)
        token = csrf(client, "/queue")
        a, b = world.hits_a, world.hits_b
        # Hits still at version 1 for this role: to dismiss, to confirm, to escalate (after the refusals).
        own_hit, to_confirm, to_escalate = {
            "admin": (a[1], b[2], b[3]), "reviewer": (a[4], b[4], world.xss_hit), "authority": (a[3], a[3], a[3]),
            "holder_a": (a[1], a[1], a[1]), "holder_b": (b[1], b[1], b[1])}[role]
        bulk_hit = {"admin": a[0], "reviewer": a[2]}.get(role, a[1])
        checks = [
            (f"/hits/{own_hit}/decide", {"verdict": "dismissed", "version": 1}, 303 if role in DECIDERS else 403),
            (f"/hits/{to_confirm}/decide", {"verdict": "confirmed", "version": 1}, 303 if role in DECIDERS else 403),
            (f"/hits/{own_hit}/claim", {}, 303 if role in DECIDERS else 403),
            ("/queue/bulk", {"verdict": "dismissed", "sel": f"{bulk_hit}:1", "count": 1}, 303 if role in DECIDERS else 403),
            ("/queue/bulk", {"verdict": "confirmed", "sel": f"{bulk_hit}:1", "count": 1}, 303 if role in DECIDERS else 403),
            ("/queue/bulk", {"verdict": "escalated", "sel": f"{bulk_hit}:1", "count": 1}, 303 if role in ESCALATORS else 403),
            (f"/marks/{world.mark_a}/edit", {"aliases": "x"},
             {"admin": 303, "holder_a": 303, "holder_b": 404}.get(role, 403)),
            (f"/marks/{world.mark_a}/verify", {"status": "verified"}, 303 if role in CURATORS else 403),
            (f"/marks/{world.mark_a}/weight", {"weight": "1"}, 303 if role in CURATORS else 403),
            (f"/marks/{world.mark_a}/edit", {"weight": "9"},
             {"admin": 303, "holder_a": 403, "holder_b": 404}.get(role, 403)),
            ("/admin/orgs", {"name": f"Org of {role}"}, 303 if role == "admin" else 403),
            ("/admin/users", {"email": f"new-{role}@example.org", "password": "another long pass 9",
                              "role": "reviewer"}, 303 if role == "admin" else 403),
            (f"/hits/{to_escalate}/decide", {"verdict": "escalated", "version": 1},
             303 if role in ESCALATORS else 403),
        ]
        for path, data, expected in checks:
            status = client.post(path, data={**data, "csrf_token": token}).status_code
            if status != expected:
                failures.append(f"{role} POST {path}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_rights_holder_a_cannot_read_list_export_or_guess_b(world, login_as, csrf, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        for hit_id in (world.hits_a[0], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    holder = login_as("holder_a")
    for hit_id in world.hits_b:
        for path in (f"/hits/{hit_id}", f"/hits/{hit_id}/evidence"):
            assert holder.get(path).status_code == 404
    # Guessing ids beyond the seeded range looks exactly like another org's hit: 404 either way.
    assert holder.get("/hits/999999").status_code == 404
    texts = [holder.get(p).text for p in (
        "/queue?status=all", f"/queue?status=all&mark_id={world.mark_b}", "/marks", "/cases",
        "/cases/export.csv", "/cases/export.json", "/exports/authority.json", "/dashboard",
        "/cases/view?marketplace=demo&seller=seller1")]
    for text in texts:
        assert "brandx" not in text.lower()
    assert "acme" in texts[0].lower() and "ACME" in texts[2]
    assert holder.get(f"/marks/{world.mark_b}/edit").status_code == 404
    token = csrf(holder, "/marks")
    assert holder.post(f"/marks/{world.mark_b}/edit", data={"aliases": "stolen", "csrf_token": token}).status_code == 404
    report = holder.post("/report", data={"url": "http://93.184.216.34/x", "mark_id": str(world.mark_b),
                                          "csrf_token": token})
    assert report.status_code == 422
    # B sees its own hit in the queue; reviewers see both.
    assert "brandx" in login_as("holder_b").get("/queue?status=all").text.lower()
    both = login_as("reviewer").get("/queue?status=all").text.lower()
    assert "brandx" in both and "acme" in both


def test_authorities_escalate_but_never_confirm_or_dismiss(world, login_as, csrf, sqlite_engine) -> None:
    """Policy: authorities view, search, export and escalate; reviewers and admins decide."""
    authority = login_as("authority")
    hit = world.hits_a[0]
    for page in (authority.get(f"/hits/{hit}").text, authority.get("/queue").text):
        assert f'{VERDICT}"escalated"' in page
        assert f'{VERDICT}"confirmed"' not in page and f'{VERDICT}"dismissed"' not in page
    token = csrf(authority, "/queue")
    for verdict in ("confirmed", "dismissed"):
        denied = authority.post(f"/hits/{hit}/decide", data={"verdict": verdict, "version": 1, "csrf_token": token})
        assert denied.status_code == 403
    with Session(sqlite_engine) as session:
        assert session.get(Hit, hit).status == "new" and not session.get(Hit, hit).decisions
    escalated = authority.post(f"/hits/{hit}/decide", data={"verdict": "escalated", "version": 1,
                                                            "csrf_token": token})
    assert escalated.status_code == 303
    reviewer_page = login_as("reviewer").get(f"/hits/{world.hits_a[1]}").text
    assert f'{VERDICT}"confirmed"' in reviewer_page and f'{VERDICT}"dismissed"' in reviewer_page


def test_authority_api_token_may_escalate_only(world, client, sqlite_engine) -> None:
    from shared_db.models import User
    from shared_db.repo.users import issue_api_token

    with Session(sqlite_engine) as session, session.begin():
        user = session.scalar(select(User).where(User.email == world.emails["authority"]))
        headers = {"Authorization": f"Bearer {issue_api_token(user, session=session)}"}
    hit = world.hits_a[0]
    for verdict in ("confirmed", "dismissed"):
        body = {"verdict": verdict, "expected_version": 1}
        denied = client.post(f"/api/v1/hits/{hit}/decision", json=body, headers=headers)
        assert denied.status_code == 403 and "authority" in denied.json()["detail"]
        bulk = client.post("/api/v1/decisions", json={**body, "hits": [{"hit_id": hit, "expected_version": 1}]},
                           headers=headers)
        assert bulk.status_code == 403
    assert client.post(f"/api/v1/hits/{hit}/claim", headers=headers).status_code == 403
    ok = client.post(f"/api/v1/hits/{hit}/decision", json={"verdict": "escalated", "expected_version": 1},
                     headers=headers)
    assert ok.status_code == 200 and ok.json()["verdict"] == "escalated"
    bulk = client.post("/api/v1/decisions", json={"verdict": "escalated",
                                                  "hits": [{"hit_id": world.hits_a[1], "expected_version": 1}]},
                       headers=headers)
    assert bulk.status_code == 200 and bulk.json()["decided"] == [world.hits_a[1]]
