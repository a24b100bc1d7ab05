"""What every importer shares: the report, the errors, the size guard and the per-record upsert."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared_db.models import Mark, Organisation
from shared_db.repo.marks import mark_snapshot, upsert_mark
from shared_db.schemas import MarkCreate

DEFAULT_MAX_BYTES = 5_000_000
CENTS = Decimal("0.01")

Outcome = Literal["imported", "updated", "unchanged"]


class MarkImportError(ValueError):
    """The file as a whole cannot be imported (the message says why and what to do)."""


class ImportTooLarge(MarkImportError):
    """The upload is larger than the configured limit."""


class UnknownFormatError(MarkImportError):
    """The import format was not given and cannot be guessed."""


class RowRejected(ValueError):
    """One record cannot be imported; the message is the reason shown to the user."""


@dataclass
class ImportReport:
    """Counts of what an import did, and every rejected record as (line, reason)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no record was rejected."""
        return not self.rejected

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append((line, reason))


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise ImportTooLarge(
            f"the file has {len(data):,} bytes, more than the limit of {max_bytes:,}; "
            "split it into smaller files (or raise MARKWATCH_MAX_UPLOAD_BYTES)"
        )


def validation_reason(exc: ValidationError) -> str:
    """A one-line reason from pydantic's errors, naming the fields."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "record"
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def build_mark(fields: dict[str, Any]) -> MarkCreate:
    """Validate one record through :class:`MarkCreate`; raises :class:`RowRejected`."""
    try:
        data = MarkCreate(**fields)
    except ValidationError as exc:
        raise RowRejected(validation_reason(exc)) from None
    if data.reference_price is not None:
        # Stored as NUMERIC(14, 2): compare re-imports in the stored form so they count as unchanged.
        data.reference_price = data.reference_price.quantize(CENTS)
    return data


def save_mark(data: MarkCreate, *, session: Session, actor_id: int | None) -> Outcome:
    """Upsert one validated mark inside a savepoint; a database refusal rejects only this record."""
    existing = session.scalar(
        select(Mark).join(Organisation).where(Organisation.name == data.owner.strip(), Mark.text == data.text)
    )
    before = None if existing is None else mark_snapshot(existing)
    try:
        with session.begin_nested():
            mark, created = upsert_mark(data, session=session, actor_id=actor_id)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise RowRejected(f"the database refused the mark: {reason}") from exc
    if created:
        return "imported"
    return "unchanged" if mark_snapshot(mark) == before else "updated"
