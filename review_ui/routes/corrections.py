"""Taking decisions back: undo the last decision within a few seconds, reopen a decided hit with a reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from review_ui import queries
from review_ui.deps import Db, Decider, HitId, Scope, require
from review_ui.params import DbId, Version
from review_ui.routes.common import render, web_router
from review_ui.templating import flash, t
from shared_db.models import Decision, utcnow
from shared_db.repo.hits import HitConflict, HitNotFound, ReopenRefused, UndoRefused, reopen, undo_decision

router = web_router()
# The undo button shows for UNDO_SECONDS; the server accepts a little longer for a slow round trip.
UNDO_SECONDS = 10
UNDO_WINDOW = timedelta(seconds=UNDO_SECONDS + 5)
UNDO_KEY = "undo"
Triage = Annotated[Scope, Depends(require("escalate"))]


def offer_undo(request: Request, decision_ids: list[int]) -> None:
    """Remember the decisions just made, so the next page offers to undo them (see :func:`pending_undo`)."""
    request.session[UNDO_KEY] = {"ids": decision_ids, "at": utcnow().timestamp()}


def pending_undo(request: Request) -> dict[str, Any] | None:
    """The decisions the user can still undo from this page: ids and seconds left, or None."""
    offer = request.session.get(UNDO_KEY)
    if not isinstance(offer, dict) or not offer.get("ids"):
        return None
    left = UNDO_SECONDS - (utcnow().timestamp() - float(offer.get("at") or 0))
    if left <= 0:
        request.session.pop(UNDO_KEY, None)
        return None
    return {"ids": [int(i) for i in offer["ids"]], "seconds": int(left + 0.999)}


def undo_for_hit(request: Request, scope: Scope, decisions: list[Decision]) -> dict[str, Any] | None:
    """The undo offer on a hit page: the user's latest decision there, if it is still in the window."""
    live = [d for d in decisions if d.undone_at is None]
    if not live or live[-1].reviewer_id != scope.user.id:
        return None
    offer = pending_undo(request)
    return offer if offer and live[-1].id in offer["ids"] else None


def _local(path: str) -> str:
    """``path`` if it is a path on this site, else the queue (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/queue"


@router.post("/decisions/undo")
def undo(request: Request, db: Db, scope: Triage, decision: Annotated[list[DbId], Form(max_length=500)],
         back: Annotated[str, Form(max_length=4000)] = "/queue") -> Response:
    """Undo the listed decisions (the user's own, made a few seconds ago); each hit gets its earlier status."""
    undone, refused = 0, []
    for decision_id in decision:
        row = db.get(Decision, decision_id)
        if row is None or queries.get_hit(scope, row.hit_id, session=db) is None:
            refused.append(str(decision_id))
            continue
        try:
            # undo_decision() writes nothing when it refuses, so one refusal never spoils the others
            undo_decision(decision_id, session=db, user_id=scope.user.id, window=UNDO_WINDOW)
            undone += 1
        except UndoRefused:
            refused.append(str(row.hit_id))
    request.session.pop(UNDO_KEY, None)
    message = t(request, "Undone: {n} decisions; those hits are back in the queue.", n=undone)
    if refused:
        message += " " + t(request, "Not undone (too late, or changed since; reopen them instead): {ids}",
                           ids=", ".join(refused))
    flash(request, message)
    return RedirectResponse(_local(back), status_code=303)


@router.post("/hits/{hit_id}/reopen")
def reopen_hit(request: Request, hit_id: HitId, db: Db, scope: Decider, version: Annotated[Version, Form()],
               reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Send a decided hit back to the queue; the reason is required and goes to the audit log."""
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None:
        return render(request, "error.html", {"message": t(request, "No such hit.")}, status_code=404)
    try:
        reopen(hit_id, session=db, user_id=scope.user.id, expected_version=version, reason=reason)
    except ReopenRefused:
        error = (t(request, "Give the reason for reopening this hit.") if not reason.strip()
                 else t(request, "This hit is not decided; there is nothing to reopen."))
        return _hit_page(request, scope, hit_id, db, reopen_error=error, status_code=422)
    except (HitConflict, HitNotFound):
        error = t(request, "Someone else changed this hit meanwhile; nothing was saved. Review it and try again.")
        return _hit_page(request, scope, hit_id, db, reopen_error=error, status_code=409, reopen_reason=reason)
    flash(request, t(request, "Reopened: the hit is back in the queue and its earlier verdict is no label."))
    return RedirectResponse(f"/hits/{hit_id}", status_code=303)


def _hit_page(request: Request, scope: Scope, hit_id: int, db: Db, *, status_code: int, **extra: Any) -> Response:
    from review_ui.routes.hits import _detail_context

    hit = queries.get_hit(scope, hit_id, session=db)
    db.refresh(hit)
    return render(request, "hit.html", _detail_context(request, scope, hit, db, **extra), status_code=status_code)
