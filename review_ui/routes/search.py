"""Listing search (Elasticsearch) and suspect-URL reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from review_ui import queries
from review_ui.deps import Db, Viewer
from review_ui.listing_search import PAGE, ListingQuery, ListingRow, search_listings
from review_ui.routes.common import parse_float, parse_int, render, web_router
from review_ui.templating import t
from shared_db.es.client import IndexUnavailable
from shared_db.models import SuspectReport
from shared_db.netsafety import UnsafeURLError, check_public_url
from shared_db.repo import audit

router = web_router()


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def query_from(params: dict[str, str]) -> ListingQuery:
    return ListingQuery(
        q=(params.get("q") or "").strip()[:200], fuzzy=params.get("fuzzy") == "1",
        marketplace=params.get("marketplace") or None, seller=params.get("seller") or None,
        price_min=parse_float(params.get("price_min")), price_max=parse_float(params.get("price_max")),
        date_from=_date(params.get("date_from")), date_to=_date(params.get("date_to")),
        page=max(parse_int(params.get("page")) or 1, 1),
    )


@router.get("/search")
def search(request: Request, scope: Viewer) -> Response:
    query = query_from(dict(request.query_params))
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
    if total > query.page * PAGE:
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        next_url = "/search?" + urlencode({**params, "page": query.page + 1})
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
               mark_id: Annotated[str, Form()] = "") -> Response:
    """Queue a suspect listing URL for crawling and detection (public addresses only)."""
    settings = request.app.state.settings
    values = {"url": url, "note": note, "mark_id": mark_id}
    try:
        url = check_public_url(url, allowed_hosts=settings.allowed_private_hosts)
    except UnsafeURLError as exc:
        return _report_page(request, db, scope, error=str(exc), values=values)
    mark = queries.get_mark(scope, int(mark_id), session=db) if mark_id.isdigit() else None
    if mark_id and mark is None:
        return _report_page(request, db, scope, error=t(request, "No such mark."), values=values)
    report = SuspectReport(url=url, note=note or None, org_id=mark.org_id if mark else scope.user.org_id,
                           reported_by=scope.user.id, mark_id=mark.id if mark else None, status="queued")
    db.add(report)
    db.flush()
    audit.record("report.create", session=db, actor_id=scope.user.id, object_type="suspect_report",
                 object_id=report.id, after={"url": url})
    return _report_page(request, db, scope, saved=report)
