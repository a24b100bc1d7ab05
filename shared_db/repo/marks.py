"""Marks: registered by rights holders, verified by reviewers, read by detection.

Who may set what is decided here, once, for the API, the forms and the imports alike: ``curator`` is
true for admins, reviewers and the operator's own tools (CLI, demo), false for a rights holder.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shared_db.models import Mark, MarkVerification, utcnow
from shared_db.repo import audit
from shared_db.repo.backfills import queue_backfill
from shared_db.repo.distinctiveness import ASSESSED_FIELDS, store_distinctiveness
from shared_db.repo.orgs import get_or_create_org
from shared_db.schemas import MarkCreate, MarkUpdate, simple_normalise

Outcome = Literal["imported", "updated", "unchanged"]

# Only reviewers and admins set a mark's priority weight: it ranks the shared queue for everyone.
CURATED_FIELDS = frozenset({"weight"})
# What a verification checks; an owner's change to any of them needs a new check.
CHECKED_FIELDS = frozenset({"text", "aliases", "transliterations", "classes", "jurisdictions",
                            "registration_number", "application_number", "office"})
# An explicit null clears these optional fields; for the others (lists, status, weight) it means "leave it".
CLEARABLE = frozenset({"reference_price", "currency", "registration_number", "application_number", "office"})
USABLE_STATUSES = ("registered", "pending", "active")
# Fields that change only a hit's rank, not what detection finds: no backfill for them.
RANK_FIELDS = frozenset({"weight"})


class CuratedFieldError(PermissionError):
    """A rights holder tried to set a field that only reviewers and admins set."""


def check_curated(fields: Iterable[str], *, curator: bool) -> None:
    """Refuse ``fields`` that only curators may set when the caller is not one."""
    denied = sorted(CURATED_FIELDS.intersection(fields))
    if denied and not curator:
        raise CuratedFieldError(f"{', '.join(denied)} is set by reviewers or admins, not by the mark's owner; "
                                "leave it out")


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
        "weight": mark.weight, "status": mark.status, "verification": mark.verification,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def save_mark(data: MarkCreate, *, session: Session, actor_id: int | None = None,
              curator: bool = True) -> tuple[Mark, Outcome]:
    """Create the mark, or update the owner's mark with the same text from the fields ``data`` sets.

    Fields ``data`` leaves unset keep their values, so a file or request naming only some columns
    changes only those. A curator's new mark is verified; a rights holder's is pending. A new mark,
    or one whose text or aliases change, gets its distinctiveness assessed.
    """
    fields = data.model_dump(exclude={"owner"}, exclude_unset=True)
    check_curated(fields, curator=curator)
    org = get_or_create_org(data.owner, session=session)
    mark = session.scalar(select(Mark).where(Mark.org_id == org.id, Mark.text == data.text))
    if mark is not None:
        return mark, _apply(mark, fields, session=session, actor_id=actor_id, curator=curator)
    mark = Mark(org_id=org.id, **data.model_dump(exclude={"owner"}))
    mark.normalised = simple_normalise(data.text)[:300]
    store_distinctiveness(mark)
    if curator:
        mark.verification, mark.verified_by, mark.verified_at = MarkVerification.VERIFIED.value, actor_id, utcnow()
    else:
        mark.verification = MarkVerification.PENDING.value
    session.add(mark)
    session.flush()
    _queue_if_detected(mark, session=session)
    audit.record("mark.create", session=session, actor_id=actor_id, object_type="mark", object_id=mark.id,
                 after=mark_snapshot(mark))
    return mark, "imported"


def upsert_mark(data: MarkCreate, *, session: Session, actor_id: int | None = None,
                curator: bool = True) -> tuple[Mark, bool]:
    """:func:`save_mark`, returning (mark, created)."""
    mark, outcome = save_mark(data, session=session, actor_id=actor_id, curator=curator)
    return mark, outcome == "imported"


def update_mark(mark: Mark, changes: MarkUpdate, *, session: Session, actor_id: int | None,
                curator: bool = True) -> Mark:
    """Apply the fields ``changes`` sets; an explicit null clears only the :data:`CLEARABLE` fields."""
    fields = {key: value for key, value in changes.model_dump(exclude_unset=True).items()
              if value is not None or key in CLEARABLE}
    check_curated(fields, curator=curator)
    _apply(mark, fields, session=session, actor_id=actor_id, curator=curator)
    return mark


def _apply(mark: Mark, fields: dict[str, Any], *, session: Session, actor_id: int | None,
           curator: bool) -> Outcome:
    """Set ``fields`` on ``mark``; audit exactly what changed. An owner's change to a checked field un-verifies.

    Every change to an existing mark passes here: a change to what distinctiveness depends on, or any
    change to a mark not yet assessed, assesses it.
    """
    before = mark_snapshot(mark)
    for key, value in fields.items():
        setattr(mark, key, value)
    if "text" in fields:
        mark.normalised = simple_normalise(mark.text)[:300]
    changed = {key for key, value in mark_snapshot(mark).items() if before[key] != value}
    if not changed:
        return "unchanged"
    if not curator and changed & CHECKED_FIELDS and mark.verification != MarkVerification.PENDING.value:
        mark.verification, mark.verified_by, mark.verified_at = MarkVerification.PENDING.value, None, None
    if changed & ASSESSED_FIELDS or mark.distinctiveness is None:
        store_distinctiveness(mark)
    session.flush()
    if changed - RANK_FIELDS:
        _queue_if_detected(mark, session=session)
    old, new = _diff(before, mark_snapshot(mark))
    audit.record("mark.update", session=session, actor_id=actor_id, object_type="mark", object_id=mark.id,
                 before=old, after=new)
    return "updated"


def verify_mark(mark: Mark, status: Literal["verified", "rejected"], *, session: Session, actor_id: int | None,
                note: str | None = None) -> Mark:
    """Record a reviewer's or admin's check of the mark's registration (audited as mark.verify / mark.reject)."""
    before = {"verification": mark.verification, "verification_note": mark.verification_note}
    mark.verification = MarkVerification(status).value
    mark.verification_note = (note or "").strip()[:500] or None
    mark.verified_by, mark.verified_at = actor_id, utcnow()
    session.flush()
    _queue_if_detected(mark, session=session)
    action = "mark.verify" if status == MarkVerification.VERIFIED else "mark.reject"
    audit.record(action, session=session, actor_id=actor_id, object_type="mark", object_id=mark.id, before=before,
                 after={"verification": mark.verification, "verification_note": mark.verification_note})
    return mark


