"""The learning loop: reviewers' decisions → time-split training set → model → gated promotion.

DAGs and ``markwatch train`` call :func:`train_from_decisions`; ``markwatch models promote``
calls :func:`promote_model`. Confirmed hits are positives, dismissed negatives, as decided by a
reviewer or an admin (or a program: no user); escalations and any verdict of an authority are not
labels. The newest ``test_fraction`` of labels (by decision time) is held out, so a model is
judged on decisions made after everything it learned from.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from detection.classifier.estimator import CounterfeitClassifier
from detection.classifier.evaluation import GATE_METRIC, evaluate, not_worse, save_pr_curve
from detection.classifier.features import hit_record
from detection.classifier.registry import (
    ModelFileMissing,
    ModelIntegrityError,
    current_model,
    get_model,
    load_verified,
    mark_promoted,
    save_model,
)
from detection.classifier.signals import RULES_VERSION, rule_assessment
from shared_db.db import transaction
from shared_db.models import DECIDING_ROLES, REOPENED, Decision, Hit, Mark, User, Verdict
from shared_db.settings import Settings

MIN_TRAIN_PER_CLASS = 5
MIN_TEST_PER_CLASS = 2


class NotEnoughLabels(ValueError):
    """Too few confirmed or dismissed hits on one side of the time split to train or compare."""


class GroundTruthError(ValueError):
    """The ground-truth file has a line that is not a JSON object with listing_id and infringing."""


class PromotionRefused(RuntimeError):
    """The model is worse than the current one on the same held-out rows (or cannot be compared)."""


@dataclass
class LabelledRow:
    hit_id: int
    record: dict[str, Any]
    label: int
    at: datetime


@dataclass
class TrainingReport:
    """What a training run did; ``metrics`` are the new model's on the held-out rows."""

    model_id: int
    sha256: str
    promoted: bool
    reason: str
    metrics: dict[str, Any]
    baseline: str
    baseline_metrics: dict[str, Any]
    rules_metrics: dict[str, Any]
    train_rows: int
    test_rows: int
    source: str
    pr_curve: Path
    seconds: float
    notes: list[str] = field(default_factory=list)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_ground_truth(path: Path) -> dict[str, bool]:
    """Labels by listing key from a demo ``ground_truth.jsonl`` (keys: "marketplace:listing_id",
    the bare listing_id, and the url)."""
    labels: dict[str, bool] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                listing_id, infringing = str(row["listing_id"]), bool(row["infringing"])
            except (ValueError, KeyError, TypeError) as exc:
                raise GroundTruthError(f"{path}:{number}: expected a JSON object with listing_id and "
                                       f"infringing ({exc})") from exc
            for key in (f"{row.get('marketplace')}:{listing_id}", listing_id, row.get("url")):
                if key:
                    labels[str(key)] = infringing
    return labels


