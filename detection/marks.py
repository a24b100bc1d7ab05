"""What detection needs to know about a mark, and a small reader for the marks CSV (offline CLI)."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detection.distinctiveness import Distinctiveness

if TYPE_CHECKING:
    from shared_db.models import Mark


class MarkCsvError(ValueError):
    """The marks CSV cannot be read; the message names the line and what to fix."""


@dataclass(frozen=True)
class MarkSpec:
    """A mark as the matcher sees it: its text, other registered forms and its context."""

    id: int | str
    text: str
    aliases: tuple[str, ...] = ()
    transliterations: tuple[str, ...] = ()
    classes: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    authorised_sellers: tuple[str, ...] = ()
    authorised_domains: tuple[str, ...] = ()  # the owner's own and licensed sites: no domain hits there
    reference_price: float | None = None
    currency: str | None = None
    weight: float = 1.0
    reference_hashes: tuple[str, ...] = ()
    distinctiveness: Distinctiveness | None = None  # as stored when the mark changed; assessed afresh if None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_model(cls, mark: Mark) -> MarkSpec:
        """Build from a ``shared_db.models.Mark`` row."""
        return cls(
            id=mark.id, text=mark.text, aliases=tuple(mark.aliases or ()),
            transliterations=tuple(mark.transliterations or ()), classes=tuple(mark.classes or ()),
            categories=tuple(mark.categories or ()), authorised_sellers=tuple(mark.authorised_sellers or ()),
            authorised_domains=tuple(mark.authorised_domains or ()),
            reference_price=None if mark.reference_price is None else float(mark.reference_price),
            currency=mark.currency, weight=float(mark.weight if mark.weight is not None else 1.0),
            reference_hashes=tuple(image.phash for image in mark.reference_images),
            distinctiveness=Distinctiveness.from_dict(mark.distinctiveness),
        )

    def as_candidate(self) -> dict[str, Any]:
        """The ``mark`` part of a candidate for :mod:`detection.scoring`."""
        return {
            "id": self.id, "text": self.text, "reference_price": self.reference_price, "currency": self.currency,
            "authorised_sellers": list(self.authorised_sellers), "classes": list(self.classes),
            "categories": list(self.categories), "weight": self.weight,
            "reference_hashes": list(self.reference_hashes),
        }


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(";") if part.strip())


def read_marks_csv(path: Path) -> list[MarkSpec]:
    """Read marks in the import CSV format (only ``mark`` is required; lists separated by ``;``).

    Marks get the 1-based row number as id unless the file has an ``id`` column.
    """
    return list(_iter_marks(path))


def _iter_marks(path: Path) -> Iterator[MarkSpec]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise MarkCsvError(f"cannot open marks file {path}: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "mark" not in [name.strip() for name in reader.fieldnames]:
            raise MarkCsvError(f"{path}: the header needs a 'mark' column (got {reader.fieldnames})")
        try:
            for number, raw in enumerate(reader, start=1):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
                if not row.get("mark"):
                    raise MarkCsvError(f"{path}: line {reader.line_num}: empty 'mark'; fill it in or drop the row")
                yield MarkSpec(
                    id=row.get("id") or number, text=row["mark"], aliases=_split(row.get("aliases")),
                    transliterations=_split(row.get("transliterations")),
                    classes=_classes(row.get("classes"), path, reader.line_num),
                    categories=_split(row.get("categories")), authorised_sellers=_split(row.get("authorised_sellers")),
                    reference_price=_price(row.get("reference_price"), path, reader.line_num),
                    currency=(row.get("currency") or None), extra={"owner": row.get("owner") or None},
                )
        except UnicodeDecodeError as exc:
            raise MarkCsvError(f"{path}: not UTF-8 ({exc.reason}); save the file as UTF-8") from exc


def _classes(value: str | None, path: Path, line: int) -> tuple[int, ...]:
    try:
        classes = tuple(sorted({int(part) for part in _split(value)}))
    except ValueError as exc:
        raise MarkCsvError(f"{path}: line {line}: Nice classes must be numbers separated by ';'") from exc
    if any(not 1 <= c <= 45 for c in classes):
        raise MarkCsvError(f"{path}: line {line}: Nice classes run from 1 to 45")
    return classes


def _price(value: str | None, path: Path, line: int) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise MarkCsvError(f"{path}: line {line}: reference_price {value!r} is not a number") from exc
