"""The learning loop on the real database: decisions → time split → model → gated promotion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from detection.classifier.estimator import CounterfeitClassifier
from detection.classifier.registry import current_model, list_models, model_path
from detection.classifier.scorers import ModelScorer
from detection.classifier.synthetic import write_ground_truth
from detection.classifier.training import (
    LabelledRow,
    NotEnoughLabels,
    PromotionRefused,
    labelled_rows,
    promote_model,
    time_split,
    train_from_decisions,
)
from detection.scoring import load_scorer
from shared_db.models import AuditLog, ModelVersion

WEAK = CounterfeitClassifier(signals=("images",))  # knows only how many photos a listing has


def test_training_from_decisions_registers_and_promotes(engine, settings, store_cases, cases) -> None:
    store_cases(engine, cases[:400])
    report = train_from_decisions(settings=settings, engine=engine)
    assert report.source == "decisions"
    assert (report.train_rows, report.test_rows) == (300, 100)
    assert report.baseline == "rules-v2"
    assert report.promoted == (report.metrics["pr_auc"] >= report.baseline_metrics["pr_auc"])
    assert 0.5 < report.metrics["pr_auc"] <= 1 and report.pr_curve.read_bytes()[:4] == b"\x89PNG"
    with Session(engine) as session:
        row = session.get(ModelVersion, report.model_id)
        assert model_path(row, settings=settings).name == f"{row.sha256}.joblib"
        assert row.training_rows == 300 and row.library_versions["scikit-learn"]
        assert row.metrics["held_out"]["pr_auc"] == report.metrics["pr_auc"]
        assert {"precision", "recall", "brier", "ece", "calibration"} <= set(row.metrics["held_out"])
        if report.promoted:
            scorer = load_scorer(session=session, settings=settings)
            assert isinstance(scorer, ModelScorer) and scorer.version == row.sha256[:12]
            (assessment,) = scorer.assess([cases[450].candidate])
            assert assessment.model_version == row.sha256[:12] and assessment.explanations


def test_escalated_hits_are_left_out_and_the_held_out_rows_are_the_newest(engine, settings, store_cases,
                                                                          cases) -> None:
    chosen = cases[:200]
    store_cases(engine, chosen, verdict_for=lambda c: "escalated" if int(c.listing_id.split(":")[1]) % 10 == 0
                else ("confirmed" if c.infringing else "dismissed"))
    with Session(engine) as session:
        rows, source = labelled_rows(session=session, settings=settings)
    assert source == "decisions" and len(rows) == 180
    train, test = time_split(rows)
    assert max(r.at for r in train) <= min(r.at for r in test)
    assert len(test) == 45


def test_time_split_needs_both_classes_on_both_sides() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [LabelledRow(i, {}, int(i < 30 and i % 2 == 0), start + timedelta(hours=i)) for i in range(40)]
    with pytest.raises(NotEnoughLabels, match="held-out part .* 0 confirmed"):
        time_split(rows)


def test_too_few_labels_is_a_named_error(engine, settings, store_cases, cases) -> None:
    store_cases(engine, cases[:12])
    with pytest.raises(NotEnoughLabels, match="seed-ground-truth"):
        train_from_decisions(settings=settings, engine=engine)


def test_promotion_gate_keeps_the_better_model_unless_forced(engine, settings, store_cases, cases) -> None:
    store_cases(engine, cases[:400])
    good = train_from_decisions(settings=settings, engine=engine, force=True)
    weak = train_from_decisions(settings=settings, engine=engine, estimator=WEAK)
    assert weak.baseline == good.sha256[:12]
    assert weak.metrics["pr_auc"] < weak.baseline_metrics["pr_auc"]
    assert not weak.promoted and "not promoted" in weak.reason
    with Session(engine) as session:
        assert current_model(session=session).id == good.model_id
    with pytest.raises(PromotionRefused, match="worse"):
        promote_model(weak.model_id, settings=settings, engine=engine)
    forced = train_from_decisions(settings=settings, engine=engine, estimator=WEAK, force=True)
    assert forced.model_id == weak.model_id  # same data, same seed: the same file and row
    assert forced.promoted and "forced" in forced.reason
    with Session(engine) as session:
        assert current_model(session=session).id == weak.model_id
        assert [m.is_current for m in list_models(session=session)].count(True) == 1
        assert session.scalar(select(AuditLog).where(AuditLog.action == "model.promote")) is not None
    # The better model can come back through the gate.
    assert promote_model(good.model_id, settings=settings, engine=engine).startswith(f"model {good.model_id} promoted:")
    assert "forced" in promote_model(weak.model_id, settings=settings, engine=engine, force=True)


def test_seed_model_from_ground_truth_without_reviewer_labels(sqlite_engine, settings, store_cases, cases,
                                                              tmp_path) -> None:
    store_cases(sqlite_engine, cases[:300], decide_hits=False)
    truth = write_ground_truth(cases[:300], tmp_path / "ground_truth.jsonl")
    with pytest.raises(NotEnoughLabels):
        train_from_decisions(settings=settings, engine=sqlite_engine)
    report = train_from_decisions(settings=settings, engine=sqlite_engine, seed_ground_truth=truth)
    assert report.source == "ground_truth" and report.train_rows + report.test_rows == 300


def test_only_reviewer_and_admin_verdicts_are_labels(engine, settings, store_cases, cases) -> None:
    """An authority's confirm or dismiss (possible before roles were enforced) and any escalation are not labels."""
    from shared_db.models import Decision, Hit
    from shared_db.repo.hits import decide
    from shared_db.repo.users import create_user

    hits = store_cases(engine, cases[:20], decide_hits=False)
    with Session(engine) as session, session.begin():
        reviewer = create_user("rev@labels.test", "labels-test-password-1", "reviewer", session=session).id
        admin = create_user("adm@labels.test", "labels-test-password-1", "admin", session=session).id
        authority = create_user("auth@labels.test", "labels-test-password-1", "authority", session=session).id

        def verdicts(hit_id: int, *steps: tuple[int | None, str]) -> None:
            for version, (who, verdict) in enumerate(steps, 1):
                decide(hit_id, verdict, session=session, reviewer_id=who, expected_version=version)

        for hit in hits[0:4]:
            verdicts(hit, (reviewer, "confirmed"))
        for hit in hits[4:8]:
            verdicts(hit, (authority, "dismissed"))
        for hit in hits[8:12]:
            verdicts(hit, (admin, "dismissed"), (authority, "escalated"))
        for hit in hits[12:16]:
            verdicts(hit, (authority, "confirmed"), (reviewer, "dismissed"), (authority, "confirmed"))
        for hit in hits[16:20]:
            verdicts(hit, (None, "confirmed"))  # recorded by a program (CLI, seed), not through the UI
        assert session.scalar(select(func.count(Decision.id))) == 32 and session.get(Hit, hits[12]).version == 4
    with Session(engine) as session:
        rows, source = labelled_rows(session=session, settings=settings)
    labels = {row.hit_id: row.label for row in rows}
    assert labels == {**dict.fromkeys(hits[0:4], 1), **dict.fromkeys(hits[8:16], 0), **dict.fromkeys(hits[16:], 1)}
    assert source == "decisions"
