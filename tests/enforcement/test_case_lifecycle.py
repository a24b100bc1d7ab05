"""A case's life after its notice, on the pages: a follow-up notice for the listings still online (citing the first
notice's date), closing as resolved with a note, reopening with a reason; audited, scoped, refused with reasons."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.notices import notice_sha256
from shared_db.models import AuditLog, CaseListing, EnforcementCase, Organisation, utcnow
from shared_db.repo.cases import due_listings, record_check
from shared_db.repo.hits import decide


def notified_case(engine, world, login_as, csrf) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    """Acme's case over two confirmed hits, sent to ip@demo.example; a re-check found one removed, one online."""
    with Session(engine) as session, session.begin():
        for hit_id in (world.hits_a[0], world.hits_a[1], world.hits_b[0]):
            decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    reviewer = login_as("reviewer")
    assert reviewer.post("/enforcement/notices", data={"csrf_token": csrf(reviewer, "/enforcement")}).status_code == 303
    with Session(engine) as session:
        case_id = session.scalar(select(EnforcementCase.id).join(Organisation).where(Organisation.name == "Acme Corp"))
    token = csrf(reviewer, f"/enforcement/cases/{case_id}")
    early = reviewer.get(f"/enforcement/cases/{case_id}/followup.txt")
    assert early.status_code == 422 and "has not been sent yet" in early.text
    sent = reviewer.post(f"/enforcement/cases/{case_id}/sent", data={"sent_to": "ip@demo.example", "csrf_token": token})
    assert sent.status_code == 303
    with Session(engine) as session, session.begin():
        items = list(session.scalars(select(CaseListing).where(CaseListing.case_id == case_id).order_by(CaseListing.id)))
        record_check(items[0], session=session, outcome="removed", http_status=404, note=None)
        record_check(items[1], session=session, outcome="online", http_status=200, note=None)
    return case_id, reviewer


def _actions(engine, case_id: int) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.object_type == "case",
                                                      AuditLog.object_id == str(case_id)).order_by(AuditLog.id))
        return [(row.action, row.after or {}) for row in rows]


def test_a_follow_up_notice_cites_the_first_and_only_the_listings_still_online(world, login_as, csrf,
                                                                               sqlite_engine) -> None:
    case_id, reviewer = notified_case(sqlite_engine, world, login_as, csrf)
    with Session(sqlite_engine) as session:
        case = session.get(EnforcementCase, case_id)
        first_day, reference = case.notice_sent_at.strftime("%Y-%m-%d"), f"MW-{case_id:06d}"
    page = reviewer.get(f"/enforcement/cases/{case_id}").text
    assert "1 listings were still online when re-checked" in page and 'id="followup-form"' in page
    text = reviewer.get(f"/enforcement/cases/{case_id}/followup.txt").text  # the demo marketplace's own form
    assert f"Reference: {reference}-F1\n" in text
    assert f"Follow-up: 1 to report {reference} submitted {first_day} to ip@demo.example;" in text
    assert "url=https://demo.example/item/2\n" in text and "item/1\n" not in text  # item 1 came down
    assert "still_online_at=" in text
    with Session(sqlite_engine) as session, session.begin():
        session.get(EnforcementCase, case_id).template = "default"
    plain = reviewer.get(f"/enforcement/cases/{case_id}/followup.txt").text
    assert f"FOLLOW-UP 1 to our notice {reference} of {first_day} (sent to ip@demo.example)." in plain
    assert "1. https://demo.example/item/2\n" in plain and "item/1\n" not in plain
    assert "Still online when re-checked: " in plain
    assert reviewer.get(f"/enforcement/cases/{case_id}/followup.pdf").content.startswith(b"%PDF")
    assert login_as("holder_b").get(f"/enforcement/cases/{case_id}/followup.txt").status_code == 404
    authority = login_as("authority")
    assert authority.get(f"/enforcement/cases/{case_id}/followup.txt").status_code == 200
    assert authority.post(f"/enforcement/cases/{case_id}/followup",
                          data={"sent_to": "x", "csrf_token": csrf(authority, "/enforcement")}).status_code == 403
    holder = login_as("holder_a")
    token = csrf(holder, f"/enforcement/cases/{case_id}")
    blank = holder.post(f"/enforcement/cases/{case_id}/followup", data={"sent_to": " ", "csrf_token": token})
    assert blank.status_code == 422 and "say to whom" in blank.text
    sent = holder.post(f"/enforcement/cases/{case_id}/followup", data={"sent_to": "ip@demo.example", "csrf_token": token})
    assert sent.status_code == 303
    with Session(sqlite_engine) as session:
        case = session.get(EnforcementCase, case_id)
        assert case.followups == 1 and case.followup_sent_to == "ip@demo.example" and case.status == "sent"
        assert [item.followup_at is not None for item in case.listings] == [False, True]
        sha = case.followup_sha256
    followups = [after for action, after in _actions(sqlite_engine, case_id) if action == "case.followup"]
    assert followups == [{"followup": 1, "sent_to": "ip@demo.example", "notice_sha256": sha, "hits": [world.hits_a[1]]}]
    assert len(sha) == 64 and sha != notice_sha256("")
    assert "1 sent, the last on" in holder.get(f"/enforcement/cases/{case_id}").text
    assert f"Reference: MW-{case_id:06d}-F2" in holder.get(f"/enforcement/cases/{case_id}/followup.txt").text


