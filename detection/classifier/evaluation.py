"""Held-out evaluation: precision, recall, PR-AUC, precision at 90% recall, calibration, PR curve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve

GATE_METRIC = "pr_auc"


def precision_at_recall(y: np.ndarray, scores: np.ndarray, recall: float = 0.9) -> float:
    """The best precision among thresholds that keep recall at or above ``recall``."""
    precision, achieved, _ = precision_recall_curve(y, scores)
    ok = achieved >= recall
    return float(precision[ok].max()) if ok.any() else 0.0


def calibration_bins(y: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> tuple[float, list[dict[str, float]]]:
    """(expected calibration error, per-bin mean prediction / observed rate / count)."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = index == b
        if not mask.any():
            continue
        predicted, observed = float(probabilities[mask].mean()), float(y[mask].mean())
        ece += mask.mean() * abs(predicted - observed)
        table.append({"predicted": round(predicted, 4), "observed": round(observed, 4), "count": int(mask.sum())})
    return float(ece), table


def evaluate(y: Any, probabilities: Any, *, threshold: float = 0.5) -> dict[str, Any]:
    """Metrics of ``probabilities`` against 0/1 labels ``y`` (JSON-safe)."""
    y, p = np.asarray(y).astype(int), np.asarray(probabilities, dtype=float)
    predicted = p >= threshold
    tp = int((predicted & (y == 1)).sum())
    ece, bins = calibration_bins(y, p)
    return {
        "rows": int(len(y)), "positives": int(y.sum()), "threshold": threshold,
        "precision": tp / max(int(predicted.sum()), 1), "recall": tp / max(int(y.sum()), 1),
        "pr_auc": float(average_precision_score(y, p)),
        "precision_at_90_recall": precision_at_recall(y, p, 0.9),
        "brier": float(brier_score_loss(y, p)), "ece": ece, "calibration": bins,
    }


def not_worse(candidate: dict[str, Any], current: dict[str, Any] | None, *, tolerance: float = 1e-9) -> bool:
    """The promotion gate: the candidate's PR-AUC is at least the current model's on the same rows."""
    return current is None or candidate[GATE_METRIC] >= current[GATE_METRIC] - tolerance


def save_pr_curve(path: Path, y: Any, curves: dict[str, Any]) -> Path:
    """A PR-curve PNG with one line per scorer (``{"label": probabilities}``)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 4), dpi=100)
    axes = figure.add_subplot()
    for label, scores in curves.items():
        precision, recall, _ = precision_recall_curve(np.asarray(y).astype(int), np.asarray(scores))
        axes.plot(recall, precision, label=f"{label} (AP {average_precision_score(y, scores):.3f})")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title="held-out PR curve")
    axes.legend(loc="lower left")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    return path
