"""Hit detail, decisions with optimistic locking, claims, the sandboxed evidence snapshot and the screenshot."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from review_ui import queries
from review_ui.deps import Db, Decider, HitId, Triager, Viewer
from review_ui.evidence import EvidenceUnavailable, evidence_response, image_response, load_evidence_meta
from review_ui.params import Version
from review_ui.people import person_name
from review_ui.routes.common import is_htmx, render, web_router
from review_ui.routes.corrections import offer_undo, pending_undo, undo_for_hit
from review_ui.routes.enforcement import hit_cases, hit_network
from review_ui.templating import t, tr
from shared_db.models import Hit, User
from shared_db.repo.hits import HitConflict, claim, decide, release_claim

router = web_router()
MAX_IMAGES = 1000


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"message": t(request, "No such hit.")}, status_code=404)


def price_comparison(hit: Hit) -> dict[str, Any] | None:
    """The listing price against the mark's reference price (same currency only)."""
    ref = hit.mark.reference_price
    if hit.price is None or ref is None or not ref or (hit.currency or "") != (hit.mark.currency or ""):
        return None
    ratio = Decimal(hit.price) / Decimal(ref)
    return {"reference": ref, "currency": hit.mark.currency, "ratio": float(ratio),
            "percent_below": max(0.0, float((1 - ratio) * 100))}


@router.get("/hits/{hit_id}")
def hit_detail(request: Request, hit_id: HitId, db: Db, scope: Viewer) -> Response:
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None:
        return _not_found(request)
    claimed = False
    if scope.can("decide"):
        ttl = timedelta(minutes=request.app.state.settings.claim_ttl_minutes)
        claimed = claim(hit.id, session=db, user_id=scope.user.id, ttl=ttl)
        db.refresh(hit)
    return render(request, "hit.html", _detail_context(request, scope, hit, db, claimed=claimed))


def _detail_context(request: Request, scope: Any, hit: Hit, db: Any, **extra: Any) -> dict[str, Any]:
    settings = request.app.state.settings
    try:
        evidence = load_evidence_meta(settings, hit.evidence_sha256)
        evidence_error = None
    except EvidenceUnavailable as exc:
        evidence, evidence_error = None, str(exc)
    try:
        screenshot, screenshot_missing = load_evidence_meta(settings, hit.screenshot_sha256), None
    except EvidenceUnavailable as exc:
        screenshot, screenshot_missing = None, str(exc)
    return {
        "hit": hit, "can_decide": scope.can("decide"), "verdicts": scope.verdicts, "price": price_comparison(hit),
        "others": queries.seller_other_hits(scope, hit, session=db), "evidence": evidence,
        "evidence_error": evidence_error, "screenshot": screenshot, "screenshot_missing": screenshot_missing,
        "conflict": None, "reason": "", "claimant": db.get(User, hit.claimed_by) if hit.claimed_by else None,
        "person": partial(person_name, scope, gettext=tr(request)),
        "images": listing_images(hit), "image_similarity": (hit.features or {}).get("image_similarity"),
        "undo": undo_for_hit(request, scope, hit.decisions), "undo_back": f"/hits/{hit.id}",
        "reopen_error": None, "reopen_reason": "",
        "network": hit_network(scope, hit, session=db), "can_enforce": scope.can("enforce"),
        "hit_cases": hit_cases(hit, session=db),
        **extra,
    }


def listing_images(hit: Hit) -> list[str]:
    """The sha256s of the listing images captured with the hit (in the evidence store)."""
    return [sha for sha in (hit.features or {}).get("image_sha256") or [] if isinstance(sha, str)]


