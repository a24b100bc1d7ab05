"""Enforcement cases: notices (text, PDF, IP-form exports), sending, the marketplace's answer, listing outcomes,
and seller networks. Every query is limited to the user's organisation by its Scope."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from review_ui.deps import Db, Decider, Enforcer, Scope, Viewer
from review_ui.notice_forms import forms_csv, forms_json
from review_ui.notice_pdf import evidence_screenshots, render_pdf
from review_ui.notices import Notice, build_notice, notice_config, notice_sha256, render_text
from review_ui.params import DbId
from review_ui.routes.common import render, web_router
from review_ui.templating import t, tr, translated
from shared_db.models import CaseListing, EnforcementCase, Hit, HitStatus
from shared_db.repo import audit
from shared_db.repo.cases import (
    RESOLUTIONS,
    RESPONSES,
    CaseError,
    get_case,
    list_enforcement_cases,
    open_cases,
    record_response,
    record_sent,
    removal_stats,
    still_online,
    uncased_confirmed_hits,
)
from shared_db.repo.sellers import seller_network

router = web_router()
CaseId = Annotated[DbId, Path()]
SellerKey = Annotated[str, Query(max_length=300)]


def find_case(db: Db, scope: Scope, case_id: int) -> EnforcementCase | None:
    return get_case(case_id, session=db, org_id=scope.org_id)


def no_such_case(request: Request) -> Response:
    return render(request, "error.html", {"message": t(request, "No such case.")}, status_code=404)


def refused(request: Request, exc: CaseError) -> Response:
    """The page saying why the case cannot take the action (422), in the user's language."""
    return render(request, "error.html", {"message": translated(str(exc), tr(request))}, status_code=422)


def _open(db: Db, scope: Scope, hits: list[Hit], network: list[str] | None = None) -> list[EnforcementCase]:
    return open_cases(hits, session=db, per_mark=lambda m: notice_config(m).per_mark,
                      template=lambda m: notice_config(m).template, created_by=scope.user.id, network=network)


@router.get("/enforcement")
def enforcement(request: Request, db: Db, scope: Viewer) -> Response:
    cases = list_enforcement_cases(session=db, org_id=scope.org_id)
    waiting = len(uncased_confirmed_hits(session=db, org_id=scope.org_id))
    return render(request, "enforcement.html", {"cases": cases, "waiting": waiting,
                                                "stats": removal_stats(session=db, org_id=scope.org_id),
                                                "can_enforce": scope.can("enforce")})


@router.post("/enforcement/notices")
def generate(request: Request, db: Db, scope: Enforcer) -> Response:
    """Open one case per rights holder × marketplace (× mark) over the confirmed hits in no case yet."""
    cases = _open(db, scope, uncased_confirmed_hits(session=db, org_id=scope.org_id))
    if not cases:
        return render(request, "error.html", {"message": t(request, "No confirmed hits waiting for a notice.")},
                      status_code=404)
    return RedirectResponse("/enforcement", status_code=303)


