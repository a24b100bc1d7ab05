"""The contract between detection and the classifier: assess (listing, mark, match) candidates.

A candidate is a mapping with three parts:
  ``listing``: the Elasticsearch listing document (title, description, price, currency, seller_id,
               seller_name, category, marketplace, crawled_at, images, ...);
  ``mark``:    id, text, reference_price (float or None), currency, authorised_sellers, classes,
               categories, weight;
  ``match``:   score (0-100), kind, reasons, span ([start, end] in the title) and matched_text.

PLACEHOLDER: the classifier work replaces ``load_scorer`` with the registry-backed model and the
rule-based cold-start scorer; the signatures here stay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from shared_db.settings import Settings


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


class _FuzzyOnlyScorer:
    version = "rules-placeholder"

    def assess(self, candidates: Sequence[Mapping[str, Any]]) -> list[Assessment]:
        out = []
        for candidate in candidates:
            probability = float(candidate["match"]["score"]) / 100
            weight = float(candidate["mark"].get("weight") or 1.0)
            out.append(Assessment(probability, probability * weight, self.version))
        return out


def load_scorer(*, session: Session, settings: Settings) -> CandidateScorer:
    """The scorer detection should use now: the promoted model, else the rule-based score."""
    return _FuzzyOnlyScorer()
