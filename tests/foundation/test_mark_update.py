"""Mark updates: partial, audited by changed field, bounded; weights by curators; owners' marks verified first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import AuditLog, Mark
from shared_db.repo.marks import CuratedFieldError, list_marks, update_mark, upsert_mark, verify_mark
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


def _sony(session: Session, **extra: object):  # type: ignore[no-untyped-def]
    mark, _ = upsert_mark(MarkCreate(text="SONY", owner="Sony", aliases=["索尼"], registration_number="1",
                                     office="JPO", reference_price=Decimal("99"), currency="USD", **extra),
                          session=session)
    return mark


def _entries(session: Session, mark_id: int) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.object_id == str(mark_id)).order_by(AuditLog.id)))


def test_an_update_audits_only_the_changed_fields_and_nothing_when_nothing_changed(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _sony(session)
        update_mark(mark, MarkUpdate(classes=[9], aliases=["索尼"]), session=session, actor_id=None)
        update_mark(mark, MarkUpdate(classes=[9]), session=session, actor_id=None)
        entries = _entries(session, mark.id)
        assert [e.action for e in entries] == ["mark.create", "mark.update"]
        assert (entries[1].before, entries[1].after) == ({"classes": []}, {"classes": [9]})


def test_the_owner_cannot_set_the_priority_weight(engine) -> None:
    """The attack: PATCH {"weight": 10} by the owner put every hit of its mark above everyone else's."""
    with Session(engine) as session, session.begin():
        mark = _sony(session)
        with pytest.raises(CuratedFieldError, match="reviewers or admins"):
            update_mark(mark, MarkUpdate(weight=10), session=session, actor_id=None, curator=False)
        with pytest.raises(CuratedFieldError):
            upsert_mark(MarkCreate(text="GREEDY", owner="Sony", weight=10), session=session, curator=False)
        assert mark.weight == 1.0
        assert session.scalar(select(Mark).where(Mark.text == "GREEDY")) is None
        update_mark(mark, MarkUpdate(weight=3), session=session, actor_id=None, curator=True)
        assert mark.weight == 3.0


def test_an_owners_new_mark_is_pending_and_not_used_for_detection(engine) -> None:
    """The attack: a rights holder registered CANON with a fake registration number and got its hits."""
    with Session(engine) as session, session.begin():
        claimed, _ = upsert_mark(MarkCreate(text="CANON", owner="Not Canon", registration_number="FAKE"),
                                 session=session, curator=False)
        real = _sony(session)
        assert (claimed.verification, real.verification) == ("pending", "verified")
        assert [m.text for m in list_marks(session=session, active_only=True)] == ["SONY"]
        reject_mark = verify_mark(claimed, "rejected", session=session, actor_id=None, note="not in the JPO register")
        assert reject_mark.verification == "rejected" and reject_mark.verification_note == "not in the JPO register"
        assert [m.text for m in list_marks(session=session, active_only=True)] == ["SONY"]
        verify_mark(claimed, "verified", session=session, actor_id=None)
        assert claimed.verified_at is not None
        assert [m.text for m in list_marks(session=session, active_only=True)] == ["CANON", "SONY"]
        actions = [e.action for e in _entries(session, claimed.id)]
        assert actions == ["mark.create", "mark.reject", "mark.verify"]
        assert _entries(session, claimed.id)[-1].after["verification"] == "verified"


def test_an_owners_change_to_what_was_checked_needs_a_new_verification(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _sony(session)
        update_mark(mark, MarkUpdate(reference_price=Decimal("120")), session=session, actor_id=None, curator=False)
        assert mark.verification == "verified"
        update_mark(mark, MarkUpdate(aliases=["CANON"]), session=session, actor_id=None, curator=False)
        assert mark.verification == "pending" and mark.verified_at is None
        entry = _entries(session, mark.id)[-1]
        assert entry.before == {"aliases": ["索尼"], "verification": "verified"}
        assert entry.after == {"aliases": ["CANON"], "verification": "pending"}


def test_registration_office_and_jurisdictions_can_be_updated_and_cleared(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _sony(session)
        update_mark(mark, MarkUpdate(registration_number="2", office="EUIPO", jurisdictions=["EU", "eu", "CN"]),
                    session=session, actor_id=None)
        assert (mark.registration_number, mark.office, mark.jurisdictions) == ("2", "EUIPO", ["EU", "eu", "CN"])
        update_mark(mark, MarkUpdate.model_validate({"registration_number": None}), session=session, actor_id=None)
        assert mark.registration_number is None


@pytest.mark.parametrize("body", [
    {"reference_price": "1e30"}, {"reference_price": "12345678901234567890"}, {"reference_price": "-0.01"},
    {"reference_price": "NaN"}, {"aliases": [f"a{n}" for n in range(20_000)]}, {"aliases": ["x" * 201]},
    {"authorised_sellers": [f"s{n}" for n in range(201)]}, {"transliterations": ["t" * 201]},
    {"classes": [0]}, {"classes": [46]}, {"status": "s" * 100_000}, {"registration_number": "r" * 101},
    {"office": "o" * 21}, {"jurisdictions": ["j" * 201]}, {"weight": 11}, {"currency": "dollars"},
])
def test_out_of_bounds_updates_are_validation_errors(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        MarkUpdate.model_validate(body)
    with pytest.raises(ValidationError):
        MarkCreate.model_validate({"text": "X", "owner": "Y", **body})


def test_a_price_at_the_columns_limit_is_stored(engine) -> None:
    with Session(engine) as session, session.begin():
        mark = _sony(session)
        update_mark(mark, MarkUpdate(reference_price=Decimal("999999999999.99")), session=session, actor_id=None)
        mark_id = mark.id
    with Session(engine) as session:
        assert session.get(Mark, mark_id).reference_price == Decimal("999999999999.99")
