"""Reported URLs end in a state with its reason: refused, fetch failed, no match, or the hit they became.

Real pieces: the demo marketplace on loopback (its hostile pages), the crawl subprocess with the crawler's
safety rules, Elasticsearch, detection, and the database on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from markwatch.demo_market.rights import DEMO_MARKS
from markwatch.jobs.suspects import process_suspects
from shared_db.messages import reports as why
from shared_db.models import Hit, Mark, SuspectReport
from shared_db.repo.marks import upsert_mark
from shared_db.repo.users import create_user
from shared_db.schemas import MarkCreate


def _seed(engine, owner: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The demo marks (verified) and a rights-holder user of ``owner``: (org id, user id)."""
    with Session(engine) as session, session.begin():
        for mark in DEMO_MARKS:
            upsert_mark(MarkCreate(text=mark.mark, owner=mark.owner, aliases=[mark.chinese],
                                   transliterations=[mark.pinyin], classes=list(mark.classes),
                                   authorised_sellers=list(mark.authorised_sellers)), session=session)
        user = create_user("holder@example.org", "correct horse battery 42", "rights_holder", session=session,
                           org_name=owner)
        return user.org_id, user.id


def test_each_report_ends_in_a_state_with_its_reason(engine, settings, demo_site, market) -> None:  # type: ignore[no-untyped-def]
    truth = [row for row in market.ground_truth() if row["infringing"] and not row["hostile"]]
    ours = truth[0]
    owner = next(m.owner for m in DEMO_MARKS if m.mark == ours["mark"])
    own_marks = {m.mark for m in DEMO_MARKS if m.owner == owner}
    theirs = next(row for row in truth if row["mark"] not in own_marks)  # another owner's mark: no match for us
    base = market.base_url
    urls = {"ours": ours["url"], "theirs": theirs["url"], "missing": f"{base}/product/does-not-exist",
            "error": f"{base}/product/x-error", "redirect": f"{base}/product/x-redirect-private",
            "robots": f"{base}/private/ledger", "internal": "http://127.0.0.1:9/admin"}
    run_settings = demo_site(settings, base).model_copy(update={
        "database_url": engine.url.render_as_string(hide_password=False), "crawl_timeout_seconds": 5})
    org_id, user_id = _seed(engine, owner)
    with Session(engine) as session, session.begin():
        for url in urls.values():
            session.add(SuspectReport(url=url, org_id=org_id, reported_by=user_id))

    result = process_suspects(settings=run_settings, engine=engine, timeout=180)

    with Session(engine) as session:
        reports = {key: session.scalar(select(SuspectReport).where(SuspectReport.url == url))
                   for key, url in urls.items()}
        state = {key: (r.status, r.error) for key, r in reports.items()}
        hit = session.get(Hit, reports["ours"].hit_id) if reports["ours"].hit_id else None
        hit_mark = session.get(Mark, hit.mark_id) if hit else None
        their_hits = session.scalars(select(Hit).where(Hit.listing_id == reports["theirs"].listing_id)).all()
    assert state["ours"] == ("hit", None)
    assert hit is not None and hit.listing_id == f"demo-market:{ours['listing_id']}" and hit_mark.org_id == org_id
    assert state["theirs"] == ("no_match", None)  # detection ran: the hit is on another owner's mark
    assert their_hits and {h.mark_id for h in their_hits}.isdisjoint({hit_mark.id})
    assert reports["theirs"].listing_id == f"demo-market:{theirs['listing_id']}"
    assert state["missing"] == ("fetch_failed", why.FETCH_HTTP(status=404))
    assert state["error"] == ("fetch_failed", why.FETCH_HTTP(status=500))
    assert state["redirect"] == ("refused", why.REFUSED_UNSAFE())
    assert state["robots"] == ("refused", why.REFUSED_ROBOTS())
    assert state["internal"] == ("refused", why.NOT_ALLOWED())
    assert all(r.processed_at for r in reports.values())
    assert result.hits == {reports["ours"].id: hit.id} and result.no_match == [reports["theirs"].id]
    assert sorted(result.refused) == sorted(reports[k].id for k in ("redirect", "robots", "internal"))

    again = process_suspects(settings=run_settings, engine=engine, timeout=60)
    assert (again.queued, again.hits, again.crawls) == (0, {}, [])
