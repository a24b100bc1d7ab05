"""Marks: registered by rights holders, read by detection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared_db.models import Mark
from shared_db.repo import audit
from shared_db.repo.orgs import get_or_create_org
from shared_db.schemas import MarkCreate, MarkUpdate, simple_normalise


def mark_snapshot(mark: Mark) -> dict[str, Any]:
    """The mark's registered fields as JSON-safe values (for the audit log and exports)."""
    return {
        "text": mark.text, "aliases": list(mark.aliases), "transliterations": list(mark.transliterations),
        "classes": list(mark.classes), "jurisdictions": list(mark.jurisdictions),
        "registration_number": mark.registration_number, "application_number": mark.application_number,
        "office": mark.office,
        # In the stored NUMERIC(14, 2) form, so re-saving 120 over 120.00 is not a change.
        "reference_price": None if mark.reference_price is None
        else str(Decimal(mark.reference_price).quantize(Decimal("0.01"))),
        "currency": mark.currency, "authorised_sellers": list(mark.authorised_sellers),
        "authorised_domains": list(mark.authorised_domains), "categories": list(mark.categories),
        "weight": mark.weight, "status": mark.status,
    }


def upsert_mark(data: MarkCreate, *, session: Session, actor_id: int | None = None) -> tuple[Mark, bool]:
    """Create the mark, or update the owner's mark with the same text; returns (mark, created)."""
    org = get_or_create_org(data.owner, session=session)
    mark = session.scalar(select(Mark).where(Mark.org_id == org.id, Mark.text == data.text))
    fields = data.model_dump(exclude={"owner"})
    created = mark is None
    before = None if created else mark_snapshot(mark)
    if mark is None:
        mark = Mark(org_id=org.id, **fields)
        session.add(mark)
    else:
        for key, value in fields.items():
            setattr(mark, key, value)
    mark.normalised = simple_normalise(data.text)
    session.flush()
    after = mark_snapshot(mark)
    if before != after:
        audit.record("mark.create" if created else "mark.update", session=session, actor_id=actor_id,
                     object_type="mark", object_id=mark.id, before=before, after=after)
    return mark, created


CLEARABLE = frozenset({"reference_price", "currency"})


def update_mark(mark: Mark, changes: MarkUpdate, *, session: Session, actor_id: int | None) -> Mark:
    before = mark_snapshot(mark)
    for key, value in changes.model_dump(exclude_unset=True).items():
        if value is None and key not in CLEARABLE:
            continue  # null means "leave it", except for the optional price and currency
        setattr(mark, key, value)
    session.flush()
    audit.record("mark.update", session=session, actor_id=actor_id, object_type="mark", object_id=mark.id,
                 before=before, after=mark_snapshot(mark))
    return mark


def list_marks(*, session: Session, org_id: int | None = None, active_only: bool = False) -> list[Mark]:
    """Marks ordered by id; ``org_id`` scopes them to one rights holder."""
    query = select(Mark).order_by(Mark.id)
    if org_id is not None:
        query = query.where(Mark.org_id == org_id)
    if active_only:
        query = query.where(Mark.status.in_(("registered", "pending", "active")))
    return list(session.scalars(query))