def labelled_rows(*, session: Session, settings: Settings,
                  ground_truth: dict[str, bool] | None = None) -> tuple[list[LabelledRow], str]:
    """Labelled hits, oldest first, and where the labels came from (decisions, ground_truth, mixed).

    A hit's latest confirm, dismiss or reopen by a deciding role (or by no user) that was not undone decides:
    a confirm or dismiss is the label, a reopen means no label until the hit is decided again. Reviewer
    decisions win over ground truth (a reopened hit takes no ground-truth label either).
    """
    deciders = select(User.id).where(User.role.in_([role.value for role in DECIDING_ROLES]))
    by_decider = (Decision.verdict.in_((Verdict.CONFIRM.value, Verdict.DISMISS.value, REOPENED)),
                  Decision.undone_at.is_(None),
                  or_(Decision.reviewer_id.is_(None), Decision.reviewer_id.in_(deciders)))
    latest = select(func.max(Decision.id)).where(*by_decider).group_by(Decision.hit_id)
    reopened = set(session.scalars(select(Decision.hit_id).where(Decision.id.in_(latest),
                                                                 Decision.verdict == REOPENED)))
    query = (select(Hit, Mark, Decision.verdict, Decision.created_at).join(Decision, Decision.hit_id == Hit.id)
             .join(Mark, Mark.id == Hit.mark_id)
             .where(Decision.id.in_(latest), Decision.verdict != REOPENED))
    rows: dict[int, LabelledRow] = {}
    for hit, mark, verdict, decided_at in session.execute(query):
        rows[hit.id] = LabelledRow(hit.id, hit_record(hit, fx_rates=settings.fx_rates, mark=mark),
                                   int(verdict == Verdict.CONFIRM.value), _utc(decided_at))
    from_decisions = len(rows)
    if ground_truth:
        for hit, mark in session.execute(select(Hit, Mark).join(Mark, Mark.id == Hit.mark_id)):
            key = hit.listing_id if hit.listing_id in ground_truth else f"{hit.marketplace}:{hit.listing_id}"
            if hit.id not in rows and hit.id not in reopened and key in ground_truth:
                rows[hit.id] = LabelledRow(hit.id, hit_record(hit, fx_rates=settings.fx_rates, mark=mark),
                                           int(ground_truth[key]), _utc(hit.first_seen_at))
    source = ("decisions" if len(rows) == from_decisions else
              "ground_truth" if from_decisions == 0 else "mixed")
    return sorted(rows.values(), key=lambda r: (r.at, r.hit_id)), source


def time_split(rows: list[LabelledRow], *, test_fraction: float = 0.25) -> tuple[list[LabelledRow], list[LabelledRow]]:
    """(older rows for training, newest rows held out); rows must be sorted by time."""
    cut = int(round(len(rows) * (1 - test_fraction)))
    train, test = rows[:cut], rows[cut:]
    for name, part, minimum in (("training", train, MIN_TRAIN_PER_CLASS), ("held-out", test, MIN_TEST_PER_CLASS)):
        positives = sum(r.label for r in part)
        if positives < minimum or len(part) - positives < minimum:
            raise NotEnoughLabels(
                f"the {name} part of the time split has {positives} confirmed and {len(part) - positives} "
                f"dismissed hits; need at least {minimum} of each. Review more hits, or train a seed model "
                f"with 'markwatch train --seed-ground-truth FILE'")
    return train, test


def _arrays(rows: list[LabelledRow]) -> tuple[list[dict[str, Any]], np.ndarray]:
    return [r.record for r in rows], np.array([r.label for r in rows], dtype=int)


def _baseline(session: Session, settings: Settings, records: list[dict[str, Any]],
              notes: list[str]) -> tuple[str, Any, np.ndarray]:
    """(name, row or None, probabilities) of what scores hits now: the current model, else the rules."""
    row = current_model(session=session)
    if row is not None:
        try:
            return row.sha256[:12], row, load_verified(row, settings=settings).predict_proba(records)[:, 1]
        except (ModelIntegrityError, ModelFileMissing) as exc:
            notes.append(f"current model unusable, compared with the rules instead: {exc}")
    return RULES_VERSION, None, np.array([rule_assessment(r)[0] for r in records])


