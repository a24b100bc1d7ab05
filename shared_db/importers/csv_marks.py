"""Marks from CSV: one mark per row, lists separated by ``;``, UTF-8 (a BOM is tolerated)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from shared_db.importers.base import FileMarks, ImportReport, MarkImportError, RowRejected, build_mark
from shared_db.repo.marks import CuratedFieldError, check_curated

CSV_COLUMNS = (
    "mark", "owner", "aliases", "classes", "jurisdictions", "registration_number", "office",
    "reference_price", "currency", "authorised_sellers",
)
# Accepted as well, so a full export can be re-imported; ``weight`` only from reviewers and admins.
EXTRA_COLUMNS = ("transliterations", "application_number", "authorised_domains", "categories", "status", "weight")
LIST_COLUMNS = frozenset({"aliases", "jurisdictions", "authorised_sellers", "transliterations",
                          "authorised_domains", "categories"})
# An empty cell in one of these columns leaves the mark's value (they have no "empty" value).
KEEP_WHEN_EMPTY = frozenset({"status", "weight"})
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def import_csv(data: bytes, *, session: Session, owner: str | None, actor_id: int | None,
               curator: bool) -> ImportReport:
    """Import a marks CSV; see :func:`shared_db.importers.import_marks`.

    The file speaks for its columns only: a column it lacks is left as it is, a column it has sets the
    field on every row (an empty cell clears it, except ``status`` and ``weight``, which it leaves).
    """
    report = ImportReport()
    records = _records(data)
    header_line, header = next(records, (0, []))
    columns = _check_header(header, header_line, owner)
    try:
        check_curated(columns, curator=curator)
    except CuratedFieldError as exc:
        raise MarkImportError(f"line {header_line}: {exc} (remove the column)") from exc
    marks = FileMarks(session=session, actor_id=actor_id, curator=curator)
    for line, row in records:
        try:
            fields = _row_fields(row, columns, owner)
            report.count(marks.save(build_mark(fields), line=line))
        except RowRejected as exc:
            report.reject(line, str(exc))
    return report


def _records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Non-empty CSV records with the line they start on; bytes that are not UTF-8 stay visible."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise MarkImportError(f"line {reader.line_num}: the CSV is malformed ({exc}); fix the quoting") from exc


def _check_header(header: list[str], line: int, owner: str | None) -> list[str]:
    if not header:
        raise MarkImportError("the file is empty; the first line must name the columns, e.g. "
                              + ",".join(CSV_COLUMNS))
    if any(_UNDECODABLE.search(cell) for cell in header):
        raise MarkImportError(f"line {line}: the header is not valid UTF-8; save the file as UTF-8")
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in CSV_COLUMNS and c not in EXTRA_COLUMNS]
    if unknown:
        raise MarkImportError(f"line {line}: unknown column(s) {', '.join(unknown)}; "
                              f"the columns are {', '.join(CSV_COLUMNS)}")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise MarkImportError(f"line {line}: column(s) {', '.join(duplicated)} appear more than once")
    if "mark" not in columns:
        raise MarkImportError(f"line {line}: the header needs a 'mark' column")
    if "owner" not in columns and not owner:
        raise MarkImportError(f"line {line}: the header needs an 'owner' column, "
                              "or give the owner for the whole file (--owner)")
    return columns


def _row_fields(row: list[str], columns: list[str], owner: str | None) -> dict[str, Any]:
    if len(row) != len(columns):
        raise RowRejected(f"expected {len(columns)} columns, found {len(row)}")
    bad = [column for column, cell in zip(columns, row, strict=True) if _UNDECODABLE.search(cell)]
    if bad:
        raise RowRejected(f"invalid UTF-8 in column {', '.join(bad)}; save the file as UTF-8")
    values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
    if not values["mark"]:
        raise RowRejected("empty mark")
    row_owner = values.pop("owner", "")
    if owner and row_owner and " ".join(row_owner.split()) != " ".join(owner.split()):
        raise RowRejected(f"owner {row_owner!r} differs from the organisation importing the file ({owner!r})")
    fields: dict[str, Any] = {"text": values.pop("mark"), "owner": owner or row_owner}
    if not fields["owner"]:
        raise RowRejected("empty owner")
    for column, value in values.items():
        if not value and column in KEEP_WHEN_EMPTY:
            continue
        if column in LIST_COLUMNS:
            fields[column] = _split(value)
        elif column == "classes":
            fields[column] = _classes(value)
        elif column == "reference_price":
            fields[column] = _price(value) if value else None
        else:
            fields[column] = value or None
    return fields


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _classes(value: str) -> list[int]:
    classes = []
    for part in _split(value):
        if not part.isascii() or not part.isdigit() or len(part) > 3:
            raise RowRejected(f"class {part!r} is not a Nice class number (1-45)")
        classes.append(int(part))
    return classes


def _price(value: str) -> Decimal:
    try:
        price = Decimal(value.replace(" ", ""))
    except InvalidOperation:
        raise RowRejected(f"reference_price {value!r} is not a number (write it like 129.99)") from None
    if not price.is_finite():
        raise RowRejected(f"reference_price {value!r} is not a number (write it like 129.99)")
    return price
