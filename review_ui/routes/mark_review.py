"""Reviewers and admins check rights holders' marks (verify or reject) and set their priority weights."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from review_ui import queries
from review_ui.deps import Curator, Db, MarkId
from review_ui.routes.common import render, web_router
from review_ui.templating import flash, t
from shared_db.repo.marks import pending_marks, update_mark, verify_mark
from shared_db.schemas import MarkUpdate, Weight

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
def verify(request: Request, mark_id: MarkId, db: Db, scope: Curator,
           status: Annotated[Literal["verified", "rejected"], Form()],
           note: Annotated[str, Form(max_length=500)] = "") -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    verify_mark(mark, status, session=db, actor_id=scope.user.id, note=note or None)
    flash(request, t(request, "Mark verified.") if status == "verified" else t(request, "Mark rejected."))
    return RedirectResponse(f"/marks/{mark.id}/review", status_code=303)


@router.post("/marks/{mark_id}/weight")
def set_weight(request: Request, mark_id: MarkId, db: Db, scope: Curator,
               weight: Annotated[Weight, Form(allow_inf_nan=False)]) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    update_mark(mark, MarkUpdate(weight=weight), session=db, actor_id=scope.user.id, curator=scope.curator)
    flash(request, t(request, "Weight saved."))
    return RedirectResponse(f"/marks/{mark.id}/review", status_code=303)
