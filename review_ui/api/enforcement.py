"""The API's enforcement cases (list, view, the marketplace's answer, follow-up, close, reopen) and review
corrections (undo the last decision, reopen a hit): the same repository calls and scoping as the pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from review_ui import queries
from review_ui.api import ERRORS
from review_ui.api.case_schemas import (
    CaseCloseIn,
    CaseListingOut,
    CaseReopenIn,
    CaseResponseIn,
    EnforcementCaseDetailOut,
    EnforcementCaseOut,
    FollowUpIn,
    HitReopenIn,
)
from review_ui.api.schemas import DecisionOut, ErrorOut, HitDetailOut
from review_ui.deps import Db, Decider, Enforcer, HitId, Scope, Viewer
from review_ui.notices import build_followup, notice_sha256, render_text
from review_ui.params import DbId
from review_ui.routes.corrections import UNDO_WINDOW, Triage
from shared_db.models import Decision, EnforcementCase
from shared_db.repo.cases import (
    CaseError,
    close_case,
    get_case,
    list_enforcement_cases,
    record_followup,
    record_response,
    reopen_case,
)
from shared_db.repo.hits import HitConflict, HitNotFound, ReopenRefused, UndoRefused, reopen, undo_decision

router = APIRouter(prefix="/api/v1", tags=["api"],
                   responses={**ERRORS, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}})


def _out(case: EnforcementCase) -> dict[str, Any]:
    fields = {name: getattr(case, name) for name in EnforcementCaseOut.model_fields
              if name not in ("rights_holder", "mark", "listings", "removed")}
    return {**fields, "rights_holder": case.organisation.name, "mark": case.mark.text if case.mark else None,
            "followups": case.followups or 0, "listings": len(case.listings),
            "removed": sum(item.outcome == "removed" for item in case.listings)}


def _detail(case: EnforcementCase) -> EnforcementCaseDetailOut:
    items = [CaseListingOut(hit_id=item.hit_id, listing_url=item.hit.listing_url, listing_title=item.hit.listing_title,
                            seller=item.hit.seller_name or item.hit.seller_id, outcome=item.outcome, checks=item.checks,
                            checked_at=item.checked_at, removed_at=item.removed_at, http_status=item.http_status,
                            check_note=item.check_note, followup_at=item.followup_at) for item in case.listings]
    return EnforcementCaseDetailOut(**_out(case), items=items)


def _case(case_id: int, db: Db, scope: Scope) -> EnforcementCase:
    case = get_case(case_id, session=db, org_id=scope.org_id)
    if case is None:
        raise HTTPException(404, "no such case")
    return case


@router.get("/enforcement/cases", response_model=list[EnforcementCaseOut])
def list_cases(db: Db, scope: Viewer) -> Any:
    """Enforcement cases, newest first (a rights holder's own organisation's only)."""
    return [_out(case) for case in list_enforcement_cases(session=db, org_id=scope.org_id)]


@router.get("/enforcement/cases/{case_id}", response_model=EnforcementCaseDetailOut)
def get_enforcement_case(case_id: DbId, db: Db, scope: Viewer) -> Any:
    return _detail(_case(case_id, db, scope))


def _apply(case: EnforcementCase, action: Any) -> EnforcementCaseDetailOut:
    """Run a repository action on the case; a state it refuses (closed, not sent, …) is 409 with the reason."""
    try:
        action()
    except CaseError as exc:
        raise HTTPException(409, str(exc)) from exc
    return _detail(case)


@router.post("/enforcement/cases/{case_id}/response", response_model=EnforcementCaseDetailOut)
def answer(case_id: DbId, body: CaseResponseIn, db: Db, scope: Decider) -> Any:
    """Record the marketplace's answer to the case's notice."""
    case = _case(case_id, db, scope)
    return _apply(case, lambda: record_response(case, session=db, response=body.response, note=body.note,
                                                by=scope.user.id))


@router.post("/enforcement/cases/{case_id}/close", response_model=EnforcementCaseDetailOut)
def close(case_id: DbId, body: CaseCloseIn, db: Db, scope: Enforcer) -> Any:
    """Close the case as resolved (listings removed, refused by the marketplace, withdrawn) with a note."""
    case = _case(case_id, db, scope)
    return _apply(case, lambda: close_case(case, session=db, resolution=body.resolution, note=body.note,
                                           by=scope.user.id))


@router.post("/enforcement/cases/{case_id}/reopen", response_model=EnforcementCaseDetailOut)
def reopen_enforcement_case(case_id: DbId, body: CaseReopenIn, db: Db, scope: Enforcer) -> Any:
    case = _case(case_id, db, scope)
    return _apply(case, lambda: reopen_case(case, session=db, reason=body.reason, by=scope.user.id))


@router.post("/enforcement/cases/{case_id}/followup", response_model=EnforcementCaseDetailOut)
def followup(request: Request, case_id: DbId, body: FollowUpIn, db: Db, scope: Enforcer) -> Any:
    """Record a follow-up notice (for the listings still online, as rendered now and hashed) as sent."""
    case = _case(case_id, db, scope)

    def send() -> None:
        notice = build_followup(case, settings=request.app.state.settings, generated_at=datetime.now(UTC))
        record_followup(case, session=db, sent_to=body.sent_to, sent_by=scope.user.id,
                        notice_sha256=notice_sha256(render_text(notice)))

    return _apply(case, send)


@router.post("/hits/{hit_id}/undo", response_model=HitDetailOut)
def undo(hit_id: HitId, db: Db, scope: Triage) -> Any:
    """Undo your latest decision on the hit, made moments ago; the hit gets its earlier status back.

    409 when it is too old, not yours, or the hit changed since (reopen it instead).
    """
    if queries.get_hit(scope, hit_id, session=db) is None:
        raise HTTPException(404, "no such hit")
    latest = db.scalar(select(Decision).where(Decision.hit_id == hit_id, Decision.undone_at.is_(None))
                       .order_by(Decision.id.desc()).limit(1))
    if latest is None:
        raise HTTPException(409, f"hit {hit_id} has no decision to undo")
    try:
        undo_decision(latest.id, session=db, user_id=scope.user.id, window=UNDO_WINDOW)
    except UndoRefused as exc:
        raise HTTPException(409, str(exc)) from exc
    db.expire_all()
    return queries.get_hit(scope, hit_id, session=db)


@router.post("/hits/{hit_id}/reopen", response_model=DecisionOut, responses={422: {"model": ErrorOut}})
def reopen_hit(hit_id: HitId, body: HitReopenIn, db: Db, scope: Decider) -> Any:
    """Send a decided hit back to the queue with the reason (audited); its earlier verdict is no label then."""
    if queries.get_hit(scope, hit_id, session=db) is None:
        raise HTTPException(404, "no such hit")
    try:
        return reopen(hit_id, session=db, user_id=scope.user.id, expected_version=body.expected_version,
                      reason=body.reason)
    except ReopenRefused as exc:
        raise HTTPException(422, str(exc)) from exc
    except HitNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except HitConflict as exc:
        raise HTTPException(409, str(exc)) from exc
