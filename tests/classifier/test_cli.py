"""``markwatch train`` and ``markwatch models list|show|promote`` through typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from detection.classifier.synthetic import write_ground_truth
from markwatch.cli import app
from markwatch.cli.common import EXIT_FAILURE, EXIT_USAGE
from shared_db.settings import reset_settings

runner = CliRunner()


def mw(*args: str):  # type: ignore[no-untyped-def]
    reset_settings()
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_train_list_show_promote(settings, sqlite_engine, store_cases, cases, tmp_path) -> None:
    result = mw("models", "list")
    assert result.exit_code == 0 and "rules-v2" in result.output
    store_cases(sqlite_engine, cases[:300], decide_hits=False)
    assert mw("train").exit_code == EXIT_USAGE
    truth = write_ground_truth(cases[:300], tmp_path / "ground_truth.jsonl")
    result = mw("train", "--seed-ground-truth", str(truth), "--force")
    assert result.exit_code == 0, result.output
    assert "ground_truth" in result.output and "pr_auc" in result.output and "PR curve" in result.output
    listed = mw("models", "list")
    assert listed.exit_code == 0 and "*" in listed.output
    shown = mw("models", "show", "1")
    assert shown.exit_code == 0
    assert json.loads(shown.output)["current"] is True
    assert mw("models", "show", "99").exit_code == EXIT_USAGE
    promoted = mw("models", "promote", "1")
    assert promoted.exit_code == 0 and "already current" in promoted.output


def test_promote_refuses_a_tampered_model(settings, sqlite_engine, store_cases, cases, tmp_path) -> None:
    store_cases(sqlite_engine, cases[:300], decide_hits=False)
    truth = write_ground_truth(cases[:300], tmp_path / "ground_truth.jsonl")
    assert mw("train", "--seed-ground-truth", str(truth), "--force").exit_code == 0
    (model_file,) = settings.resolved_models_dir.glob("*.joblib")
    model_file.write_bytes(b"not the model")
    result = mw("models", "promote", "1", "--force")
    assert result.exit_code == EXIT_FAILURE and "changed after training" in result.output
