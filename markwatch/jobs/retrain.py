"""Retraining as scheduled work: labels from decisions, train, evaluate, promote behind the gate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from markwatch.jobs.runtime import jsonable
from shared_db.settings import Settings


def retrain(*, settings: Settings, engine: Engine, force: bool = False) -> dict[str, Any]:
    """Train a candidate from reviewers' decisions; the promotion gate inside decides if it goes live.

    Returns the training report with ``trained: True``, or ``trained: False`` and the reason when
    there are not yet enough confirmed and dismissed hits (normal while reviewers catch up).
    ``force`` promotes the candidate even when it is worse than the current model.
    """
    from detection.classifier.training import NotEnoughLabels, train_from_decisions

    try:
        report = train_from_decisions(settings=settings, engine=engine, force=force)
    except NotEnoughLabels as exc:
        return {"trained": False, "reason": str(exc)}
    return {"trained": True, **jsonable(report)}
