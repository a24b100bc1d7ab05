"""The JSON API under /api/v1 (bearer-token auth), scoped exactly like the web pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, UploadFile
from sqlalchemy import select

from review_ui import exports, queries
from review_ui.api.schemas import (
    BulkDecisionIn,
    BulkDecisionOut,
    CaseOut,
    ClaimOut,
    DecisionIn,
    DecisionOut,
    ErrorOut,
    HitDetailOut,
    HitPageOut,
    MarkIn,
    MarkOut,
    MarkWeightIn,
    ReferenceImageOut,
    ReportIn,
    ReportOut,
    SearchOut,
)
from review_ui.deps import (
    Curator,
    Db,
    Decider,
    HitId,
    ImageId,
    MarkEditor,
    MarkId,
    OptionalId,
    Triager,
    Viewer,
)
from review_ui.listing_search import search_listings
from review_ui.params import CURSOR
from review_ui.routes.search import SearchParams
from shared_db.es.client import IndexUnavailable
from shared_db.imagehash import ImageRejected
from shared_db.models import Organisation, SuspectReport
from shared_db.netsafety import UnsafeURLError, check_public_url
from shared_db.repo import audit
from shared_db.repo.hits import HitConflict, claim, decide, release_claim
from shared_db.repo.marks import update_mark, upsert_mark, verify_mark
from shared_db.repo.reference_images import (
    TooManyReferenceImages,
    add_reference_image,
    remove_reference_image,
)
from shared_db.schemas import MarkCreate, MarkUpdate, MarkVerificationIn

ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                                           422: {"model": ErrorOut}}
router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS)


@router.get("/hits", response_model=HitPageOut)
def list_hits(request: Request, db: Db, scope: Viewer,
              status: Literal["new", "confirmed", "dismissed", "escalated", "all"] = "new", mark_id: OptionalId = None,
              marketplace: str | None = None, seller: str | None = None, model: str | None = None,
              order: Annotated[str, Query(pattern="^(priority|uncertain)$")] = "priority",
              after: Annotated[str | None, Query(pattern=CURSOR, description="next_cursor of the previous page")] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> HitPageOut:
    filters = queries.QueueFilters(mark_id=mark_id, marketplace=marketplace, seller=seller, status=status,
                                   model=model, order=order, hide_claimed=False)
    try:
        page = queries.queue_page(scope, filters, session=db, cursor=after, limit=limit)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return HitPageOut(items=page.rows, next_cursor=page.next_cursor)


@router.get("/hits/{hit_id}", response_model=HitDetailOut, responses={404: {"model": ErrorOut}})
def get_hit(hit_id: HitId, db: Db, scope: Viewer) -> Any:
    hit = queries.get_hit(scope, hit_id, session=db)
    if hit is None:
        raise HTTPException(404, "no such hit")
    return hit


@router.post("/hits/{hit_id}/decision", response_model=DecisionOut,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}})
def decide_hit(hit_id: HitId, body: DecisionIn, db: Db, scope: Triager) -> Any:
    if queries.get_hit(scope, hit_id, session=db) is None:
        raise HTTPException(404, "no such hit")
    try:
        return decide(hit_id, body.verdict, session=db, reviewer_id=scope.user.id,
                      expected_version=body.expected_version, reason=body.reason)
    except HitConflict as exc:
        raise HTTPException(409, str(exc)) from exc


@router.post("/hits/{hit_id}/claim", response_model=ClaimOut, responses={404: {"model": ErrorOut}})
def claim_hit(request: Request, hit_id: HitId, db: Db, scope: Decider) -> ClaimOut:
    """Claim a hit so other reviewers skip it; ``claimed`` is false when someone else holds it."""
    if queries.get_hit(scope, hit_id, session=db) is None:
        raise HTTPException(404, "no such hit")
    ttl = timedelta(minutes=request.app.state.settings.claim_ttl_minutes)
    return ClaimOut(hit_id=hit_id, claimed=claim(hit_id, session=db, user_id=scope.user.id, ttl=ttl))


@router.delete("/hits/{hit_id}/claim", response_model=ClaimOut, responses={404: {"model": ErrorOut}})
def release_hit(hit_id: HitId, db: Db, scope: Decider) -> ClaimOut:
    if queries.get_hit(scope, hit_id, session=db) is None:
        raise HTTPException(404, "no such hit")
    release_claim(hit_id, session=db, user_id=scope.user.id)
    return ClaimOut(hit_id=hit_id, claimed=False)


@router.post("/decisions", response_model=BulkDecisionOut)
def bulk_decide(body: BulkDecisionIn, db: Db, scope: Triager) -> BulkDecisionOut:
    """One verdict for many ``{hit_id, expected_version}``; conflicting or unknown hits are listed, not decided."""
    decided, conflicts = [], []
    for item in body.hits:
        if queries.get_hit(scope, item.hit_id, session=db) is None:
            conflicts.append(item.hit_id)
            continue
        try:
            decide(item.hit_id, body.verdict, session=db, reviewer_id=scope.user.id,
                   expected_version=item.expected_version, reason=body.reason)
            decided.append(item.hit_id)
        except HitConflict:
            conflicts.append(item.hit_id)
    return BulkDecisionOut(decided=decided, conflicts=conflicts)


@router.get("/marks", response_model=list[MarkOut])
def list_marks(db: Db, scope: Viewer) -> Any:
    return queries.visible_marks(scope, session=db)


@router.post("/marks", response_model=MarkOut, status_code=201)
def create_mark(body: MarkIn, db: Db, scope: MarkEditor) -> Any:
    """Register a mark (or update the organisation's mark with the same text, in the fields sent).

    A rights holder's new mark is pending until a reviewer or admin verifies it.
    """
    owner = body.owner
    if scope.org_id is not None:
        org = db.get(Organisation, scope.org_id)
        owner = org.name if org else ""
    if not owner:
        raise HTTPException(422, "give the owner organisation's name")
    data = MarkCreate.model_validate({**body.model_dump(exclude_unset=True), "owner": owner})
    mark, _ = upsert_mark(data, session=db, actor_id=scope.user.id, curator=scope.curator)
    return mark


@router.patch("/marks/{mark_id}", response_model=MarkOut, responses={404: {"model": ErrorOut}})
def patch_mark(mark_id: MarkId, body: MarkUpdate, db: Db, scope: MarkEditor) -> Any:
    """Change the fields sent; ``weight`` only as an admin. An owner's change to the registration needs a new check."""
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        raise HTTPException(404, "no such mark")
    return update_mark(mark, body, session=db, actor_id=scope.user.id, curator=scope.curator)


@router.post("/marks/{mark_id}/verification", response_model=MarkOut, responses={404: {"model": ErrorOut}})
def verify(mark_id: MarkId, body: MarkVerificationIn, db: Db, scope: Curator) -> Any:
    """Verify or reject a mark after checking its registration number at its office (reviewers and admins)."""
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        raise HTTPException(404, "no such mark")
    return verify_mark(mark, body.status, session=db, actor_id=scope.user.id, note=body.note)


@router.put("/marks/{mark_id}/weight", response_model=MarkOut, responses={404: {"model": ErrorOut}})
def set_weight(mark_id: MarkId, body: MarkWeightIn, db: Db, scope: Curator) -> Any:
    """Set a mark's priority weight, which ranks its hits in the shared queue (reviewers and admins)."""
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        raise HTTPException(404, "no such mark")
    return update_mark(mark, MarkUpdate(weight=body.weight), session=db, actor_id=scope.user.id,
                       curator=scope.curator)


@router.get("/marks/{mark_id}/images", response_model=list[ReferenceImageOut], responses={404: {"model": ErrorOut}})
def list_reference_images(mark_id: MarkId, db: Db, scope: Viewer) -> Any:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        raise HTTPException(404, "no such mark")
    return mark.reference_images


@router.post("/marks/{mark_id}/images", response_model=ReferenceImageOut, status_code=201,
             responses={404: {"model": ErrorOut}, 413: {"model": ErrorOut}})
async def add_mark_image(request: Request, mark_id: MarkId, image: UploadFile, db: Db, scope: MarkEditor) -> Any:
    """Attach a reference product photo (JPEG, PNG, GIF or WebP) to one of your marks."""
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        raise HTTPException(404, "no such mark")
    settings = request.app.state.settings
    data = await image.read(settings.image_max_bytes + 1)
    if len(data) > settings.image_max_bytes:
        raise HTTPException(413, f"the image is larger than {settings.image_max_bytes} bytes; upload a smaller one")
    try:
        return add_reference_image(mark, data, session=db, settings=settings, filename=image.filename,
                                   actor_id=scope.user.id)
    except (ImageRejected, TooManyReferenceImages) as exc:
        raise HTTPException(422, str(exc)) from exc


@router.delete("/marks/{mark_id}/images/{image_id}", response_model=list[ReferenceImageOut],
               responses={404: {"model": ErrorOut}})
def delete_mark_image(mark_id: MarkId, image_id: ImageId, db: Db, scope: MarkEditor) -> Any:
    """Remove one reference photo; returns the mark's remaining ones."""
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None or not remove_reference_image(mark, image_id, session=db, actor_id=scope.user.id):
        raise HTTPException(404, "no such mark or image")
    return mark.reference_images


@router.get("/cases", response_model=list[CaseOut])
def list_cases(db: Db, scope: Viewer) -> Any:
    return [CaseOut(**case.__dict__) for case in exports.list_cases(scope, session=db)]


@router.get("/search", response_model=SearchOut, responses={503: {"model": ErrorOut}})
def search(request: Request, scope: Viewer, params: Annotated[SearchParams, Query()]) -> SearchOut:
    try:
        total, items = search_listings(request.app.state.settings, params.query())
    except IndexUnavailable as exc:
        raise HTTPException(503, f"{exc}; try again later") from exc
    return SearchOut(total=total, items=items)


@router.post("/reports", response_model=ReportOut, status_code=201, responses={404: {"model": ErrorOut}})
def report(request: Request, body: ReportIn, db: Db, scope: Viewer) -> Any:
    try:
        url = check_public_url(body.url, allowed_hosts=request.app.state.settings.allowed_private_hosts)
    except UnsafeURLError as exc:
        raise HTTPException(422, str(exc)) from exc
    mark = queries.get_mark(scope, body.mark_id, session=db) if body.mark_id is not None else None
    if body.mark_id is not None and mark is None:
        raise HTTPException(404, "no such mark")
    row = SuspectReport(url=url, note=body.note, org_id=mark.org_id if mark else scope.user.org_id,
                        reported_by=scope.user.id, mark_id=body.mark_id, status="queued")
    db.add(row)
    db.flush()
    audit.record("report.create", session=db, actor_id=scope.user.id, object_type="suspect_report",
                 object_id=row.id, after={"url": url})
    return row


@router.get("/reports", response_model=list[ReportOut])
def reports(db: Db, scope: Viewer) -> Any:
    return list(db.scalars(scope.reports(select(SuspectReport)).order_by(SuspectReport.id.desc()).limit(200)))


@router.get("/exports/authority", response_model=dict[str, Any])
def authority_export(db: Db, scope: Viewer) -> dict[str, Any]:
    data = exports.authority_export(scope, session=db, generated_at=datetime.now(UTC))
    audit.record("export.authority", session=db, actor_id=scope.user.id, object_type="case", object_id="*/*",
                 after={"hits": len(data["cases"]), "via": "api"})
    return data


