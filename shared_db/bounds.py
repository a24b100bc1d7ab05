"""Fit crawled strings into bounded columns, so one long value cannot fail a whole transaction.

PostgreSQL refuses a string longer than its ``VARCHAR(n)`` (SQLite silently stores it), so every
crawled value bound for such a column goes through one of these. Keys keep their identity (a long
key becomes a prefix plus a digest of the whole), display text is cut, and a code that cannot be
what its column holds (a currency, a sha256) is dropped.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Table

ELASTICSEARCH_ID_BYTES = 512
"""Elasticsearch's limit on a document ``_id``: columns that hold a listing's id are this wide."""


def fit_key(value: str | None, limit: int) -> str | None:
    """``value`` if it fits, else its first characters and ``~sha256`` of the whole, ``limit`` long at most."""
    if value is None or len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()
    if limit <= len(digest) + 1:
        return digest[:limit]
    return f"{value[: limit - len(digest) - 1]}~{digest}"


def fit_text(value: str | None, limit: int) -> str | None:
    """``value`` cut to ``limit`` characters."""
    return value if value is None else value[:limit]


def fit_code(value: str | None, limit: int) -> str | None:
    """``value`` if it fits, else ``None``: a longer value is not a code of that column."""
    return value if value is None or len(value) <= limit else None


def column_length(table: Table, name: str) -> int:
    """The declared length of a ``String(n)`` column."""
    length = getattr(table.c[name].type, "length", None)
    if length is None:
        raise TypeError(f"{table.name}.{name} has no declared length")
    return int(length)
