"""Reference product photos of a mark: upload, remove and show (served from our evidence store)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from review_ui import queries
from review_ui.deps import Db, ImageId, MarkEditor, MarkId, Viewer
from review_ui.evidence import EvidenceUnavailable, image_response
from review_ui.routes.common import UploadTooLarge, read_upload, render, web_router
from review_ui.templating import flash, t
from shared_db.imagehash import ImageRejected
from shared_db.models import Mark
from shared_db.repo.reference_images import (
    TooManyReferenceImages,
    add_reference_image,
    remove_reference_image,
)

router = web_router()


def _no_mark(request: Request) -> Response:
    return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)


def _form_error(request: Request, mark: Mark, message: str, status_code: int) -> Response:
    return render(request, "mark_form.html", {"mark": mark, "values": {}, "errors": [message], "orgs": []},
                  status_code=status_code)


@router.post("/marks/{mark_id}/images")
async def upload_image(request: Request, mark_id: MarkId, db: Db, scope: MarkEditor) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return _no_mark(request)
    settings = request.app.state.settings
    try:
        _form, upload, data = await read_upload(request, "image", settings.image_max_bytes)
    except UploadTooLarge:
        return _form_error(request, mark, t(request, "The image is larger than {limit} bytes; upload a smaller one.",
                                            limit=settings.image_max_bytes), 413)
    if upload is None or not data:
        return _form_error(request, mark, t(request, "Choose a JPEG, PNG, GIF or WebP image."), 422)
    try:
        add_reference_image(mark, data, session=db, settings=settings, filename=upload.filename,
                            actor_id=scope.user.id)
    except (ImageRejected, TooManyReferenceImages) as exc:
        return _form_error(request, mark, t(request, "Image not added: {reason}.", reason=str(exc)), 422)
    flash(request, t(request, "Reference image added."))
    return RedirectResponse(f"/marks/{mark.id}/edit", status_code=303)


@router.post("/marks/{mark_id}/images/{image_id}/delete")
def delete_image(request: Request, mark_id: MarkId, image_id: ImageId, db: Db, scope: MarkEditor) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None or not remove_reference_image(mark, image_id, session=db, actor_id=scope.user.id):
        return _no_mark(request)
    flash(request, t(request, "Reference image removed."))
    return RedirectResponse(f"/marks/{mark.id}/edit", status_code=303)


@router.get("/marks/{mark_id}/images/{image_id}")
def show_image(request: Request, mark_id: MarkId, image_id: ImageId, db: Db, scope: Viewer) -> Response:
    """The photo, only to users who may see the mark, as its sniffed image type with nosniff."""
    mark = queries.get_mark(scope, mark_id, session=db)
    image = next((i for i in mark.reference_images if i.id == image_id), None) if mark else None
    if image is None:
        return _no_mark(request)
    try:
        return image_response(request.app.state.settings, image.sha256)
    except EvidenceUnavailable as exc:
        return render(request, "error.html", {"message": str(exc)}, status_code=404)
