"""What every importer shares: the report, the errors, the size guard and the per-file save."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared_db.repo.marks import CuratedFieldError, Outcome, save_mark
from shared_db.schemas import MarkCreate

DEFAULT_MAX_BYTES = 5_000_000
CENTS = Decimal("0.01")

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


class FileMarks:
    """Saves the marks of one file: each mark once, each in a savepoint, so a bad record rejects only itself.

    A mark that appears again later in the same file is a rejected row naming the line that was kept;
    letting it through would overwrite the earlier row with whatever the later one says.
    """

    def __init__(self, *, session: Session, actor_id: int | None, curator: bool) -> None:
        self.session, self.actor_id, self.curator = session, actor_id, curator
        self.lines: dict[tuple[str, str], int] = {}

    def save(self, data: MarkCreate, *, line: int) -> Outcome:
        key = (data.owner, data.text)
        if key in self.lines:
            raise RowRejected(f"the mark {data.text!r} of {data.owner!r} is already on line {self.lines[key]} "
                              "of this file; that row was kept, merge the two rows")
        try:
            with self.session.begin_nested():
                _, outcome = save_mark(data, session=self.session, actor_id=self.actor_id, curator=self.curator)
        except CuratedFieldError as exc:
            raise RowRejected(str(exc)) from None
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise RowRejected(f"the database refused the mark: {reason}") from exc
        self.lines[key] = line
        return outcome
