"""Fixtures for the classifier: synthetic labelled candidates and a way to store them as real hits."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from detection.classifier.scorers import RuleScorer
from detection.classifier.synthetic import Case, Offer, generate_cases, load_offers
from shared_db.models import Decision, Hit
from shared_db.repo.hits import HitCandidate, decide, upsert_hit
from shared_db.repo.marks import upsert_mark
from shared_db.schemas import MarkCreate

FX = {"USD": 1, "EUR": 1.08, "CNY": 0.14}


@pytest.fixture(scope="session")
def offers(shared_data: Path) -> list[Offer]:
    return load_offers(shared_data / "product_offers_walmart_amazon")


@pytest.fixture(scope="session")
def cases(offers: list[Offer]) -> list[Case]:
    """600 labelled synthetic candidates in time order (seed 7)."""
    return generate_cases(offers, n=600, seed=7, n_marks=12)


def _mark_create(mark: dict[str, Any]) -> MarkCreate:
    return MarkCreate(text=mark["text"], owner=f"{mark['text'].title()} Holdings",
                      reference_price=Decimal(str(mark["reference_price"])), currency=mark["currency"],
                      authorised_sellers=mark["authorised_sellers"], categories=mark["categories"],
                      classes=mark["classes"], weight=mark["weight"])


StoreCases = Callable[..., list[int]]


@pytest.fixture
def store_cases() -> StoreCases:
    """Store cases as hits scored by the rules, and (optionally) a reviewer decision per hit at its time."""

    def store(engine: Engine, cases: list[Case], *, decide_hits: bool = True,
              verdict_for: Callable[[Case], str] | None = None) -> list[int]:
        scorer = RuleScorer(fx_rates=FX)
        hit_ids = []
        with Session(engine) as session, session.begin():
            mark_ids: dict[int, int] = {}
            for case, assessment in zip(cases, scorer.assess([c.candidate for c in cases]), strict=True):
                listing, mark, match = (case.candidate[k] for k in ("listing", "mark", "match"))
                if mark["id"] not in mark_ids:
                    mark_ids[mark["id"]] = upsert_mark(_mark_create(mark), session=session)[0].id
                upsert_hit(HitCandidate(
                    listing_id=case.listing_id, mark_id=mark_ids[mark["id"]], marketplace=listing["marketplace"],
                    listing_title=listing["title"], score=match["score"], kind=match["kind"],
                    seller_id=listing["seller_id"], seller_name=listing["seller_name"],
                    price=Decimal(str(listing["price"])), currency=listing["currency"],
                    matched_text=match["matched_text"], probability=assessment.probability,
                    priority=assessment.priority, model_version=assessment.model_version,
                    explanations=assessment.explanations, features=assessment.features), session=session)
                hit = session.scalar(select(Hit).where(Hit.listing_id == case.listing_id))
                hit_ids.append(hit.id)
                if decide_hits:
                    verdict = verdict_for(case) if verdict_for else ("confirmed" if case.infringing else "dismissed")
                    decision: Decision = decide(hit.id, verdict, session=session, reviewer_id=None,
                                                expected_version=hit.version)
                    decision.created_at = case.decided_at
            session.flush()
        return hit_ids

    return store
