"""Enforcement cases: notices per rights holder and marketplace, their sending, the marketplace's answer,
and what re-checks of the notified listings found.

A confirmed hit on a verified mark enters at most one open case; cases are grouped per
(rights holder, marketplace), and per mark too when the marketplace's notice asks for one mark a notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from shared_db.messages import enforcement as why
from shared_db.models import (
    CaseListing,
    CaseResolution,
    CaseStatus,
    EnforcementCase,
    Hit,
    HitStatus,
    ListingOutcome,
    Mark,
    utcnow,
)
from shared_db.repo import audit
from shared_db.repo.marks import verified_mark_ids

RESPONSES = ("accepted", "partially_accepted", "rejected", "more_information_requested")
RESOLUTIONS = tuple(r.value for r in CaseResolution)
#: Outcomes a re-check may still change; a removed listing stays removed (a re-listing is a new hit).
OPEN_OUTCOMES = (ListingOutcome.PENDING.value, ListingOutcome.ONLINE.value, ListingOutcome.CHANGED.value,
                 ListingOutcome.UNREACHABLE.value)


class CaseError(ValueError):
    """The case cannot take this action (wrong state, nothing to notify); the message says why."""


def cases_query(org_id: int | None) -> Select[Any]:
    """Cases visible to an organisation (None: every case)."""
    query = select(EnforcementCase)
    return query if org_id is None else query.where(EnforcementCase.org_id == org_id)


def uncased_confirmed_hits(*, session: Session, org_id: int | None, marketplace: str | None = None,
                           hit_ids: Iterable[int] | None = None) -> list[Hit]:
    """Confirmed hits on verified marks that are in no case yet."""
    query = (select(Hit).join(Mark, Mark.id == Hit.mark_id)
             .where(Hit.status == HitStatus.CONFIRMED.value, Hit.mark_id.in_(verified_mark_ids()),
                    Hit.id.not_in(select(CaseListing.hit_id))))
    if org_id is not None:
        query = query.where(Mark.org_id == org_id)
    if marketplace is not None:
        query = query.where(Hit.marketplace == marketplace)
    if hit_ids is not None:
        query = query.where(Hit.id.in_(list(hit_ids)))
    return list(session.scalars(query.options(selectinload(Hit.mark)).order_by(Hit.id)))


def open_cases(hits: list[Hit], *, session: Session, per_mark: Callable[[str], bool], template: Callable[[str], str],
               created_by: int | None, network: list[str] | None = None) -> list[EnforcementCase]:
    """One draft case per (rights holder, marketplace[, mark]) over ``hits``; audited."""
    groups: dict[tuple[int, str, int | None], list[Hit]] = {}
    for hit in hits:
        key = (hit.mark.org_id, hit.marketplace, hit.mark_id if per_mark(hit.marketplace) else None)
        groups.setdefault(key, []).append(hit)
    cases = []
    for (org_id, marketplace, mark_id), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1], g[0][2] or 0)):
        case = EnforcementCase(org_id=org_id, marketplace=marketplace, mark_id=mark_id, network=list(network or []),
                               status=CaseStatus.DRAFT.value, template=template(marketplace), created_by=created_by,
                               created_at=utcnow())
        case.listings = [CaseListing(hit_id=h.id, outcome=ListingOutcome.PENDING.value, checks=0) for h in members]
        session.add(case)
        session.flush()
        audit.record("case.open", session=session, actor_id=created_by, object_type="case", object_id=case.id,
                     after={"marketplace": marketplace, "mark_id": mark_id, "hits": [h.id for h in members],
                            "network": list(network or [])})
        cases.append(case)
    return cases


def get_case(case_id: int, *, session: Session, org_id: int | None) -> EnforcementCase | None:
    """The case with its listings, hits and marks, or None when missing or outside ``org_id``."""
    query = cases_query(org_id).where(EnforcementCase.id == case_id).options(
        selectinload(EnforcementCase.listings).selectinload(CaseListing.hit).selectinload(Hit.mark),
        selectinload(EnforcementCase.organisation), selectinload(EnforcementCase.mark))
    return session.scalar(query)


def list_enforcement_cases(*, session: Session, org_id: int | None, limit: int = 500) -> list[EnforcementCase]:
    query = cases_query(org_id).options(selectinload(EnforcementCase.listings),
                                        selectinload(EnforcementCase.organisation),
                                        selectinload(EnforcementCase.mark))
    return list(session.scalars(query.order_by(EnforcementCase.id.desc()).limit(limit)))


def record_sent(case: EnforcementCase, *, session: Session, sent_to: str, sent_by: int | None, notice_sha256: str,
                at: datetime | None = None) -> None:
    """The notice went to ``sent_to`` (the marketplace's IP team): the case is sent and its listings await re-checks."""
    if not sent_to.strip():
        raise CaseError(why.NO_SENT_TO())
    _not_closed(case)
    before = {"status": case.status, "sent_at": case.notice_sent_at and case.notice_sent_at.isoformat()}
    case.notice_sent_at = at or utcnow()
    case.notice_sent_to = sent_to.strip()[:320]
    case.notice_sent_by = sent_by
    case.notice_sha256 = notice_sha256
    case.status = CaseStatus.SENT.value
    audit.record("case.send", session=session, actor_id=sent_by, object_type="case", object_id=case.id,
                 before=before, after={"status": case.status, "sent_to": case.notice_sent_to,
                                       "notice_sha256": notice_sha256})
    session.flush()


def record_response(case: EnforcementCase, *, session: Session, response: str, note: str | None,
                    by: int | None) -> None:
    """The marketplace's answer to the notice (accepted, rejected, …) with a note; audited."""
    if response not in RESPONSES:
        raise CaseError(why.UNKNOWN_ANSWER(response=repr(response), choices=", ".join(RESPONSES)))
    if case.notice_sent_at is None:
        raise CaseError(why.NOT_SENT())
    _not_closed(case)
    before = {"response": case.response, "note": case.response_note}
    case.response, case.response_note, case.response_by, case.response_at = response, note, by, utcnow()
    case.status = CaseStatus.ANSWERED.value
    audit.record("case.response", session=session, actor_id=by, object_type="case", object_id=case.id,
                 before=before, after={"response": response, "note": note})
    session.flush()


def _not_closed(case: EnforcementCase) -> None:
    if case.status == CaseStatus.CLOSED.value:
        raise CaseError(why.CLOSED())


def close_case(case: EnforcementCase, *, session: Session, resolution: str, note: str, by: int | None) -> None:
    """Close the case as resolved (:class:`CaseResolution`) with a note; audited. Its listings are re-checked no more."""
    _not_closed(case)
    if resolution not in RESOLUTIONS:
        raise CaseError(why.UNKNOWN_RESOLUTION(resolution=repr(resolution), choices=", ".join(RESOLUTIONS)))
    if not note.strip():
        raise CaseError(why.NO_CLOSE_NOTE())
    before = {"status": case.status}
    case.status, case.resolution, case.close_note = CaseStatus.CLOSED.value, resolution, note.strip()[:2000]
    case.closed_at, case.closed_by = utcnow(), by
    audit.record("case.close", session=session, actor_id=by, object_type="case", object_id=case.id, before=before,
                 after={"status": case.status, "resolution": resolution, "note": case.close_note})
    session.flush()


def reopen_case(case: EnforcementCase, *, session: Session, reason: str, by: int | None) -> None:
    """Reopen a closed case with a reason (audited); it goes back to where its notice stood."""
    if case.status != CaseStatus.CLOSED.value:
        raise CaseError(why.NOT_CLOSED())
    if not reason.strip():
        raise CaseError(why.NO_REOPEN_REASON())
    before = {"status": case.status, "resolution": case.resolution, "note": case.close_note}
    case.status = (CaseStatus.ANSWERED if case.response else CaseStatus.SENT if case.notice_sent_at
                   else CaseStatus.DRAFT).value
    case.resolution = case.close_note = case.closed_at = case.closed_by = None
    audit.record("case.reopen", session=session, actor_id=by, object_type="case", object_id=case.id, before=before,
                 after={"status": case.status, "reason": reason.strip()[:2000]})
    session.flush()


def still_online(case: EnforcementCase) -> list[CaseListing]:
    """The case's listings a re-check found still online (or changed but online): a follow-up notice cites these."""
    return [item for item in case.listings if item.checks and item.outcome in
            (ListingOutcome.ONLINE.value, ListingOutcome.CHANGED.value)]


def check_followup(case: EnforcementCase) -> list[CaseListing]:
    """The listings a follow-up notice of ``case`` would cite; CaseError when it cannot be re-notified."""
    if case.notice_sent_at is None:
        raise CaseError(why.NOT_SENT())
    _not_closed(case)
    listings = still_online(case)
    if not listings:
        raise CaseError(why.NOTHING_ONLINE())
    return listings


def record_followup(case: EnforcementCase, *, session: Session, sent_to: str, sent_by: int | None,
                    notice_sha256: str, at: datetime | None = None) -> list[CaseListing]:
    """A follow-up notice for the listings still online went to ``sent_to``; audited. Returns those listings."""
    listings = check_followup(case)
    if not sent_to.strip():
        raise CaseError(why.NO_SENT_TO())
    moment = at or utcnow()
    case.followups = (case.followups or 0) + 1
    case.followup_sent_at, case.followup_sent_to, case.followup_sha256 = moment, sent_to.strip()[:320], notice_sha256
    case.status = CaseStatus.SENT.value
    for item in listings:
        item.followup_at = moment
    audit.record("case.followup", session=session, actor_id=sent_by, object_type="case", object_id=case.id,
                 after={"followup": case.followups, "sent_to": case.followup_sent_to, "notice_sha256": notice_sha256,
                        "hits": [item.hit_id for item in listings]})
    session.flush()
    return listings


def due_listings(*, session: Session, older_than: datetime, limit: int = 500) -> list[CaseListing]:
    """Notified listings of open cases whose outcome may still change and that were not checked since ``older_than``."""
    query = (select(CaseListing).join(EnforcementCase, EnforcementCase.id == CaseListing.case_id)
             .where(EnforcementCase.notice_sent_at.is_not(None), EnforcementCase.status != CaseStatus.CLOSED.value,
                    CaseListing.outcome.in_(OPEN_OUTCOMES),
                    (CaseListing.checked_at.is_(None)) | (CaseListing.checked_at < older_than))
             .options(selectinload(CaseListing.hit), selectinload(CaseListing.case))
             .order_by(CaseListing.checked_at.is_not(None), CaseListing.checked_at, CaseListing.id).limit(limit))
    return list(session.scalars(query))


def record_check(listing: CaseListing, *, session: Session, outcome: str, http_status: int | None, note: str | None,
                 at: datetime | None = None) -> None:
    """Store one re-check's finding; the first *removed* sets ``removed_at``. Unreachable keeps an earlier finding."""
    moment = at or utcnow()
    listing.checks += 1
    listing.checked_at = moment
    listing.http_status = http_status
    listing.check_note = note
    if outcome == ListingOutcome.UNREACHABLE.value and listing.outcome != ListingOutcome.PENDING.value:
        return
    listing.outcome = ListingOutcome(outcome).value
    if outcome == ListingOutcome.REMOVED.value and listing.removed_at is None:
        listing.removed_at = moment


@dataclass
class RemovalStats:
    """Per marketplace: notified listings, removed, removal rate, median hours from notice to removal."""

    marketplace: str
    notified: int
    removed: int
    still_online: int
    changed: int
    median_hours: float | None

    @property
    def rate(self) -> float:
        return self.removed / self.notified if self.notified else 0.0


def removal_stats(*, session: Session, org_id: int | None) -> list[RemovalStats]:
    """Removal rate and time to removal per marketplace over the sent cases in scope."""
    query = (select(EnforcementCase.marketplace, CaseListing.outcome, EnforcementCase.notice_sent_at,
                    CaseListing.removed_at)
             .join(CaseListing, CaseListing.case_id == EnforcementCase.id)
             .where(EnforcementCase.notice_sent_at.is_not(None)))
    if org_id is not None:
        query = query.where(EnforcementCase.org_id == org_id)
    rows: dict[str, list[tuple[str, datetime, datetime | None]]] = {}
    for marketplace, outcome, sent_at, removed_at in session.execute(query):
        rows.setdefault(marketplace, []).append((outcome, sent_at, removed_at))
    stats = []
    for marketplace, items in sorted(rows.items()):
        hours = sorted(max(0.0, (_aware(r) - _aware(s)).total_seconds() / 3600)
                       for o, s, r in items if o == ListingOutcome.REMOVED.value and r is not None)
        median = None
        if hours:
            mid = len(hours) // 2
            median = hours[mid] if len(hours) % 2 else (hours[mid - 1] + hours[mid]) / 2
        stats.append(RemovalStats(
            marketplace, len(items), sum(o == ListingOutcome.REMOVED.value for o, _, _ in items),
            sum(o == ListingOutcome.ONLINE.value for o, _, _ in items),
            sum(o == ListingOutcome.CHANGED.value for o, _, _ in items), median))
    return stats


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def removed_listings(*, session: Session, marketplace: str) -> list[CaseListing]:
    """Listings of ``marketplace`` that a re-check found removed (the staydown watch list)."""
    query = (select(CaseListing).join(EnforcementCase, EnforcementCase.id == CaseListing.case_id)
             .where(EnforcementCase.marketplace == marketplace, CaseListing.outcome == ListingOutcome.REMOVED.value)
             .options(selectinload(CaseListing.hit)))
    return list(session.scalars(query))
