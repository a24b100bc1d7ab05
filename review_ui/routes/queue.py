"""The reviewer queue: filters, keyset pages, keyboard triage, bulk decisions."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from review_ui import queries
from review_ui.deps import Db, Triager, Viewer
from review_ui.routes.common import parse_float, parse_int, render, web_router
from review_ui.templating import flash, t
from shared_db.models import Hit, HitStatus, Verdict
from shared_db.repo.hits import HitConflict, HitNotFound, decide

router = web_router()


def filters_from(request: Request) -> queries.QueueFilters:
    q = request.query_params
    status = q.get("status") or HitStatus.NEW.value
    order = q.get("order") or "priority"
    return queries.QueueFilters(
        mark_id=parse_int(q.get("mark_id")), marketplace=q.get("marketplace") or None,
        seller=q.get("seller") or None, min_score=parse_float(q.get("min_score")),
        max_score=parse_float(q.get("max_score")),
        status=status if status in {*HitStatus, "all"} else HitStatus.NEW.value,
        model=q.get("model") or None, order=order if order in queries.ORDERS else "priority",
        hide_claimed=q.get("claimed") != "show",
    )


@router.get("/queue")
def queue(request: Request, db: Db, scope: Viewer) -> Response:
    settings = request.app.state.settings
    filters = filters_from(request)
    try:
        page = queries.queue_page(scope, filters, session=db, cursor=request.query_params.get("after"),
                                  claim_ttl=timedelta(minutes=settings.claim_ttl_minutes))
    except ValueError:
        return RedirectResponse("/queue", status_code=303)
    next_url = None
    if page.next_cursor:
        next_url = "/queue?" + urlencode({**filters.as_params(), "after": page.next_cursor})
    menus = request.app.state.menus
    return render(request, "queue.html", {
        "page": page, "filters": filters, "next_url": next_url, "verdicts": scope.verdicts,
        "marks": menus.get(scope, "marks", lambda: queries.mark_choices(scope, session=db)),
        "marketplaces": menus.get(scope, "marketplaces",
                                  lambda: queries.facet_values(scope, Hit.marketplace, session=db)),
        "models": menus.get(scope, "models",
                            lambda: queries.facet_values(scope, Hit.model_version, session=db)),
        "statuses": [s.value for s in HitStatus], "query_string": urlencode(filters.as_params()),
    })


@router.post("/queue/bulk")
async def bulk_decide(request: Request, db: Db, scope: Triager) -> Response:
    """Apply one verdict to every selected ``id:version``; conflicting hits are listed, the rest decided."""
    form = await request.form()
    verdict = str(form.get("verdict", ""))
    back = "/queue?" + str(form.get("query", ""))
    if verdict not in {v.value for v in Verdict}:
        flash(request, t(request, "Choose confirm, dismiss or escalate for the selection."))
        return RedirectResponse(back, status_code=303)
    done, conflicts = 0, []
    for item in form.getlist("sel"):
        hit_id, _, version = str(item).partition(":")
        if not hit_id.isdigit() or not version.isdigit():
            continue
        if queries.get_hit(scope, int(hit_id), session=db) is None:
            conflicts.append(hit_id)
            continue
        try:
            # decide() writes nothing when it raises, so one conflict never undoes the others.
            decide(int(hit_id), verdict, session=db, reviewer_id=scope.user.id,
                   expected_version=int(version), reason="bulk")
            done += 1
        except (HitConflict, HitNotFound):
            conflicts.append(hit_id)
    message = t(request, "{done} hits decided.", done=done)
    if conflicts:
        message += " " + t(request,
            "Not changed (decided by someone else meanwhile, reload to see): {ids}", ids=", ".join(conflicts))
    flash(request, message)
    return RedirectResponse(back, status_code=303)
