"""Partial mark updates: null leaves lists and required fields alone, clears the optional price."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from shared_db.repo.marks import update_mark, upsert_mark
from shared_db.schemas import MarkCreate, MarkUpdate


def test_nulls_keep_lists_and_required_fields_and_clear_the_price(engine) -> None:
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony", aliases=["索尼"], weight=2.0,
                                         reference_price=Decimal("99"), currency="USD"), session=session)
        changes = MarkUpdate.model_validate({"aliases": None, "weight": None, "status": None,
                                             "reference_price": None, "currency": None, "classes": [9]})
        update_mark(mark, changes, session=session, actor_id=None)
        assert (mark.aliases, mark.weight, mark.status) == (["索尼"], 2.0, "registered")
        assert (mark.reference_price, mark.currency, mark.classes) == (None, None, [9])