def is_detected(mark: Mark) -> bool:
    """Whether detection uses the mark (as :func:`list_marks` with ``active_only``)."""
    return mark.status in USABLE_STATUSES and mark.verification == MarkVerification.VERIFIED.value


def _queue_if_detected(mark: Mark, *, session: Session) -> None:
    """A mark detection uses was added or changed: check it against the listings already collected."""
    if is_detected(mark):
        queue_backfill(mark.id, session=session)
        session.expire(mark, ["backfill"])  # written with Core: the next read of mark.backfill reloads it


def verified_mark_ids() -> Select[Any]:
    """The ids of verified marks: enforcement documents cite only hits on these."""
    return select(Mark.id).where(Mark.verification == MarkVerification.VERIFIED.value)


def list_marks(*, session: Session, org_id: int | None = None, active_only: bool = False) -> list[Mark]:
    """Marks ordered by id; ``org_id`` scopes them to one rights holder.

    ``active_only`` gives the marks detection uses: verified, with a live legal status.
    """
    query = select(Mark).order_by(Mark.id)
    if org_id is not None:
        query = query.where(Mark.org_id == org_id)
    if active_only:
        query = query.where(Mark.status.in_(USABLE_STATUSES),
                            Mark.verification == MarkVerification.VERIFIED.value)
    return list(session.scalars(query))


def pending_marks(*, session: Session, limit: int = 200) -> list[Mark]:
    """Marks awaiting a check, oldest first (the verification view)."""
    query = select(Mark).where(Mark.verification == MarkVerification.PENDING.value)
    return list(session.scalars(query.order_by(Mark.created_at, Mark.id).limit(limit)))
