"""Models load only from the models directory, and only when their bytes match the registry."""

from __future__ import annotations

import shutil

import joblib
import pytest
from sqlalchemy.orm import Session

from detection.classifier.registry import (
    ModelFileMissing,
    ModelIntegrityError,
    get_model,
    load_verified,
    model_path,
)
from detection.classifier.training import train_from_decisions
from detection.scoring import load_scorer


@pytest.fixture
def trained(sqlite_engine, settings, store_cases, cases):
    store_cases(sqlite_engine, cases[:300])
    report = train_from_decisions(settings=settings, engine=sqlite_engine, force=True)
    with Session(sqlite_engine) as session:
        row = get_model(report.model_id, session=session)
        session.expunge(row)
    return row


def test_verified_model_loads(trained, settings) -> None:
    assert load_verified(trained, settings=settings).n_training_records_ == 225


def test_tampered_model_file_is_refused(trained, settings, sqlite_engine) -> None:
    path = model_path(trained, settings=settings)
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(ModelIntegrityError, match="changed after training"):
        load_verified(trained, settings=settings)
    with Session(sqlite_engine) as session, pytest.raises(ModelIntegrityError):
        load_scorer(session=session, settings=settings)


def test_foreign_pickle_under_a_registered_name_is_refused(trained, settings, tmp_path) -> None:
    path = model_path(trained, settings=settings)
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(ModelIntegrityError, match="refusing"):
        load_verified(trained, settings=settings)


def test_files_outside_the_models_directory_are_refused(trained, settings, tmp_path) -> None:
    outside = tmp_path / "elsewhere.joblib"
    shutil.copy(model_path(trained, settings=settings), outside)
    trained.filename = f"../{outside.name}"
    with pytest.raises(ModelIntegrityError, match="filename"):
        load_verified(trained, settings=settings)
    trained.filename = f"{trained.sha256}.joblib"
    path = model_path(trained, settings=settings)
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(ModelIntegrityError, match="link"):
        load_verified(trained, settings=settings)


def test_missing_model_file_is_named(trained, settings) -> None:
    model_path(trained, settings=settings).unlink()
    with pytest.raises(ModelFileMissing, match="markwatch models list"):
        load_verified(trained, settings=settings)
