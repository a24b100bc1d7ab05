"""Bulk import of marks from files rights holders and trademark offices publish (CSV, WIPO ST.66)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

from sqlalchemy.orm import Session

from shared_db.importers.base import (
    DEFAULT_MAX_BYTES,
    ImportReport,
    ImportTooLarge,
    MarkImportError,
    UnknownFormatError,
    check_size,
)
from shared_db.importers.csv_marks import CSV_COLUMNS, import_csv
from shared_db.importers.st66 import ST66_NAMESPACE, UnsafeXmlError, import_st66

__all__ = [
    "CSV_COLUMNS", "DEFAULT_MAX_BYTES", "ST66_NAMESPACE", "ImportFormat", "ImportReport", "ImportTooLarge",
    "MarkImportError", "UnknownFormatError", "UnsafeXmlError", "guess_format", "import_marks",
]

ImportFormat = Literal["csv", "st66"]

_EXTENSIONS: dict[str, ImportFormat] = {".csv": "csv", ".txt": "csv", ".xml": "st66", ".st66": "st66"}


def guess_format(filename: str) -> ImportFormat:
    """The import format for ``filename`` from its extension (``.csv``, ``.xml``, ``.st66``)."""
    suffix = PurePath(filename).suffix.lower()
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        raise UnknownFormatError(
            f"cannot tell the format of {filename!r} from its extension; name it .csv or .xml, "
            "or pass the format explicitly (csv or st66)"
        ) from None


def import_marks(data: bytes, *, fmt: ImportFormat, session: Session, owner: str | None = None,
                 actor_id: int | None = None, curator: bool = True,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    """Import the marks in ``data`` into the caller's transaction (nothing is committed here).

    Good records are upserted (owner + mark text is the key, so a second import of the same file
    changes nothing); an existing mark changes only in the fields the file has (the CSV header's
    columns, the ST.66 elements present). Bad records, and a mark repeated within the file, are listed
    in ``ImportReport.rejected`` with their line and reason. ``owner`` makes every mark belong to that
    organisation. ``curator`` is false for a rights holder's upload: its new marks are pending
    verification and a ``weight`` column is refused. Raises :class:`MarkImportError` when the whole
    file is unusable (too large, no header, unsafe or malformed XML).
    """
    check_size(data, max_bytes)
    if fmt == "csv":
        return import_csv(data, session=session, owner=owner, actor_id=actor_id, curator=curator)
    if fmt == "st66":
        return import_st66(data, session=session, owner=owner, actor_id=actor_id, curator=curator)
    raise UnknownFormatError(f"unknown import format {fmt!r}; use 'csv' or 'st66'")
