"""The reviewer queue: filters, keyset pages, keyboard triage, bulk decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator

from review_ui import queries
from review_ui.deps import Db, Triager, Viewer
from review_ui.params import Blank, DbId, OptionalDbId, PageCursor, Score, Text, Version
from review_ui.routes.common import render, web_router
from review_ui.routes.corrections import offer_undo, pending_undo
from review_ui.templating import flash, t
from shared_db.models import Hit, HitStatus, Verdict
from shared_db.repo.hits import HitConflict, HitNotFound, decide

router = web_router()


class QueueParams(BaseModel):
    """The queue page's query string."""

    mark_id: OptionalDbId = None
    marketplace: Text = None
    seller: Text = None
    min_score: Score = None
    max_score: Score = None
    status: Annotated[Literal["new", "confirmed", "dismissed", "escalated", "all"], Blank] = "new"
    model: Text = None
    order: Annotated[Literal["priority", "uncertain"], Blank] = "priority"
    claimed: Annotated[Literal["show", "hide"], Blank] = "hide"
    after: PageCursor = None

    def filters(self) -> queries.QueueFilters:
        return queries.QueueFilters(
            mark_id=self.mark_id, marketplace=self.marketplace, seller=self.seller, min_score=self.min_score,
            max_score=self.max_score, status=self.status, model=self.model, order=self.order,
            hide_claimed=self.claimed != "show")


def _hit_and_version(value: object) -> object:
    """``"12:3"`` (a checkbox of the bulk form) as ``("12", "3")``, validated as (hit id, version) next."""
    return tuple(value.split(":", 1)) if isinstance(value, str) and ":" in value else value


Selected = Annotated[tuple[DbId, Version], BeforeValidator(_hit_and_version)]


@router.get("/queue")
def queue(request: Request, db: Db, scope: Viewer, params: Annotated[QueueParams, Query()]) -> Response:
    settings = request.app.state.settings
    filters = params.filters()
    try:
        page = queries.queue_page(scope, filters, session=db, cursor=params.after,
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
        "undo": pending_undo(request), "undo_back": "/queue?" + urlencode(filters.as_params()),
    })


@router.post("/queue/bulk")
def bulk_decide(request: Request, db: Db, scope: Triager,
                verdict: Annotated[str, Form(max_length=20)] = "",
                sel: Annotated[list[Selected] | None, Form(max_length=500)] = None,
                query: Annotated[str, Form(max_length=4000)] = "",
                count: Annotated[int | None, Form(ge=0, le=500)] = None) -> Response:
    """Apply one verdict to every selected ``id:version`` once the user confirmed their number.

    Nothing selected: nothing is done, and the page says so. Without ``count`` equal to the number
    selected, a page asks first. Conflicting hits are listed, the rest decided (and can be undone).
    """
    back = "/queue?" + query
    if verdict not in {v.value for v in Verdict}:
        flash(request, t(request, "Choose confirm, dismiss or escalate for the selection."))
        return RedirectResponse(back, status_code=303)
    if not sel:
        flash(request, t(request, "Nothing selected, so nothing was decided. Select hits (x or the "
                                  "checkboxes) first."))
        return RedirectResponse(back, status_code=303)
    selected = dict(sel)
    if count != len(selected):
        hits = [{"id": hit.id, "version": selected[hit.id], "title": hit.listing_title, "mark": hit.mark.text}
                for hit_id in selected if (hit := queries.get_hit(scope, hit_id, session=db)) is not None]
        if not hits:
            flash(request, t(request, "None of the selected hits is visible to you; nothing was decided."))
            return RedirectResponse(back, status_code=303)
        return render(request, "bulk_confirm.html", {"hits": hits, "verdict": verdict, "query": query})
    done, conflicts = [], []
    for hit_id, version in selected.items():
        if queries.get_hit(scope, hit_id, session=db) is None:
            conflicts.append(str(hit_id))
            continue
        try:
            # decide() writes nothing when it raises, so one conflict never undoes the others.
            decision = decide(hit_id, verdict, session=db, reviewer_id=scope.user.id, expected_version=version,
                              reason="bulk")
            done.append(decision.id)
        except (HitConflict, HitNotFound):
            conflicts.append(str(hit_id))
    message = t(request, "{done} hits decided.", done=len(done))
    if conflicts:
        message += " " + t(request,
            "Not changed (decided by someone else meanwhile, reload to see): {ids}", ids=", ".join(conflicts))
    if done:
        offer_undo(request, done)
    flash(request, message)
    return RedirectResponse(back, status_code=303)
