"""``markwatch train`` and ``markwatch models list|show|promote``: the classifier's learning loop."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from markwatch.cli.common import EXIT_FAILURE, EXIT_USAGE, clear_errors, console, fail

models = typer.Typer(help="List, inspect and promote trained classifier models.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``models`` to ``app``."""
    app.command("train")(train)
    app.add_typer(models, name="models")


def _engine():  # type: ignore[no-untyped-def]
    from shared_db.db import get_engine
    from shared_db.settings import get_settings

    settings = get_settings()
    return settings, get_engine(settings.resolved_database_url)


def train(
    force: bool = typer.Option(False, "--force", help="Promote the new model even if it is worse."),
    seed_ground_truth: Path | None = typer.Option(
        None, "--seed-ground-truth", exists=True, dir_okay=False, readable=True,
        help="A ground_truth.jsonl (demo marketplace) labelling hits when reviewers have not yet."),
) -> None:
    """Train a model from reviewers' decisions, evaluate it on the newest labels, promote it if not worse."""
    from detection.classifier.training import GroundTruthError, NotEnoughLabels, train_from_decisions

    with clear_errors():
        settings, engine = _engine()
        try:
            report = train_from_decisions(settings=settings, engine=engine, force=force,
                                          seed_ground_truth=seed_ground_truth)
        except (NotEnoughLabels, GroundTruthError) as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
    m, b = report.metrics, report.baseline_metrics
    console.print(f"model {report.model_id} ({report.sha256[:12]}) trained on {report.train_rows} labelled hits "
                  f"({report.source}) in {report.seconds:.1f}s; held out {report.test_rows}.", highlight=False)
    table = Table("held-out metric", "new model", report.baseline)
    for key in ("pr_auc", "precision_at_90_recall", "precision", "recall", "brier", "ece"):
        table.add_row(key, f"{m[key]:.4f}", f"{b[key]:.4f}")
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(f"{report.reason}\nPR curve: {report.pr_curve}", highlight=False)


@models.command("list")
def list_command() -> None:
    """Registered models, newest first; the current one is marked with *."""
    from detection.classifier.registry import list_models
    from shared_db.db import transaction

    with clear_errors():
        _settings, engine = _engine()
        with transaction(engine) as session:
            rows = list_models(session=session)
            table = Table("", "id", "sha256", "created", "rows", "held-out PR-AUC", "promoted")
            for row in rows:
                held_out = (row.metrics or {}).get("held_out", {})
                table.add_row("*" if row.is_current else "", str(row.id), row.sha256[:12],
                              f"{row.created_at:%Y-%m-%d %H:%M}", str(row.training_rows),
                              f"{held_out['pr_auc']:.4f}" if "pr_auc" in held_out else "-",
                              f"{row.promoted_at:%Y-%m-%d %H:%M}" if row.promoted_at else "")
    if not rows:
        from detection.classifier.signals import RULES_VERSION

        console.print(f"no models yet; hits are scored by the rules ({RULES_VERSION}). Run 'markwatch train'.")
        return
    console.print(table)


@models.command("show")
def show_command(model_id: int = typer.Argument(..., help="The model id from 'markwatch models list'.")) -> None:
    """A model's metrics, library versions and file, as JSON."""
    from detection.classifier.registry import ModelNotFound, get_model, model_path
    from shared_db.db import transaction

    with clear_errors():
        settings, engine = _engine()
        with transaction(engine) as session:
            try:
                row = get_model(model_id, session=session)
            except ModelNotFound as exc:
                raise fail(str(exc), EXIT_USAGE) from exc
            shown = {"id": row.id, "sha256": row.sha256, "kind": row.kind, "current": row.is_current,
                     "file": str(model_path(row, settings=settings)), "training_rows": row.training_rows,
                     "created_at": row.created_at.isoformat(),
                     "promoted_at": row.promoted_at.isoformat() if row.promoted_at else None,
                     "library_versions": row.library_versions, "metrics": row.metrics}
    console.print_json(json.dumps(shown, default=str))


@models.command("promote")
def promote_command(
    model_id: int = typer.Argument(..., help="The model id from 'markwatch models list'."),
    force: bool = typer.Option(False, "--force", help="Promote even if worse or not comparable (admins)."),
) -> None:
    """Make a model current if it is not worse than the current scorer on the newest labels."""
    from detection.classifier.registry import ModelFileMissing, ModelIntegrityError, ModelNotFound
    from detection.classifier.training import PromotionRefused, promote_model

    with clear_errors():
        settings, engine = _engine()
        try:
            message = promote_model(model_id, settings=settings, engine=engine, force=force)
        except ModelNotFound as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
        except (PromotionRefused, ModelIntegrityError, ModelFileMissing) as exc:
            raise fail(str(exc), EXIT_FAILURE) from exc
    console.print(message, highlight=False)
