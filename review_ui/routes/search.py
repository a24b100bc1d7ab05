"""Listing search (Elasticsearch) and suspect-URL reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, StringConstraints
from sqlalchemy import select

from review_ui import queries
from review_ui.deps import Db, Viewer
from review_ui.listing_search import PAGE, ListingQuery, ListingRow, search_listings
from review_ui.params import RESULT_WINDOW, Blank, OptionalDbId, Price, Text, page_number
from review_ui.routes.common import render, web_router
from review_ui.templating import t, tr
from shared_db.es.client import IndexUnavailable
from shared_db.messages import translate
from shared_db.models import SuspectReport
from shared_db.netsafety import UnsafeURLError, check_public_url
from shared_db.repo import audit

router = web_router()


SearchPage = page_number(PAGE)


class SearchParams(BaseModel):
    """The search form (also the API's /search query string)."""

    q: Annotated[str, StringConstraints(max_length=1000), Blank] = ""
    fuzzy: Annotated[bool, Blank] = False
    marketplace: Text = None
    seller: Text = None
    price_min: Price = None
    price_max: Price = None
    date_from: Annotated[date | None, Blank] = None
    date_to: Annotated[date | None, Blank] = None
    page: SearchPage = 1

    def query(self) -> ListingQuery:
        return ListingQuery(q=self.q.strip()[:200], fuzzy=self.fuzzy, marketplace=self.marketplace,
                            seller=self.seller, price_min=self.price_min, price_max=self.price_max,
                            date_from=self.date_from, date_to=self.date_to, page=self.page)


@router.get("/search")
def search(request: Request, scope: Viewer, params: Annotated[SearchParams, Query()]) -> Response:
    query = params.query()
    total, results, unavailable = 0, [], None
    if not query.is_empty():
        try:
            total, found = search_listings(request.app.state.settings, query)
            results = [ListingRow.of(doc) for doc in found]
        except IndexUnavailable:
            unavailable = t(request,
                "Listing search is unavailable right now (Elasticsearch does not answer). "
                "The rest of markwatch works; try the search again later.")
    next_url = None
    if total > query.page * PAGE and query.page < RESULT_WINDOW // PAGE:
        kept = params.model_dump(mode="json", exclude_defaults=True) | {"page": query.page + 1}
        next_url = "/search?" + urlencode(kept | ({"fuzzy": "1"} if params.fuzzy else {}))
    return render(request, "search.html", {"query": query, "total": total, "results": results,
                                           "unavailable": unavailable, "next_url": next_url})


def _report_page(request: Request, db: Db, scope: Viewer, **extra: object) -> Response:
    reports = list(db.scalars(scope.reports(select(SuspectReport)).order_by(SuspectReport.id.desc()).limit(50)))
    context = {"reports": reports, "marks": queries.visible_marks(scope, session=db), "error": None,
               "values": {}, **extra}
    return render(request, "report.html", context, status_code=422 if extra.get("error") else 200)


@router.get("/report")
def report_form(request: Request, db: Db, scope: Viewer) -> Response:
    return _report_page(request, db, scope)


@router.post("/report")
def report_url(request: Request, db: Db, scope: Viewer, url: Annotated[str, Form(max_length=2048)],
               note: Annotated[str, Form(max_length=2000)] = "",
               mark_id: Annotated[OptionalDbId, Form()] = None) -> Response:
    """Queue a suspect listing URL for crawling and detection (public addresses only)."""
    settings = request.app.state.settings
    values = {"url": url, "note": note, "mark_id": mark_id or ""}
    try:
        url = check_public_url(url, allowed_hosts=settings.allowed_private_hosts)
    except UnsafeURLError as exc:
        return _report_page(request, db, scope, error=translate(str(exc), tr(request)), values=values)
    mark = queries.get_mark(scope, mark_id, session=db) if mark_id is not None else None
    if mark_id is not None and mark is None:
        return _report_page(request, db, scope, error=t(request, "No such mark."), values=values)
    report = SuspectReport(url=url, note=note or None, org_id=mark.org_id if mark else scope.user.org_id,
                           reported_by=scope.user.id, mark_id=mark.id if mark else None, status="queued")
    db.add(report)
    db.flush()
    audit.record("report.create", session=db, actor_id=scope.user.id, object_type="suspect_report",
                 object_id=report.id, after={"url": url})
    return _report_page(request, db, scope, saved=report)
