"""Candidate scorers behind ``detection.scoring.load_scorer``: the promoted model or the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from detection.classifier.estimator import CandidateFeatures, CounterfeitClassifier
from detection.classifier.features import SellerRecord
from detection.classifier.signals import RULES_VERSION, explain, rule_assessment
from detection.scoring import Assessment
from shared_db.models import Hit, HitStatus

SellerStats = Mapping[tuple[str, str], SellerRecord]


def priority(probability: float, mark: Mapping[str, Any]) -> float:
    """Queue priority: the probability scaled by the mark's weight (1.0 when unset)."""
    weight = mark.get("weight")
    return round(probability * (1.0 if weight is None else float(weight)), 6)


def load_seller_stats(*, session: Session) -> dict[tuple[str, str], SellerRecord]:
    """Per (marketplace, seller): hits, confirmed, dismissed and first seen; one GROUP BY over hits."""
    query = (select(Hit.marketplace, Hit.seller_id, func.count(Hit.id),
                    func.sum(case((Hit.status == HitStatus.CONFIRMED.value, 1), else_=0)),
                    func.sum(case((Hit.status == HitStatus.DISMISSED.value, 1), else_=0)),
                    func.min(Hit.first_seen_at))
             .where(Hit.seller_id.is_not(None)).group_by(Hit.marketplace, Hit.seller_id))
    stats = {}
    for marketplace, seller_id, hits, confirmed, dismissed, first_seen in session.execute(query):
        if isinstance(first_seen, str):
            first_seen = datetime.fromisoformat(first_seen)
        if first_seen is not None and first_seen.tzinfo is None:  # SQLite keeps no offset
            first_seen = first_seen.replace(tzinfo=UTC)
        stats[(marketplace or "", seller_id)] = SellerRecord(int(hits), int(confirmed or 0), int(dismissed or 0),
                                                             first_seen)
    return stats


class RuleScorer:
    """The transparent cold-start score (hand-set weights, see ``signals.RULE_WEIGHTS``)."""

    version = RULES_VERSION

    def __init__(self, *, fx_rates: Mapping[str, Any], seller_stats: SellerStats | None = None) -> None:
        self.features = CandidateFeatures(fx_rates=fx_rates, seller_stats=seller_stats)

    def assess(self, candidates: Sequence[Mapping[str, Any]]) -> list[Assessment]:
        out = []
        for candidate, record in zip(candidates, self.features.transform(candidates), strict=True):
            probability, contributions = rule_assessment(record)
            out.append(_assessment(candidate, record, probability, contributions, self.version))
        return out


class ModelScorer:
    """A trained :class:`CounterfeitClassifier` from the registry; ``version`` is its sha256 prefix."""

    def __init__(self, model: CounterfeitClassifier, *, version: str, fx_rates: Mapping[str, Any],
                 seller_stats: SellerStats | None = None) -> None:
        self.model = model
        self.version = version
        self.features = CandidateFeatures(fx_rates=fx_rates, seller_stats=seller_stats)

    def assess(self, candidates: Sequence[Mapping[str, Any]]) -> list[Assessment]:
        if not candidates:
            return []
        records = self.features.transform(candidates)
        probabilities = self.model.predict_proba(records)[:, 1]
        contributions = self.model.signal_contributions(records)
        return [_assessment(c, r, float(p), contrib, self.version)
                for c, r, p, contrib in zip(candidates, records, probabilities, contributions, strict=True)]


def _assessment(candidate: Mapping[str, Any], record: dict[str, Any], probability: float,
                contributions: Mapping[str, float], version: str) -> Assessment:
    features = {k: v for k, v in record.items() if k not in ("title", "marketplace", "seller_id")}
    probability = round(probability, 6)
    return Assessment(probability=probability, priority=priority(probability, candidate["mark"]),
                      model_version=version, explanations=explain(record, contributions), features=features)
