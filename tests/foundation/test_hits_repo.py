"""Hit upserts are idempotent and never overwrite a reviewer's decision; decisions conflict safely."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared_db.models import Decision, Hit
from shared_db.repo.hits import HitCandidate, HitConflict, decide, upsert_hit
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