def train_from_decisions(*, settings: Settings, engine: Engine, force: bool = False,
                         seed_ground_truth: Path | None = None, estimator: CounterfeitClassifier | None = None,
                         test_fraction: float = 0.25, actor_id: int | None = None) -> TrainingReport:
    """Train on reviewers' decisions (plus ``seed_ground_truth`` labels), evaluate, register, maybe promote.

    The new model is promoted when its PR-AUC on the held-out rows is not below the current scorer's
    (the promoted model, or the rules when there is none) on the same rows, or when ``force``.
    Raises :class:`NotEnoughLabels` when either side of the split lacks confirmed or dismissed hits.
    """
    started = time.perf_counter()
    ground_truth = load_ground_truth(seed_ground_truth) if seed_ground_truth else None
    notes: list[str] = []
    with transaction(engine) as session:
        rows, source = labelled_rows(session=session, settings=settings, ground_truth=ground_truth)
        train, test = time_split(rows, test_fraction=test_fraction)
        X_train, y_train = _arrays(train)
        X_test, y_test = _arrays(test)
        model = clone(estimator if estimator is not None else CounterfeitClassifier()).fit(X_train, y_train)
        probabilities = model.predict_proba(X_test)[:, 1]
        metrics = evaluate(y_test, probabilities)
        rules = np.array([rule_assessment(r)[0] for r in X_test])
        baseline_name, _baseline_row, baseline_p = _baseline(session, settings, X_test, notes)
        baseline_metrics = evaluate(y_test, baseline_p)
        passed = not_worse(metrics, baseline_metrics)
        stored = {"held_out": metrics, "baseline": {"name": baseline_name, **baseline_metrics},
                  "rules": evaluate(y_test, rules), "source": source, "gate_passed": passed,
                  "split": {"train_rows": len(train), "test_rows": len(test),
                            "held_out_from": test[0].at.isoformat()}}
        row = save_model(model, session=session, settings=settings, metrics=stored, training_rows=len(train))
        curve = save_pr_curve(settings.resolved_models_dir / f"{row.sha256}-pr.png", y_test,
                              {"new model": probabilities, baseline_name: baseline_p})
        verdict = (f"{GATE_METRIC} {metrics[GATE_METRIC]:.4f} vs {baseline_name} "
                   f"{baseline_metrics[GATE_METRIC]:.4f} on {len(test)} held-out hits")
        promoted = passed or force
        if row.is_current:
            reason = f"already current; {verdict}"
        elif promoted:
            reason = ("promoted: " if passed else "forced despite being worse: ") + verdict
            mark_promoted(row, session=session, actor_id=actor_id, reason=reason)
        else:
            reason = f"not promoted (worse): {verdict}"
        return TrainingReport(row.id, row.sha256, promoted, reason, metrics, baseline_name, baseline_metrics,
                              stored["rules"], len(train), len(test), source, curve,
                              time.perf_counter() - started, notes)


def promote_model(model_id: int, *, settings: Settings, engine: Engine, force: bool = False,
                  actor_id: int | None = None) -> str:
    """Promote a registered model if it is not worse than the current one on today's held-out labels.

    The file must pass the integrity check even when forced. Raises :class:`PromotionRefused`.
    """
    with transaction(engine) as session:
        row = get_model(model_id, session=session)
        candidate = load_verified(row, settings=settings)
        current = current_model(session=session)
        if current is not None and current.id == row.id:
            return f"model {model_id} is already current"
        try:
            rows, _source = labelled_rows(session=session, settings=settings)
            _train, test = time_split(rows)
        except NotEnoughLabels as exc:
            if not force:
                raise PromotionRefused(f"cannot compare model {model_id} with the current scorer ({exc}); "
                                       f"pass --force to promote anyway") from exc
            mark_promoted(row, session=session, actor_id=actor_id, reason="forced without comparison")
            return f"model {model_id} promoted (forced, not compared: too few labels)"
        X_test, y_test = _arrays(test)
        notes: list[str] = []
        mine = evaluate(y_test, candidate.predict_proba(X_test)[:, 1])
        name, _current_row, baseline_p = _baseline(session, settings, X_test, notes)
        theirs = evaluate(y_test, baseline_p)
        verdict = (f"{GATE_METRIC} {mine[GATE_METRIC]:.4f} vs {name} {theirs[GATE_METRIC]:.4f} "
                   f"on {len(test)} held-out hits")
        passed = not_worse(mine, theirs)
        if not passed and not force:
            raise PromotionRefused(f"model {model_id} is worse than the current scorer: {verdict}; "
                                   f"pass --force to promote anyway")
        how = "promoted" if passed else "promoted (forced despite being worse)"
        mark_promoted(row, session=session, actor_id=actor_id, reason=f"{how}: {verdict}")
        return f"model {model_id} {how}: {verdict}"
