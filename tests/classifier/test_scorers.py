"""Cold start: the rule-based scorer ranks hits, explains them in plain words and names itself."""

from __future__ import annotations

from sqlalchemy.orm import Session

from detection.classifier.scorers import RuleScorer, load_seller_stats
from detection.scoring import load_scorer

FX = {"USD": 1, "CNY": 0.14}
MARK = {"id": 1, "text": "NIKE", "reference_price": 100.0, "currency": "USD",
        "authorised_sellers": ["nike-official"], "categories": ["shoes"], "weight": 2.0}


def candidate(title: str, price: float, seller: str, kind: str = "exact", score: float = 98.0) -> dict:
    return {"listing": {"title": title, "price": price, "currency": "USD", "seller_id": seller,
                        "marketplace": "m", "category": "shoes"},
            "mark": MARK, "match": {"score": score, "kind": kind, "matched_text": title.split()[0]}}


def test_counterfeit_signals_are_explained_in_plain_words() -> None:
    fake, genuine = RuleScorer(fx_rates=FX).assess([
        candidate("Nike Air Max replica", 18.0, "shop-9"),
        candidate("Nike Air Max 90", 99.0, "nike-official"),
    ])
    assert fake.model_version == genuine.model_version == "rules-v2"
    assert "price 82% below reference" in fake.explanations
    assert "seller not authorised" in fake.explanations
    assert "'replica' in title" in fake.explanations
    assert "seller authorised" in genuine.explanations
    assert fake.probability > 0.9 > 0.1 > genuine.probability
    assert fake.priority == round(fake.probability * 2.0, 6)


def test_obfuscated_spelling_is_a_signal() -> None:
    plain, leet = RuleScorer(fx_rates=FX).assess([
        candidate("Nike shoes", 90.0, "shop-1"), candidate("N1ke shoes", 90.0, "shop-1", kind="leet", score=90)])
    assert leet.probability > plain.probability
    assert "'N1ke' writes 'NIKE' with leetspeak" in leet.explanations


def test_empty_batch_and_missing_weight() -> None:
    scorer = RuleScorer(fx_rates=FX)
    assert scorer.assess([]) == []
    c = candidate("Nike", 50.0, "x")
    c["mark"] = {**MARK, "weight": None}
    (a,) = scorer.assess([c])
    assert a.priority == a.probability


def test_load_scorer_without_models_uses_the_rules(settings, sqlite_engine, store_cases, cases) -> None:
    store_cases(sqlite_engine, cases[:40])
    with Session(sqlite_engine) as session:
        scorer = load_scorer(session=session, settings=settings)
        stats = load_seller_stats(session=session)
    assert scorer.version == "rules-v2"
    seller = cases[0].candidate["listing"]["seller_id"]
    record = stats[("synthmart", seller)]
    expected = [c for c in cases[:40] if c.candidate["listing"]["seller_id"] == seller]
    assert record.hits == len(expected)
    assert record.confirmed == sum(c.infringing for c in expected)
    assert record.first_seen is not None and record.first_seen.tzinfo is not None
    (assessment,) = scorer.assess([cases[0].candidate])
    assert assessment.features["seller_hits"] == cases[0].candidate["seller"].hits
