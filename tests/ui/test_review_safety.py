"""Review safety: undo the last decision, reopen with an audited reason, bulk actions confirm their count.

Undone decisions and reopened hits are no training labels (checked through the labels the retraining reads).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from detection.classifier.training import labelled_rows
from shared_db.models import REOPENED, AuditLog, Decision, Hit, User
from shared_db.repo.hits import ReopenRefused, UndoRefused, decide, reopen, undo_decision

WINDOW = timedelta(seconds=15)


def _user(session: Session, email: str) -> int:
    return session.scalar(select(User.id).where(User.email == email))


def _labels(session: Session, settings) -> dict[int, int]:  # type: ignore[no-untyped-def]
    rows, _source = labelled_rows(session=session, settings=settings)
    return {row.hit_id: row.label for row in rows}


def test_undo_restores_the_hit_and_removes_the_label(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    engine, world = seeded
    hit_id = world.hits_a[0]
    with Session(engine) as session, session.begin():
        reviewer, other = _user(session, world.emails["reviewer"]), _user(session, world.emails["admin"])
        decision = decide(hit_id, "confirmed", session=session, reviewer_id=reviewer, expected_version=1)
        assert _labels(session, settings) == {hit_id: 1}
        with pytest.raises(UndoRefused):
            undo_decision(decision.id, session=session, user_id=other, window=WINDOW)  # not theirs
        hit = undo_decision(decision.id, session=session, user_id=reviewer, window=WINDOW)
        assert (hit.status, hit.version) == ("new", 3)
        assert _labels(session, settings) == {}
        with pytest.raises(UndoRefused):
            undo_decision(decision.id, session=session, user_id=reviewer, window=WINDOW)  # already undone
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "hit.undo")).one()
        assert audit.actor_id == reviewer and audit.after == {"status": "new", "version": 3}
        # decided again: that verdict is the label
        decide(hit_id, "dismissed", session=session, reviewer_id=reviewer, expected_version=3)
        assert _labels(session, settings) == {hit_id: 0}


def test_undo_is_refused_when_too_late_or_the_hit_changed_since(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, world = seeded
    with Session(engine) as session, session.begin():
        reviewer, admin = _user(session, world.emails["reviewer"]), _user(session, world.emails["admin"])
        old = decide(world.hits_a[0], "confirmed", session=session, reviewer_id=reviewer, expected_version=1)
        session.execute(update(Decision).where(Decision.id == old.id)
                        .values(created_at=old.created_at - timedelta(minutes=5)))
        with pytest.raises(UndoRefused, match="older than"):
            undo_decision(old.id, session=session, user_id=reviewer, window=WINDOW)
        first = decide(world.hits_a[1], "confirmed", session=session, reviewer_id=reviewer, expected_version=1)
        reopen(world.hits_a[1], session=session, user_id=admin, expected_version=2, reason="wrong mark")
        with pytest.raises(UndoRefused, match="changed"):
            undo_decision(first.id, session=session, user_id=reviewer, window=WINDOW)
        statuses = dict(session.execute(select(Hit.id, Hit.status).where(Hit.id.in_(world.hits_a[:2]))).all())
    assert statuses == {world.hits_a[0]: "confirmed", world.hits_a[1]: "new"}


def test_reopen_needs_a_reason_is_audited_and_removes_the_label(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    engine, world = seeded
    hit_id = world.hits_b[0]
    with Session(engine) as session, session.begin():
        reviewer = _user(session, world.emails["reviewer"])
        with pytest.raises(ReopenRefused):
            reopen(hit_id, session=session, user_id=reviewer, expected_version=1, reason="x")  # not decided
        decide(hit_id, "dismissed", session=session, reviewer_id=reviewer, expected_version=1)
        with pytest.raises(ReopenRefused):
            reopen(hit_id, session=session, user_id=reviewer, expected_version=2, reason="   ")
        row = reopen(hit_id, session=session, user_id=reviewer, expected_version=2, reason="seller is authorised")
        assert row.verdict == REOPENED and session.get(Hit, hit_id).status == "new"
        assert _labels(session, settings) == {}
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "hit.reopen")).one()
        assert audit.after["reason"] == "seller is authorised" and audit.before["status"] == "dismissed"
        decide(hit_id, "confirmed", session=session, reviewer_id=reviewer, expected_version=3)
        assert _labels(session, settings) == {hit_id: 1}


def _decisions(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Decision))


def test_bulk_with_nothing_selected_does_nothing_and_says_so(world, login_as, csrf, sqlite_engine) -> None:
    reviewer = login_as("reviewer")
    token = csrf(reviewer, "/queue")
    response = reviewer.post("/queue/bulk", data={"verdict": "confirmed", "csrf_token": token})
    assert response.status_code == 303
    page = reviewer.get(response.headers["location"]).text
    assert "Nothing selected, so nothing was decided" in page and "0 hits decided" not in page
    assert _decisions(sqlite_engine) == 0


def test_bulk_confirms_the_count_first_then_offers_undo(world, login_as, csrf, sqlite_engine) -> None:
    reviewer = login_as("reviewer")
    token = csrf(reviewer, "/queue")
    chosen = [f"{world.hits_a[0]}:1", f"{world.hits_b[0]}:1"]
    asked = reviewer.post("/queue/bulk", data={"verdict": "dismissed", "sel": chosen, "csrf_token": token,
                                               "query": "status=new"})
    assert asked.status_code == 200 and "Decide 2 hits at once?" in asked.text
    assert _decisions(sqlite_engine) == 0  # nothing decided before the count is confirmed
    wrong = reviewer.post("/queue/bulk", data={"verdict": "dismissed", "sel": chosen, "count": 3,
                                               "csrf_token": token})
    assert wrong.status_code == 200 and _decisions(sqlite_engine) == 0
    done = reviewer.post("/queue/bulk", data={"verdict": "dismissed", "sel": chosen, "count": 2,
                                              "csrf_token": token, "query": "status=new"})
    assert done.status_code == 303 and _decisions(sqlite_engine) == 2
    queue = reviewer.get(done.headers["location"]).text
    assert "2 hits decided." in queue and 'id="undo-last"' in queue
    ids = re.findall(r'name="decision" value="(\d+)"', queue)
    assert len(ids) == 2
    undone = reviewer.post("/decisions/undo", data={"decision": ids, "back": "/queue", "csrf_token": token})
    assert undone.status_code == 303 and undone.headers["location"] == "/queue"
    assert "Undone: 2 decisions" in reviewer.get("/queue").text
    with Session(sqlite_engine) as session:
        statuses = set(session.scalars(select(Hit.status).where(Hit.id.in_([world.hits_a[0], world.hits_b[0]]))))
    assert statuses == {"new"}


def test_undo_of_someone_elses_decision_and_open_redirects_are_refused(world, login_as, csrf,  # type: ignore[no-untyped-def]
                                                                      sqlite_engine) -> None:
    reviewer, admin = login_as("reviewer"), login_as("admin")
    token = csrf(reviewer, f"/hits/{world.hits_a[0]}")
    assert reviewer.post(f"/hits/{world.hits_a[0]}/decide",
                         data={"verdict": "confirmed", "version": 1, "csrf_token": token}).status_code == 303
    page = reviewer.get(f"/hits/{world.hits_a[0]}").text
    decision = re.search(r'name="decision" value="(\d+)"', page).group(1)
    admin_token = csrf(admin, "/queue")
    refused = admin.post("/decisions/undo", data={"decision": decision, "back": "//evil.example/",
                                                   "csrf_token": admin_token})
    assert refused.headers["location"] == "/queue"
    assert "Not undone" in admin.get("/queue").text
    with Session(sqlite_engine) as session:
        assert session.get(Hit, world.hits_a[0]).status == "confirmed"


def test_reopen_from_the_hit_page(world, login_as, csrf, sqlite_engine) -> None:
    reviewer = login_as("reviewer")
    hit_id = world.hits_a[1]
    token = csrf(reviewer, f"/hits/{hit_id}")
    reviewer.post(f"/hits/{hit_id}/decide", data={"verdict": "dismissed", "version": 1, "csrf_token": token})
    page = reviewer.get(f"/hits/{hit_id}").text
    assert 'id="reopen-form"' in page
    missing = reviewer.post(f"/hits/{hit_id}/reopen", data={"version": 2, "reason": " ", "csrf_token": token})
    assert missing.status_code == 422 and "Give the reason for reopening" in missing.text
    stale = reviewer.post(f"/hits/{hit_id}/reopen", data={"version": 1, "reason": "why", "csrf_token": token})
    assert stale.status_code == 409
    ok = reviewer.post(f"/hits/{hit_id}/reopen", data={"version": 2, "reason": "authorised reseller",
                                                       "csrf_token": token})
    assert ok.status_code == 303
    page = reviewer.get(f"/hits/{hit_id}").text
    assert "back in the queue" in page and "authorised reseller" in page and 'id="decide-form"' in page
    for role in ("authority", "holder_a"):
        other = login_as(role)
        assert other.post(f"/hits/{hit_id}/reopen", data={"version": 3, "reason": "x",
                                                          "csrf_token": csrf(other, "/queue")}).status_code == 403


def test_an_undone_decision_counts_nowhere_on_the_dashboard(world, login_as, csrf, sqlite_engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        reviewer = _user(session, world.emails["reviewer"])
        decide(world.hits_a[0], "confirmed", session=session, reviewer_id=reviewer, expected_version=1)
        wrong = decide(world.hits_a[1], "dismissed", session=session, reviewer_id=reviewer, expected_version=1)
        undo_decision(wrong.id, session=session, user_id=reviewer, window=WINDOW)
    admin = login_as("admin")
    page = admin.get("/dashboard").text
    assert ">100%<" in page, "precision: 1 confirmed of 1 decided (the undone dismissal is not counted)"
    admin.post("/account/locale", data={"locale": "zh_Hans", "next": "/dashboard",
                                         "csrf_token": csrf(admin, "/dashboard")})
    chinese = admin.get("/dashboard").text
    assert 'class="chart-label">已确认<' in chinese and 'class="chart-label">new<' not in chinese
