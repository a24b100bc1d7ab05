"""Counterfeit classifier: features, rule-based cold start, calibrated model, registry, learning loop.

Public entry points (import from the submodules; nothing heavy happens at import of this package):

* ``detection.scoring.load_scorer(session=, settings=)`` — what detection calls.
* ``detection.classifier.training.train_from_decisions(settings=, engine=, force=False)`` — retrain.
* ``detection.classifier.training.promote_model(model_id, settings=, engine=, force=False)``.
* ``detection.classifier.estimator.CounterfeitClassifier`` / ``make_candidate_pipeline``.
* ``detection.classifier.active.most_uncertain_hits`` / ``uncertainty_order`` — active learning.
"""