def test_close_as_resolved_with_a_note_then_reopen_with_a_reason(world, login_as, csrf, sqlite_engine) -> None:
    case_id, reviewer = notified_case(sqlite_engine, world, login_as, csrf)
    token = csrf(reviewer, f"/enforcement/cases/{case_id}")
    url = f"/enforcement/cases/{case_id}"
    no_note = reviewer.post(f"{url}/close", data={"resolution": "withdrawn", "note": " ", "csrf_token": token})
    assert no_note.status_code == 422 and "say why the case is closed" in no_note.text
    bogus = reviewer.post(f"{url}/close", data={"resolution": "lost", "note": "x", "csrf_token": token})
    assert bogus.status_code == 422 and "unknown resolution" in bogus.text
    holder_b = login_as("holder_b")
    assert holder_b.post(f"{url}/close", data={"resolution": "withdrawn", "note": "x",
                                               "csrf_token": csrf(holder_b, "/enforcement")}).status_code == 404
    closed = reviewer.post(f"{url}/close", data={"resolution": "marketplace_refused",
                                                 "note": "ticket 77: not enough proof", "csrf_token": token})
    assert closed.status_code == 303
    page = reviewer.get(url).text
    assert "refused by the marketplace" in page and "ticket 77: not enough proof" in page
    assert 'id="reopen-case-form"' in page and 'id="followup-form"' not in page and 'id="close-case-form"' not in page
    assert "closed: refused by the marketplace" in reviewer.get("/enforcement").text
    assert reviewer.post(f"{url}/response", data={"response": "accepted", "csrf_token": token}).status_code == 422
    assert reviewer.get(f"{url}/followup.txt").status_code == 422
    with Session(sqlite_engine) as session:
        due = due_listings(session=session, older_than=utcnow() + timedelta(days=1))
        assert case_id not in {item.case_id for item in due}  # a closed case is re-checked no more
    twice = reviewer.post(f"{url}/close", data={"resolution": "withdrawn", "note": "again", "csrf_token": token})
    assert twice.status_code == 422 and "reopen it first" in twice.text
    no_reason = reviewer.post(f"{url}/reopen", data={"reason": "", "csrf_token": token})
    assert no_reason.status_code == 422 and "give the reason" in no_reason.text
    reopened = reviewer.post(f"{url}/reopen", data={"reason": "the marketplace asked again", "csrf_token": token})
    assert reopened.status_code == 303
    with Session(sqlite_engine) as session:
        case = session.get(EnforcementCase, case_id)
        assert (case.status, case.resolution, case.closed_at) == ("sent", None, None)
    actions = _actions(sqlite_engine, case_id)
    assert ("case.close", {"status": "closed", "resolution": "marketplace_refused",
                           "note": "ticket 77: not enough proof"}) in actions
    assert ("case.reopen", {"status": "sent", "reason": "the marketplace asked again"}) in actions
    assert reviewer.post(f"{url}/reopen", data={"reason": "x", "csrf_token": token}).status_code == 422


def test_case_refusals_and_words_in_chinese(world, login_as, csrf, sqlite_engine) -> None:
    case_id, reviewer = notified_case(sqlite_engine, world, login_as, csrf)
    reviewer.post("/account/locale", data={"locale": "zh_Hans", "next": "/enforcement",
                                           "csrf_token": csrf(reviewer, "/enforcement")})
    token = csrf(reviewer, f"/enforcement/cases/{case_id}")
    page = reviewer.get(f"/enforcement/cases/{case_id}").text
    assert "跟进通知" in page and "结案" in page and "refused by the marketplace" not in page
    refused = reviewer.post(f"/enforcement/cases/{case_id}/close",
                            data={"resolution": "withdrawn", "note": "", "csrf_token": token})
    assert refused.status_code == 422 and "请说明结案原因" in refused.text
    bad = reviewer.post(f"/enforcement/cases/{case_id}/close", data={"resolution": "lost", "note": "x",
                                                                     "csrf_token": token})
    assert "未知的结案结果 &#39;lost&#39;" in bad.text
