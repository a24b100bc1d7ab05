"""The estimators follow scikit-learn's conventions and are deterministic under a seed."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import average_precision_score
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from detection.classifier.estimator import (
    CandidateFeatures,
    CounterfeitClassifier,
    RecordTable,
    make_candidate_pipeline,
)
from detection.classifier.registry import model_bytes
from detection.classifier.synthetic import generate_cases

FX = {"USD": 1, "CNY": 0.14}
ESTIMATORS = [CounterfeitClassifier(), CandidateFeatures(fx_rates=FX), RecordTable()]


@pytest.fixture(scope="module")
def data(cases):
    records = CandidateFeatures(fx_rates=FX).transform([c.candidate for c in cases])
    return records, np.array([c.infringing for c in cases], dtype=int)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", [check_no_attributes_set_in_init, check_parameters_default_constructible,
                                   check_get_params_invariance, check_set_params], ids=lambda c: c.__name__)
def test_sklearn_estimator_checks(estimator, check) -> None:
    check(type(estimator).__name__, estimator)


def test_fit_returns_self_and_learned_state_ends_in_underscore(data) -> None:
    records, y = data
    model = CounterfeitClassifier(C=0.5, random_state=3)
    before = set(vars(model))
    assert model.fit(records, y) is model
    learned = set(vars(model)) - before
    assert learned and all(name.endswith("_") for name in learned)
    assert before == {"signals", "text_features", "C", "calibration", "cv", "random_state"}
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "pipeline_")
    assert list(model.classes_) == [0, 1]
    assert ((model.predict_proba(records) >= 0) & (model.predict_proba(records) <= 1)).all()


def test_unknown_signal_is_rejected_at_fit(data) -> None:
    with pytest.raises(ValueError, match="unknown signals"):
        CounterfeitClassifier(signals=("telepathy",)).fit(*data)


def test_same_seed_gives_the_same_data_and_the_same_model(offers, data) -> None:
    first = generate_cases(offers, n=50, seed=11)
    second = generate_cases(offers, n=50, seed=11)
    assert [c.candidate["listing"]["title"] for c in first] == [c.candidate["listing"]["title"] for c in second]
    assert [c.infringing for c in first] == [c.infringing for c in second]
    records, y = data
    a = CounterfeitClassifier(random_state=5).fit(records[:400], y[:400])
    b = CounterfeitClassifier(random_state=5).fit(records[:400], y[:400])
    np.testing.assert_array_equal(a.predict_proba(records[400:]), b.predict_proba(records[400:]))
    assert model_bytes(a) == model_bytes(b)


def test_one_pipeline_from_raw_candidates_to_probability(cases) -> None:
    raw = [c.candidate for c in cases]
    y = np.array([c.infringing for c in cases], dtype=int)
    pipeline = make_candidate_pipeline(CounterfeitClassifier(), fx_rates=FX).fit(raw[:450], y[:450])
    probabilities = pipeline.predict_proba(raw[450:])[:, 1]
    assert average_precision_score(y[450:], probabilities) > 0.7
    assert clone(pipeline).get_params()["classifier__C"] == 1.0


def test_signal_contributions_name_signals(data) -> None:
    records, y = data
    model = CounterfeitClassifier(signals=("price", "vocabulary", "text")).fit(records, y)
    (contributions,) = model.signal_contributions(records[:1])
    assert set(contributions) == {"price", "vocabulary"}