@router.get("/enforcement/cases/{case_id}")
def case_page(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    case = find_case(db, scope, case_id)
    if case is None:
        return no_such_case(request)
    config = notice_config(case.marketplace)
    return render(request, "enforcement_case.html", {
        "case": case, "config": config, "responses": RESPONSES, "resolutions": RESOLUTIONS,
        "still_online": still_online(case), "can_enforce": scope.can("enforce"), "can_answer": scope.can("decide")})


def _notice(request: Request, case: EnforcementCase) -> Notice:
    return build_notice(case, settings=request.app.state.settings, generated_at=datetime.now(UTC))


def _export(db: Db, scope: Scope, case: EnforcementCase, kind: str) -> None:
    audit.record(f"export.notice_{kind}", session=db, actor_id=scope.user.id, object_type="case", object_id=case.id,
                 after={"hits": len(case.listings)})


#: A notice's downloads: kind -> (file name prefix, suffix, media type, disposition).
NOTICE_FILES = {
    "text": ("notice", "txt", "text/plain; charset=utf-8", "inline"),
    "pdf": ("notice", "pdf", "application/pdf", "attachment"),
    "forms_csv": ("ip-forms", "csv", "text/csv; charset=utf-8", "attachment"),
    "forms_json": ("ip-forms", "json", "application/json", "attachment"),
}


def notice_file(request: Request, notice: Notice, kind: str, name: str | None = None) -> Response:
    """``notice`` as the download ``kind`` of :data:`NOTICE_FILES`, named ``name`` (default: prefix-case id)."""
    prefix, suffix, media_type, disposition = NOTICE_FILES[kind]
    if kind == "text":
        body: str | bytes = render_text(notice)
    elif kind == "pdf":
        body = render_pdf(notice, screenshots=evidence_screenshots(request.app.state.settings))
    elif kind == "forms_csv":
        body = forms_csv([notice])
    else:
        body = json.dumps(forms_json([notice]), ensure_ascii=False, indent=2)
    filename = f"{name or f'{prefix}-{notice.case_id}'}.{suffix}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def _notice_download(request: Request, case_id: int, db: Db, scope: Scope, kind: str) -> Response:
    case = find_case(db, scope, case_id)
    if case is None:
        return no_such_case(request)
    _export(db, scope, case, kind)
    return notice_file(request, _notice(request, case), kind)


@router.get("/enforcement/cases/{case_id}/notice.txt")
def notice_text(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    return _notice_download(request, case_id, db, scope, "text")


@router.get("/enforcement/cases/{case_id}/notice.pdf")
def notice_pdf(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    return _notice_download(request, case_id, db, scope, "pdf")


@router.get("/enforcement/cases/{case_id}/forms.csv")
def notice_forms_csv(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    return _notice_download(request, case_id, db, scope, "forms_csv")


@router.get("/enforcement/cases/{case_id}/forms.json")
def notice_forms_json(request: Request, case_id: CaseId, db: Db, scope: Viewer) -> Response:
    return _notice_download(request, case_id, db, scope, "forms_json")


def case_action(request: Request, case_id: int, db: Db, scope: Scope, act: Callable[[EnforcementCase], object]) -> Response:
    """Do ``act`` on the user's case and go back to its page: 404 for a case outside the scope, 422 with the
    reason when the case refuses the action."""
    case = find_case(db, scope, case_id)
    if case is None:
        return no_such_case(request)
    try:
        act(case)
    except CaseError as exc:
        return refused(request, exc)
    return RedirectResponse(f"/enforcement/cases/{case.id}", status_code=303)


@router.post("/enforcement/cases/{case_id}/sent")
def mark_sent(request: Request, case_id: CaseId, db: Db, scope: Enforcer,
              sent_to: Annotated[str, Form(max_length=320)] = "") -> Response:
    """Record that the notice (as rendered now, hashed) went to ``sent_to``."""
    return case_action(request, case_id, db, scope, lambda case: record_sent(
        case, session=db, sent_to=sent_to, sent_by=scope.user.id,
        notice_sha256=notice_sha256(render_text(_notice(request, case)))))


@router.post("/enforcement/cases/{case_id}/response")
def answer(request: Request, case_id: CaseId, db: Db, scope: Decider,
           response: Annotated[str, Form(max_length=30)], note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Record the marketplace's answer to the notice."""
    return case_action(request, case_id, db, scope, lambda case: record_response(
        case, session=db, response=response, note=note or None, by=scope.user.id))


def _network_hits(db: Db, scope: Scope, marketplace: str, sellers: list[str]) -> list[Hit]:
    from sqlalchemy import or_, select
    from sqlalchemy.orm import selectinload

    query = scope.hits(select(Hit).where(Hit.marketplace == marketplace,
                                         or_(Hit.seller_id.in_(sellers), Hit.seller_name.in_(sellers))))
    return list(db.scalars(query.options(selectinload(Hit.mark)).order_by(Hit.priority.desc()).limit(200)))


@router.get("/sellers/network")
def network_page(request: Request, db: Db, scope: Viewer, marketplace: SellerKey, seller: SellerKey) -> Response:
    """A seller's network: the linked accounts, why they are linked, and their hits in the user's scope."""
    network = seller_network(marketplace, seller, session=db)
    hits = _network_hits(db, scope, marketplace, network.sellers)
    if not hits:  # a seller the user has no hit of is none of their business
        return render(request, "error.html", {"message": t(request, "No hits of this seller.")}, status_code=404)
    return render(request, "network.html", {"network": network, "hits": hits, "can_enforce": scope.can("enforce")})


@router.post("/sellers/network/case")
def network_case(request: Request, db: Db, scope: Enforcer, marketplace: Annotated[str, Form(max_length=300)],
                 seller: Annotated[str, Form(max_length=300)]) -> Response:
    """Raise a case against the whole network: its sellers' confirmed hits in no case yet."""
    network = seller_network(marketplace, seller, session=db)
    ids = [h.id for h in _network_hits(db, scope, marketplace, network.sellers) if h.status == HitStatus.CONFIRMED.value]
    cases = _open(db, scope, uncased_confirmed_hits(session=db, org_id=scope.org_id, hit_ids=ids),
                  network=network.sellers)
    if not cases:
        return render(request, "error.html", {"message": t(request, "No confirmed hits of this network waiting "
                                                                    "for a notice.")}, status_code=404)
    return RedirectResponse(f"/enforcement/cases/{cases[0].id}", status_code=303)


def hit_network(scope: Scope, hit: Hit, *, session: Db):  # type: ignore[no-untyped-def]
    """The hit seller's network for the hit page (None when the seller is linked to no one)."""
    seller = hit.seller_id or hit.seller_name
    if not seller:
        return None
    network = seller_network(hit.marketplace, seller, session=session)
    return network if network.links else None



def hit_cases(hit: Hit, *, session: Db) -> list[CaseListing]:
    """The cases citing this hit (visible to whoever may see the hit: a case has one rights holder's hits)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    query = select(CaseListing).where(CaseListing.hit_id == hit.id).options(selectinload(CaseListing.case))
    return list(session.scalars(query.order_by(CaseListing.id)))
