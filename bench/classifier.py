"""Benchmark the counterfeit classifier against the rule-based score, in the same run.

    .venv/bin/python bench/classifier.py [--candidates 100000] [--train 20000] [--seed 0]
    .venv/bin/python bench/classifier.py --ground-truth var/demo/ground_truth.jsonl \
        --database-url sqlite:///var/markwatch.sqlite3        # the demo's hits, labelled by its truth

Measures: training time; scoring throughput (candidates/s through ``assess``: features, probability,
explanations) of the model and of the rules on the same candidates; on a time-based held-out split,
PR-AUC and precision at 90% recall of the model versus the rules.

Data: synthetic-but-realistic candidates from the real Walmart/Amazon offers in
``../shared/data/product_offers_walmart_amazon`` (``detection.classifier.synthetic`` says how), or
the demo marketplace's hits labelled by its ``ground_truth.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from detection.classifier.estimator import CandidateFeatures, CounterfeitClassifier
from detection.classifier.evaluation import evaluate
from detection.classifier.scorers import ModelScorer, RuleScorer
from detection.classifier.signals import rule_assessment
from detection.classifier.synthetic import generate_cases, load_offers
from shared_db.settings import Settings

OFFERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "product_offers_walmart_amazon"


def _quality(y_test: np.ndarray, model_p: np.ndarray, rules_p: np.ndarray) -> dict[str, Any]:
    model, rules = evaluate(y_test, model_p), evaluate(y_test, rules_p)
    keys = ("pr_auc", "precision_at_90_recall", "brier", "ece")
    return {"held_out_rows": int(len(y_test)), "positives": int(y_test.sum()),
            "model": {k: round(model[k], 4) for k in keys}, "rules": {k: round(rules[k], 4) for k in keys}}


def synthetic_run(n_candidates: int, n_train: int, seed: int) -> dict[str, Any]:
    fx = Settings().fx_rates
    offers = load_offers(OFFERS)
    started = time.perf_counter()
    cases = generate_cases(offers, n=max(n_candidates, n_train), seed=seed)
    generated = time.perf_counter() - started

    labelled = cases[:n_train]  # in time order: the newest quarter is held out
    records = CandidateFeatures(fx_rates=fx).transform([c.candidate for c in labelled])
    y = np.array([c.infringing for c in labelled], dtype=int)
    cut = int(len(labelled) * 0.75)
    started = time.perf_counter()
    model = CounterfeitClassifier(random_state=seed).fit(records[:cut], y[:cut])
    train_seconds = time.perf_counter() - started
    quality = _quality(y[cut:], model.predict_proba(records[cut:])[:, 1],
                       np.array([rule_assessment(r)[0] for r in records[cut:]]))

    candidates = [c.candidate for c in cases[:n_candidates]]
    throughput = {}
    for name, scorer in (("rules", RuleScorer(fx_rates=fx)),
                         ("model", ModelScorer(model, version="bench", fx_rates=fx))):
        started = time.perf_counter()
        for i in range(0, len(candidates), 1000):  # detection's batch size
            scorer.assess(candidates[i:i + 1000])
        seconds = time.perf_counter() - started
        throughput[name] = {"seconds": round(seconds, 2), "per_second": round(len(candidates) / seconds)}
    return {"data": "synthetic (real offers, injected counterfeits)", "seed": seed,
            "generate_seconds": round(generated, 2), "train_rows": cut, "train_seconds": round(train_seconds, 2),
            "scored_candidates": len(candidates), "throughput": throughput,
            "model_vs_rules_speed": round(throughput["model"]["per_second"] / throughput["rules"]["per_second"], 2),
            **quality}


def ground_truth_run(truth: Path, database_url: str, seed: int) -> dict[str, Any]:
    from detection.classifier.training import labelled_rows, load_ground_truth, time_split
    from shared_db.db import make_engine, transaction

    settings = Settings(database_url=database_url)
    with transaction(make_engine(database_url)) as session:
        rows, source = labelled_rows(session=session, settings=settings, ground_truth=load_ground_truth(truth))
    train, test = time_split(rows)
    started = time.perf_counter()
    model = CounterfeitClassifier(random_state=seed).fit([r.record for r in train], [r.label for r in train])
    train_seconds = time.perf_counter() - started
    X_test, y_test = [r.record for r in test], np.array([r.label for r in test])
    return {"data": f"demo hits labelled by {truth}", "source": source, "train_rows": len(train),
            "train_seconds": round(train_seconds, 2),
            **_quality(y_test, model.predict_proba(X_test)[:, 1], np.array([rule_assessment(r)[0] for r in X_test]))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--train", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ground-truth", type=Path)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    if args.ground_truth:
        if not args.database_url:
            parser.error("--ground-truth needs --database-url (the database holding the demo's hits)")
        result = ground_truth_run(args.ground_truth, args.database_url, args.seed)
    else:
        result = synthetic_run(args.candidates, args.train, args.seed)
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
