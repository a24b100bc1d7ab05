"""The model registry: model files named by their sha256 under the models directory, one row each.

A model is loaded only from ``settings.resolved_models_dir``, only under its registered
``<sha256>.joblib`` name, and only when the bytes on disk hash to the registered sha256; the
verified bytes are what is unpickled, so a file swapped after the check is never read.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from detection.classifier.estimator import CounterfeitClassifier
from shared_db.models import ModelVersion, utcnow
from shared_db.repo import audit
from shared_db.settings import Settings

MODEL_KIND = "sklearn-calibrated-logreg"
_FILENAME = re.compile(r"^[0-9a-f]{64}\.joblib$")


class ModelIntegrityError(RuntimeError):
    """A model file does not match its registry row (tampered, foreign or misplaced); it is refused."""


class ModelFileMissing(FileNotFoundError):
    """The registry names a model file that is not in the models directory."""


class ModelNotFound(LookupError):
    """No model version with that id."""


def library_versions() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "joblib": joblib.__version__}


def model_bytes(model: CounterfeitClassifier) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def save_model(model: CounterfeitClassifier, *, session: Session, settings: Settings,
               metrics: dict[str, Any], training_rows: int) -> ModelVersion:
    """Write the model content-addressed (atomically) and register it; an identical model reuses its row."""
    data = model_bytes(model)
    sha = hashlib.sha256(data).hexdigest()
    directory = settings.resolved_models_dir
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{sha}.joblib"
    if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    row = session.scalar(select(ModelVersion).where(ModelVersion.sha256 == sha))
    if row is None:
        row = ModelVersion(sha256=sha, kind=MODEL_KIND, filename=path.name, metrics=metrics,
                           library_versions=library_versions(), training_rows=training_rows,
                           created_at=utcnow(), is_current=False)
        session.add(row)
    else:
        row.metrics = metrics
    session.flush()
    return row


def load_verified(row: ModelVersion, *, settings: Settings) -> CounterfeitClassifier:
    """The model of ``row``, after checking where its file is and that its bytes hash to ``row.sha256``."""
    directory = settings.resolved_models_dir.resolve()
    if not _FILENAME.match(row.filename or "") or row.filename != f"{row.sha256}.joblib":
        raise ModelIntegrityError(
            f"model {row.id} has filename {row.filename!r}, not '<sha256>.joblib' inside the models "
            f"directory; refusing to load it (retrain with 'markwatch train')")
    path = directory / row.filename
    if path.is_symlink() or path.resolve().parent != directory:
        raise ModelIntegrityError(f"{path} is a link or lies outside {directory}; refusing to load it")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ModelFileMissing(
            f"model {row.id} ({row.sha256[:12]}) is registered but {path} is missing; restore the file "
            f"or promote another model ('markwatch models list')") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != row.sha256:
        raise ModelIntegrityError(
            f"{path} hashes to {actual[:12]}…, the registry expects {row.sha256[:12]}…: the file was "
            f"changed after training; refusing to load it (restore it, or retrain with 'markwatch train')")
    model = joblib.load(io.BytesIO(data))
    if not isinstance(model, CounterfeitClassifier):
        raise ModelIntegrityError(f"{path} holds a {type(model).__name__}, not a CounterfeitClassifier")
    return model


def current_model(*, session: Session) -> ModelVersion | None:
    """The promoted model version, if any."""
    return session.scalar(select(ModelVersion).where(ModelVersion.is_current.is_(True))
                          .order_by(ModelVersion.promoted_at.desc()).limit(1))


def get_model(model_id: int, *, session: Session) -> ModelVersion:
    row = session.get(ModelVersion, model_id)
    if row is None:
        raise ModelNotFound(f"no model version {model_id}; see 'markwatch models list'")
    return row


def list_models(*, session: Session) -> list[ModelVersion]:
    """All model versions, newest first."""
    return list(session.scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc(),
                                                              ModelVersion.id.desc())))


def mark_promoted(row: ModelVersion, *, session: Session, actor_id: int | None = None,
                  reason: str = "", when: datetime | None = None) -> ModelVersion:
    """Make ``row`` the only current model (and audit who did it and why)."""
    previous = current_model(session=session)
    session.execute(update(ModelVersion).where(ModelVersion.id != row.id, ModelVersion.is_current.is_(True))
                    .values(is_current=False).execution_options(synchronize_session="fetch"))
    row.is_current = True
    row.promoted_at = when or utcnow()
    audit.record("model.promote", session=session, actor_id=actor_id, object_type="model_version",
                 object_id=row.id, before={"current": None if previous is None else previous.sha256},
                 after={"current": row.sha256, "reason": reason})
    session.flush()
    return row


def model_path(row: ModelVersion, *, settings: Settings) -> Path:
    return settings.resolved_models_dir / row.filename
