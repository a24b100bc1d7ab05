"""Bounded request parameters shared by the web pages and the API.

Every number a request carries is declared with one of these types, so a value the database cannot bind
(ids past 2**63 - 1), a non-finite float or a page past Elasticsearch's result window is a 422, never a 500.
An empty optional parameter (``?mark_id=``, what an empty form field sends) counts as absent.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticUseDefault

MAX_ID = 2**63 - 1
MAX_PRICE = 10**12
RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size may not pass it
CURSOR = r"^[0-9]{1,15}(\.[0-9]{1,17})?(e-?[0-9]{1,3})?:[0-9]{1,18}$"


def _blank_is_default(value: Any) -> Any:
    """An empty or blank string takes the parameter's default (absent)."""
    if isinstance(value, str) and not value.strip():
        raise PydanticUseDefault()
    return value


Blank = BeforeValidator(_blank_is_default)
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
OptionalDbId = Annotated[DbId | None, Blank]
Version = Annotated[int, Field(ge=1, le=MAX_ID)]
Score = Annotated[float | None, Field(ge=0, le=100, allow_inf_nan=False), Blank]
Price = Annotated[float | None, Field(ge=0, le=MAX_PRICE, allow_inf_nan=False), Blank]
# The queue page checks its cursor itself: a stale or mangled one starts again from the first page.
PageCursor = Annotated[str | None, StringConstraints(max_length=64), Blank]
Text = Annotated[str | None, StringConstraints(max_length=300), Blank]


def page_number(page_size: int) -> Any:
    """1-based page numbers up to the last page Elasticsearch can return at ``page_size`` a page."""
    return Annotated[int, Field(ge=1, le=RESULT_WINDOW // page_size), Blank]
