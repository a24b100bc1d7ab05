"""A case after its notice: closing it as resolved, reopening it, and a follow-up notice for the listings a re-check
found still online (text, PDF, recorded as sent). Every action is audited by the repository."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from review_ui.deps import Db, Enforcer, Viewer
from review_ui.notices import Notice, build_followup, notice_sha256, render_text
from review_ui.routes.common import web_router
from review_ui.routes.enforcement import CaseId, case_action, find_case, no_such_case, notice_file, refused
from shared_db.models import EnforcementCase
from shared_db.repo import audit
from shared_db.repo.cases import CaseError, close_case, record_followup, reopen_case

router = web_router()
Note = Annotated[str, Form(max_length=2000)]


@router.post("/enforcement/cases/{case_id}/close")
def close(request: Request, case_id: CaseId, db: Db, scope: Enforcer, resolution: Annotated[str, Form(max_length=30)],
          note: Note = "") -> Response:
    """Close the case as removed, refused by the marketplace or withdrawn, with a note."""
    return case_action(request, case_id, db, scope, lambda case: close_case(
        case, session=db, resolution=resolution, note=note, by=scope.user.id))


@router.post("/enforcement/cases/{case_id}/reopen")
def reopen(request: Request, case_id: CaseId, db: Db, scope: Enforcer, reason: Note = "") -> Response:
    """Reopen a closed case; the reason is required and audited."""
    return case_action(request, case_id, db, scope, lambda case: reopen_case(
        case, session=db, reason=reason, by=scope.user.id))


def _followup(request: Request, case: EnforcementCase) -> Notice:
    return build_followup(case, settings=request.app.state.settings, generated_at=datetime.now(UTC))


def _followup_file(request: Request, case_id: int, db: Db, scope: Viewer, kind: str) -> Response:
    case = find_case(db, scope, case_id)
    if case is None:
        return no_such_case(request)
    try:
        notice = _followup(request, case)
    except CaseError as exc:
        return refused(request, exc)
    audit.record(f"export.followup_{kind}", session=db, actor_id=scope.user.id, object_type="case",
                 object_id=case.id, after={"hits": len(notice.listings)})
    return notice_file(request, notice, kind, notice.reference)


@router.get("/enforcement/cases/{case_id}/followup.txt")
def followup_text(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    """The next follow-up notice, citing the first notice's date, for the listings still online."""
    return _followup_file(request, case_id, db, scope, "text")


@router.get("/enforcement/cases/{case_id}/followup.pdf")
def followup_pdf(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    return _followup_file(request, case_id, db, scope, "pdf")


@router.post("/enforcement/cases/{case_id}/followup")
def followup_sent(request: Request, case_id: CaseId, db: Db, scope: Enforcer,
                  sent_to: Annotated[str, Form(max_length=320)] = "") -> Response:
    """Record that the follow-up notice (as rendered now, hashed) went to ``sent_to``."""
    return case_action(request, case_id, db, scope, lambda case: record_followup(
        case, session=db, sent_to=sent_to, sent_by=scope.user.id,
        notice_sha256=notice_sha256(render_text(_followup(request, case)))))
