"""scikit-learn estimators: raw candidates → records → calibrated counterfeit probability.

``make_candidate_pipeline`` is the one Pipeline from raw (listing, mark, match) candidates to a
probability; ``CounterfeitClassifier`` is its model half, trained from records (hit rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from detection.classifier.features import SellerRecord, candidate_record, extract_features
from detection.classifier.signals import COLUMNS, SIGNALS, numeric_row

# One CJK character is one token (no spaces between Chinese words); bigrams then see pairs.
TOKEN_PATTERN = r"(?u)[\u3400-\u9fff]|\b\w[\w:]*\b"


class CandidateFeatures(TransformerMixin, BaseEstimator):
    """Raw candidates → records (features plus listing fields). Stateless; ``fit`` learns nothing.

    ``seller_stats`` maps (marketplace, seller_id) to a :class:`SellerRecord`; a candidate may also
    carry its own ``"seller"`` record (tests and benchmarks replaying history do).
    """

    def __init__(self, fx_rates: Mapping[str, Any] | None = None,
                 seller_stats: Mapping[tuple[str, str], SellerRecord] | None = None) -> None:
        self.fx_rates = fx_rates
        self.seller_stats = seller_stats

    def fit(self, X: Sequence[Mapping[str, Any]], y: Any = None) -> CandidateFeatures:
        return self

    def transform(self, X: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        rates = self.fx_rates or {"USD": 1}
        stats = self.seller_stats or {}
        records = []
        for candidate in X:
            listing = candidate["listing"]
            seller = candidate.get("seller") or stats.get(
                (str(listing.get("marketplace") or ""), str(listing.get("seller_id") or "")))
            features = extract_features(candidate, fx_rates=rates, seller=seller)
            records.append(candidate_record(candidate, features))
        return records


class RecordTable(TransformerMixin, BaseEstimator):
    """Records → a 2-D object array: the selected numeric columns, match kind, marketplace, text."""

    def __init__(self, columns: tuple[str, ...] = tuple(name for name, _s, _f in COLUMNS)) -> None:
        self.columns = columns

    def fit(self, X: Sequence[Mapping[str, Any]], y: Any = None) -> RecordTable:
        return self

    def transform(self, X: Sequence[Mapping[str, Any]]) -> np.ndarray:
        rows = []
        for r in X:
            text = f"{r.get('title') or ''} {r.get('description') or ''}"
            rows.append([*numeric_row(r, self.columns), str(r.get("match_kind") or ""),
                         str(r.get("marketplace") or ""), text])
        table = np.empty((len(rows), len(self.columns) + 3), dtype=object)
        for i, row in enumerate(rows):
            table[i] = row
        return table


class CounterfeitClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated logistic regression over the record columns, match kind and hashed listing text.

    Parameters
    ----------
    signals: which signal groups to use (see ``signals.SIGNALS``); ``None`` means all.
    text_features: hashing space for title + description words and word pairs.
    C: inverse regularisation strength of the logistic regression.
    calibration: ``"sigmoid"`` or ``"isotonic"`` (CalibratedClassifierCV).
    cv: calibration folds.
    random_state: seeds the calibration folds.
    """

    def __init__(self, signals: tuple[str, ...] | None = None, text_features: int = 2**15, C: float = 1.0,
                 calibration: str = "sigmoid", cv: int = 3, random_state: int = 0) -> None:
        self.signals = signals
        self.text_features = text_features
        self.C = C
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state

    def _build(self) -> Pipeline:
        signals = set(self.signals or SIGNALS)
        unknown = signals - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signals {sorted(unknown)}; choose from {', '.join(SIGNALS)}")
        columns = tuple(name for name, signal, _f in COLUMNS if signal in signals)
        n = len(columns)
        parts: list[tuple[str, Any, Any]] = []
        if columns:
            parts.append(("numeric", StandardScaler(), list(range(n))))
        if "kind" in signals:
            parts.append(("kind", OneHotEncoder(handle_unknown="ignore"), [n, n + 1]))
        if "text" in signals:
            parts.append(("text", HashingVectorizer(n_features=self.text_features, alternate_sign=False,
                                                    ngram_range=(1, 2), token_pattern=TOKEN_PATTERN), n + 2))
        model = CalibratedClassifierCV(
            LogisticRegression(C=self.C, solver="liblinear", class_weight="balanced",
                               random_state=self.random_state),
            method=self.calibration,
            cv=StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state))
        return Pipeline([("table", RecordTable(columns)), ("columns", ColumnTransformer(parts)),
                         ("model", model)])

    def fit(self, X: Sequence[Mapping[str, Any]], y: Any) -> CounterfeitClassifier:
        """Fit on records (dicts as built by ``CandidateFeatures`` or ``hit_record``) and 0/1 labels."""
        y = np.asarray(y).astype(int)
        pipeline = self._build()
        pipeline.fit(list(X), y)
        self.pipeline_ = pipeline
        self.classes_ = pipeline.classes_
        self.columns_ = pipeline.named_steps["table"].columns
        coefs = [c.estimator.coef_[0][: len(self.columns_)]
                 for c in pipeline.named_steps["model"].calibrated_classifiers_]
        self.column_weights_ = np.mean(coefs, axis=0) if self.columns_ else np.zeros(0)
        self.n_training_records_ = len(y)
        return self

    def predict_proba(self, X: Sequence[Mapping[str, Any]]) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X: Sequence[Mapping[str, Any]]) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def signal_contributions(self, X: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
        """Per record, each signal's share of the linear score (weight × standardised value)."""
        check_is_fitted(self, "pipeline_")
        if not self.columns_:
            return [{} for _ in X]
        table = self.pipeline_.named_steps["table"].transform(list(X))
        scaler = self.pipeline_.named_steps["columns"].named_transformers_["numeric"]
        scaled = scaler.transform(table[:, : len(self.columns_)].astype(float)) * self.column_weights_
        signal_of = {name: signal for name, signal, _f in COLUMNS}
        out = []
        for row in scaled:
            contributions: dict[str, float] = {}
            for name, value in zip(self.columns_, row, strict=True):
                contributions[signal_of[name]] = contributions.get(signal_of[name], 0.0) + float(value)
            out.append(contributions)
        return out


def make_candidate_pipeline(classifier: CounterfeitClassifier | None = None, *,
                            fx_rates: Mapping[str, Any] | None = None,
                            seller_stats: Mapping[tuple[str, str], SellerRecord] | None = None) -> Pipeline:
    """The one Pipeline from raw candidates to a calibrated probability."""
    return Pipeline([("features", CandidateFeatures(fx_rates=fx_rates, seller_stats=seller_stats)),
                     ("classifier", clone(classifier) if classifier is not None else CounterfeitClassifier())])
