"""Active learning: the most uncertain undecided hits come first."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from detection.classifier.active import most_uncertain_hits, uncertainty
from shared_db.models import Hit


def test_uncertainty() -> None:
    assert uncertainty(0.5) == 1.0 and uncertainty(0.0) == uncertainty(1.0) == 0.0
    assert uncertainty(None) == 1.0 and uncertainty(0.9) < uncertainty(0.6)


def test_most_uncertain_hits_first(engine, store_cases, cases) -> None:
    ids = store_cases(engine, cases[:6], decide_hits=False)
    with Session(engine) as session, session.begin():
        for hit_id, p in zip(ids, (0.99, 0.52, 0.1, 0.7, 0.45, 0.0), strict=True):
            session.execute(update(Hit).where(Hit.id == hit_id).values(probability=p))
    with Session(engine) as session:
        order = [h.probability for h in most_uncertain_hits(session=session, limit=4)]
    assert order == [0.52, 0.45, 0.7, 0.1]
