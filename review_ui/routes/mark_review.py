"""Reviewers and admins check rights holders' marks (verify or reject) and set their priority weights."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from review_ui import queries
from review_ui.deps import Curator, Db, MarkId
from review_ui.routes.common import render, web_router
from review_ui.templating import flash, t
from shared_db.repo.marks import pending_marks, update_mark, verify_mark
from shared_db.schemas import MarkUpdate, MarkVerificationIn

router = web_router()


@router.get("/marks/pending")
def pending(request: Request, db: Db, scope: Curator) -> Response:
    """Marks awaiting verification, oldest first, with what to check them against."""
    return render(request, "marks_pending.html", {"marks": pending_marks(session=db)})


@router.get("/marks/{mark_id}/review")
def review(request: Request, mark_id: MarkId, db: Db, scope: Curator) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    return render(request, "mark_review.html", {"mark": mark, "errors": []})


@router.post("/marks/{mark_id}/verify")
async def verify(request: Request, mark_id: MarkId, db: Db, scope: Curator) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    form = await request.form()
    try:
        verdict = MarkVerificationIn(status=str(form.get("status") or ""), note=form.get("note") or None)
    except ValidationError:
        return render(request, "mark_review.html", {"mark": mark, "errors": [
            t(request, "Choose verify or reject; a note has at most 500 characters.")]}, status_code=422)
    verify_mark(mark, verdict.status, session=db, actor_id=scope.user.id, note=verdict.note)
    flash(request, t(request, "Mark verified.") if verdict.status == "verified" else t(request, "Mark rejected."))
    return RedirectResponse(f"/marks/{mark.id}/review", status_code=303)


@router.post("/marks/{mark_id}/weight")
async def set_weight(request: Request, mark_id: MarkId, db: Db, scope: Curator) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    form = await request.form()
    try:
        changes = MarkUpdate.model_validate({"weight": str(form.get("weight") or "")})
    except ValidationError:
        return render(request, "mark_review.html", {"mark": mark, "errors": [
            t(request, "The weight is a number from 0 to 10.")]}, status_code=422)
    update_mark(mark, changes, session=db, actor_id=scope.user.id, curator=scope.curator)
    flash(request, t(request, "Weight saved."))
    return RedirectResponse(f"/marks/{mark.id}/review", status_code=303)
