"""Retraining as scheduled work: labels from decisions, train, evaluate, promote behind the gate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from markwatch.jobs.runtime import jsonable
from shared_db.settings import Settings


def retrain(*, settings: Settings, engine: Engine, force: bool = False) -> dict[str, Any]:
    """Train a candidate from reviewers' decisions; the promotion gate inside decides if it goes live."""
    from detection.classifier.training import train_from_decisions

    return jsonable(train_from_decisions(settings=settings, engine=engine, force=force))