@router.post("/hits/{hit_id}/decide")
def decide_hit(request: Request, hit_id: HitId, db: Db, scope: Triager,
               verdict: Annotated[Literal["confirmed", "dismissed", "escalated"], Form()],
               version: Annotated[Version, Form()], reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None:
        return _not_found(request)
    conflict, decision = None, None
    try:
        decision = decide(hit_id, verdict, session=db, reviewer_id=scope.user.id, expected_version=version,
                          reason=reason or None)
        offer_undo(request, [decision.id])
    except HitConflict:
        conflict = t(request,
            "Someone else decided this hit while you were looking at it. Nothing was saved; "
            "your reason is kept below — review the new state and decide again.")
    db.refresh(hit)
    if is_htmx(request):
        return render(request, "_queue_row.html", {"row": queries.QueueRow.of(hit), "verdicts": scope.verdicts,
                                                   "conflict": conflict, "decided": conflict is None,
                                                   "undo": pending_undo(request) if decision else None,
                                                   "undo_back": _page_path(request.headers.get("hx-current-url", ""))})
    if conflict is None:
        return RedirectResponse(f"/hits/{hit_id}", status_code=303)
    context = _detail_context(request, scope, hit, db, conflict=conflict, reason=reason)
    return render(request, "hit.html", context, status_code=409)


def _page_path(url: str) -> str:
    """The path and query of the page a request came from (where an undo returns to)."""
    parts = urlsplit(url)
    return (parts.path or "/queue") + (f"?{parts.query}" if parts.query else "")


@router.post("/hits/{hit_id}/claim")
def claim_hit(request: Request, hit_id: HitId, db: Db, scope: Decider) -> Response:
    if queries.get_hit(scope, hit_id, session=db) is None:
        return _not_found(request)
    ttl = timedelta(minutes=request.app.state.settings.claim_ttl_minutes)
    claim(hit_id, session=db, user_id=scope.user.id, ttl=ttl)
    return RedirectResponse(f"/hits/{hit_id}", status_code=303)


@router.post("/hits/{hit_id}/release")
def release_hit(request: Request, hit_id: HitId, db: Db, scope: Decider) -> Response:
    if queries.get_hit(scope, hit_id, session=db) is None:
        return _not_found(request)
    release_claim(hit_id, session=db, user_id=scope.user.id)
    return RedirectResponse("/queue", status_code=303)


@router.get("/hits/{hit_id}/evidence")
def hit_evidence(request: Request, hit_id: HitId, db: Db, scope: Viewer,
                 view: Literal["text", "html"] = "text") -> Response:
    """The raw snapshot, served inert: CSP sandbox, nosniff, text/plain unless ``view=html``."""
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None or not hit.evidence_sha256:
        return _not_found(request)
    try:
        return evidence_response(request.app.state.settings, hit.evidence_sha256, as_html=view == "html")
    except EvidenceUnavailable as exc:
        return render(request, "error.html", {"message": str(exc)}, status_code=404)


@router.get("/hits/{hit_id}/images/{number}")
def hit_image(request: Request, hit_id: HitId, number: Annotated[int, Path(ge=0, le=MAX_IMAGES)], db: Db,
              scope: Viewer) -> Response:
    """The listing's ``number``-th captured image, from our evidence store, as its sniffed type with nosniff."""
    hit = queries.get_hit(scope, hit_id, session=db)
    images = listing_images(hit) if hit is not None else []
    if not 0 <= number < len(images):
        return _not_found(request)
    try:
        return image_response(request.app.state.settings, images[number])
    except EvidenceUnavailable as exc:
        return render(request, "error.html", {"message": str(exc)}, status_code=404)


@router.get("/hits/{hit_id}/screenshot")
def hit_screenshot(request: Request, hit_id: HitId, db: Db, scope: Viewer) -> Response:
    """The full-page screenshot of the listing, from our evidence store, as a PNG with nosniff."""
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None or not hit.screenshot_sha256:
        return _not_found(request)
    try:
        return image_response(request.app.state.settings, hit.screenshot_sha256)
    except EvidenceUnavailable as exc:
        return render(request, "error.html", {"message": str(exc)}, status_code=404)
