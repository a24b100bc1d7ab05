"""The contract between detection and the classifier: assess (listing, mark, match) candidates.

A candidate is a mapping with three parts:
  ``listing``: the Elasticsearch listing document (title, description, price, currency, seller_id,
               seller_name, category, marketplace, crawled_at, images, ...);
  ``mark``:    id, text, reference_price (float or None), currency, authorised_sellers, classes,
               categories, weight;
  ``match``:   score (0-100), kind, reasons, span ([start, end] in the title) and matched_text.

Detection stores each :class:`Assessment` on the hit: ``features`` into ``Hit.features`` (with the
listing columns it is enough to retrain from hit rows alone), ``explanations`` for reviewers, and
``model_version`` (a model's sha256 prefix, or ``rules-v1``) so every hit says what scored it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from shared_db.settings import Settings

MODEL_VERSION_CHARS = 12


@dataclass
class Assessment:
    probability: float
    priority: float
    model_version: str
    explanations: list[str] = field(default_factory=list)
    features: dict[str, Any] = field(default_factory=dict)


class CandidateScorer(Protocol):
    version: str

    def assess(self, candidates: Sequence[Mapping[str, Any]]) -> list[Assessment]: ...


def load_scorer(*, session: Session, settings: Settings) -> CandidateScorer:
    """The scorer detection should use now: the promoted model, else the rule-based score.

    Seller history (hits, verdicts, first seen) is read once here from the hits table. Raises
    ``detection.classifier.registry.ModelIntegrityError`` when the promoted model's file does not
    hash to its registry row, and ``ModelFileMissing`` when it is gone: fix or re-promote, since
    scoring silently with something else would hide it.
    """
    from detection.classifier.registry import current_model, load_verified
    from detection.classifier.scorers import ModelScorer, RuleScorer, load_seller_stats

    stats = load_seller_stats(session=session)
    row = current_model(session=session)
    if row is None:
        return RuleScorer(fx_rates=settings.fx_rates, seller_stats=stats)
    model = load_verified(row, settings=settings)
    return ModelScorer(model, version=row.sha256[:MODEL_VERSION_CHARS], fx_rates=settings.fx_rates,
                       seller_stats=stats)
