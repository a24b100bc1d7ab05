"""Hit upserts are idempotent and never overwrite a reviewer's decision; decisions conflict safely."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from detection.batch import reprioritise
from shared_db.models import Decision, Hit
from shared_db.repo.hits import UPSERT_BATCH, HitCandidate, HitConflict, decide, upsert_hit, upsert_hits
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate


def _candidate(mark_id: int, score: float = 91.0) -> HitCandidate:
    return HitCandidate(listing_id="demo:1", mark_id=mark_id, marketplace="demo", listing_title="N1ke shoes",
                        score=score, kind="leet", reasons=["'N1ke' reads as 'nike'"])


def test_upsert_twice_keeps_one_hit_and_refreshes_scores(engine) -> None:
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc."), session=session)
        assert upsert_hit(_candidate(mark.id), session=session) == "created"
        assert upsert_hit(_candidate(mark.id, score=95.0), session=session) == "updated"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Hit)) == 1
        assert session.scalar(select(Hit.score)) == 95.0


def test_rerun_never_overwrites_a_decision(engine) -> None:
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc."), session=session)
        upsert_hit(_candidate(mark.id), session=session)
        hit = session.scalar(select(Hit))
        decide(hit.id, "dismissed", session=session, reviewer_id=None, expected_version=hit.version)
        assert upsert_hit(_candidate(mark.id, score=99.0), session=session) == "kept_decision"
    with Session(engine) as session:
        hit = session.scalar(select(Hit))
        assert (hit.status, hit.score, hit.version) == ("dismissed", 91.0, 2)


def test_second_decision_on_a_stale_version_conflicts_and_writes_nothing(engine) -> None:
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc."), session=session)
        upsert_hit(_candidate(mark.id), session=session)
        hit_id = session.scalar(select(Hit.id))
    with Session(engine) as session, session.begin():
        decide(hit_id, "confirmed", session=session, reviewer_id=None, expected_version=1)
    with pytest.raises(HitConflict, match="reload"), Session(engine) as session, session.begin():
        decide(hit_id, "dismissed", session=session, reviewer_id=None, expected_version=1)
    with Session(engine) as session:
        assert session.scalar(select(Hit.status)) == "confirmed"
        assert session.scalar(select(func.count()).select_from(Decision)) == 1


def _many(mark_id: int, count: int, *, score: float = 85.0, prefix: str = "demo") -> list[HitCandidate]:
    return [HitCandidate(listing_id=f"{prefix}:{n}", mark_id=mark_id, marketplace="demo", listing_title=f"N1ke {n}",
                         score=score, kind="leet", seller_name="S" * 900) for n in range(count)]


def test_batched_upsert_creates_refreshes_and_keeps_decisions_per_batch(engine) -> None:
    """More pairs than one INSERT … ON CONFLICT batch: created, then refreshed; decided hits keep their verdict."""
    count = UPSERT_BATCH * 2 + 7
    with Session(engine) as session, session.begin():
        mark_id = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc."), session=session)[0].id
        assert upsert_hits(_many(mark_id, count), session=session) == {"created": count}
    with Session(engine) as session, session.begin():
        decided = session.scalars(select(Hit).where(Hit.listing_id.in_(["demo:0", "demo:600"]))).all()
        for hit in decided:
            decide(hit.id, "confirmed", session=session, reviewer_id=None, expected_version=hit.version)
        seen_before = {hit.listing_id: hit.last_seen_at for hit in decided}
    again = _many(mark_id, count, score=97.0) + _many(mark_id, 3, score=97.0, prefix="other")
    with Session(engine) as session, session.begin():
        outcome = upsert_hits(again + again[:5], session=session)  # a pair given twice counts once
    assert outcome == {"updated": count - 2, "kept_decision": 2, "created": 3}
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Hit)) == count + 3
        rows = {hit.listing_id: hit for hit in session.scalars(select(Hit))}
        for listing_id, before in seen_before.items():
            hit = rows[listing_id]
            assert (hit.status, hit.score, hit.version) == ("confirmed", 85.0, 2)
            assert hit.last_seen_at > before
        assert {hit.score for key, hit in rows.items() if key not in seen_before} == {97.0}
        assert {len(hit.seller_name) for hit in rows.values()} == {300}  # fitted to the column, not refused


def test_reprioritise_is_one_update_over_open_hits_only(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = upsert_mark(MarkCreate(text="NIKE", owner="Nike, Inc."), session=session)[0]
        upsert_hits(_many(mark.id, 4), session=session)
        hits = session.scalars(select(Hit).order_by(Hit.listing_id)).all()
        hits[0].probability = 0.4  # the others have no probability: their score counts (85 → 0.85)
        decide(hits[3].id, "dismissed", session=session, reviewer_id=None, expected_version=hits[3].version)
        mark.weight = 2.0
        assert reprioritise(session=session) == 3
        assert reprioritise(session=session) == 0  # nothing left to change
    with Session(engine) as session:
        priorities = dict(session.execute(select(Hit.listing_id, Hit.priority)).all())
    assert priorities == {"demo:0": pytest.approx(0.8), "demo:1": pytest.approx(1.7), "demo:2": pytest.approx(1.7),
                          "demo:3": 0.0}
